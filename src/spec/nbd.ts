// NBD (NetworkBlockDevice doc/proto.md), as specs.md §6 gives it: magics, handshake and
// transmission flags, option / reply / info types, commands, command flags, errors, and the
// fixed-size headers as big-endian layouts. No behaviour.
import { defineLayout, f } from './layout.js';

/** IANA port. */
export const NBD_DEFAULT_PORT = 10809;

export const NbdMagic = {
  /** "NBDMAGIC", first 8 bytes the server sends. */
  INIT: 0x4e42444d41474943n,
  /** "IHAVEOPT": the newstyle greeting's second word and every option request's magic. */
  OPTS: 0x49484156454f5054n,
  /** Magic of every option reply. */
  OPT_REPLY: 0x0003e889045565a9n,
  REQUEST: 0x25609513,
  SIMPLE_REPLY: 0x67446698,
  STRUCTURED_REPLY: 0x668e33ef,
  /** Experimental extended headers: recognised so they can be named in an error. */
  EXTENDED_REQUEST: 0x21e41c71,
} as const;

/** Handshake flags (server, u16). */
export const NbdHandshakeFlag = { FIXED_NEWSTYLE: 1 << 0, NO_ZEROES: 1 << 1 } as const;
/** Client flags (u32); any other bit set: the server drops the connection. */
export const NbdClientFlag = { FIXED_NEWSTYLE: 1 << 0, NO_ZEROES: 1 << 1 } as const;
export const NBD_KNOWN_CLIENT_FLAGS = NbdClientFlag.FIXED_NEWSTYLE | NbdClientFlag.NO_ZEROES;

export const NbdOption = {
  EXPORT_NAME: 1,
  ABORT: 2,
  LIST: 3,
  PEEK_EXPORT: 4,
  STARTTLS: 5,
  INFO: 6,
  GO: 7,
  STRUCTURED_REPLY: 8,
  LIST_META_CONTEXT: 9,
  SET_META_CONTEXT: 10,
  EXTENDED_HEADERS: 11,
} as const;

export const NBD_OPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'NBD_OPT_EXPORT_NAME',
  2: 'NBD_OPT_ABORT',
  3: 'NBD_OPT_LIST',
  4: 'NBD_OPT_PEEK_EXPORT',
  5: 'NBD_OPT_STARTTLS',
  6: 'NBD_OPT_INFO',
  7: 'NBD_OPT_GO',
  8: 'NBD_OPT_STRUCTURED_REPLY',
  9: 'NBD_OPT_LIST_META_CONTEXT',
  10: 'NBD_OPT_SET_META_CONTEXT',
  11: 'NBD_OPT_EXTENDED_HEADERS',
};

const ERR = 0x8000_0000;
export const NbdReply = {
  ACK: 1,
  SERVER: 2,
  INFO: 3,
  META_CONTEXT: 4,
  ERR_UNSUP: ERR + 1,
  ERR_POLICY: ERR + 2,
  ERR_INVALID: ERR + 3,
  ERR_PLATFORM: ERR + 4,
  ERR_TLS_REQD: ERR + 5,
  ERR_UNKNOWN: ERR + 6,
  ERR_SHUTDOWN: ERR + 7,
  ERR_BLOCK_SIZE_REQD: ERR + 8,
  ERR_TOO_BIG: ERR + 9,
} as const;

export const NBD_REPLY_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(NbdReply).map(([k, v]) => [v, `NBD_REP_${k}`]));
export const isNbdErrorReply = (type: number): boolean => type >= ERR;

/** REP_INFO payload types. */
export const NbdInfo = { EXPORT: 0, NAME: 1, DESCRIPTION: 2, BLOCK_SIZE: 3 } as const;

/** Transmission flags (u16). */
export const NbdTransmissionFlag = {
  HAS_FLAGS: 1 << 0,
  READ_ONLY: 1 << 1,
  SEND_FLUSH: 1 << 2,
  SEND_FUA: 1 << 3,
  ROTATIONAL: 1 << 4,
  SEND_TRIM: 1 << 5,
  SEND_WRITE_ZEROES: 1 << 6,
  SEND_DF: 1 << 7,
  CAN_MULTI_CONN: 1 << 8,
  SEND_RESIZE: 1 << 9,
  SEND_CACHE: 1 << 10,
  SEND_FAST_ZERO: 1 << 11,
  BLOCK_STATUS_PAYLOAD: 1 << 12,
} as const;

export const NbdCommand = {
  READ: 0,
  WRITE: 1,
  DISC: 2,
  FLUSH: 3,
  TRIM: 4,
  CACHE: 5,
  WRITE_ZEROES: 6,
  BLOCK_STATUS: 7,
  RESIZE: 8,
} as const;

export const NBD_COMMAND_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(NbdCommand).map(([k, v]) => [v, `NBD_CMD_${k}`]));

/** Command flags (u16). */
export const NbdCommandFlag = {
  FUA: 1 << 0,
  NO_HOLE: 1 << 1,
  DF: 1 << 2,
  REQ_ONE: 1 << 3,
  FAST_ZERO: 1 << 4,
  PAYLOAD_LEN: 1 << 5,
} as const;

/** Error values of a reply (Linux errno numbers). */
export const NbdError = {
  OK: 0,
  EPERM: 1,
  EIO: 5,
  ENOMEM: 12,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  ENOTSUP: 95,
  ESHUTDOWN: 108,
} as const;

export const NBD_ERROR_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(NbdError).map(([k, v]) => [v, k]));

/** Structured reply chunk types. */
export const NbdReplyType = { NONE: 0, OFFSET_DATA: 1, OFFSET_HOLE: 2, BLOCK_STATUS: 5, BLOCK_STATUS_EXT: 6, ERROR: 0x8001, ERROR_OFFSET: 0x8002 } as const;
/** Structured reply chunk flags. */
export const NbdReplyFlag = { DONE: 1 << 0 } as const;

/** Padding after the EXPORT_NAME reply unless NO_ZEROES was negotiated. */
export const NBD_EXPORT_NAME_PADDING = 124;
/** Longest string (export name, description) the protocol allows. */
export const NBD_MAX_STRING = 4096;

// ---- fixed headers (all big-endian) ----

/** Server greeting of the newstyle handshake. */
export const NBD_GREETING = defineLayout('NBD newstyle greeting', 18, [f('magic', 0, 8, 'u64'), f('opts', 8, 8, 'u64'), f('handshakeFlags', 16, 2, 'u16')], 'be');

export const NBD_CLIENT_FLAGS = defineLayout('NBD client flags', 4, [f('clientFlags', 0, 4, 'u32')], 'be');

/** Client option request header; `length` bytes of data follow. */
export const NBD_OPTION_HEADER = defineLayout('NBD option request', 16, [f('magic', 0, 8, 'u64'), f('option', 8, 4, 'u32'), f('length', 12, 4, 'u32')], 'be');

/** Server option reply header; `length` bytes of data follow. */
export const NBD_OPTION_REPLY = defineLayout('NBD option reply', 20, [f('magic', 0, 8, 'u64'), f('option', 8, 4, 'u32'), f('type', 12, 4, 'u32'), f('length', 16, 4, 'u32')], 'be');

/** Reply to a successful EXPORT_NAME (the 124 zero bytes follow unless NO_ZEROES). */
export const NBD_EXPORT_NAME_REPLY = defineLayout('NBD EXPORT_NAME reply', 10, [f('size', 0, 8, 'u64'), f('transmissionFlags', 8, 2, 'u16')], 'be');

/** REP_INFO payload NBD_INFO_EXPORT. */
export const NBD_INFO_EXPORT = defineLayout('NBD_INFO_EXPORT', 12, [f('type', 0, 2, 'u16'), f('size', 2, 8, 'u64'), f('transmissionFlags', 10, 2, 'u16')], 'be');

/** REP_INFO payload NBD_INFO_BLOCK_SIZE. */
export const NBD_INFO_BLOCK_SIZE = defineLayout(
  'NBD_INFO_BLOCK_SIZE',
  14,
  [f('type', 0, 2, 'u16'), f('minimum', 2, 4, 'u32'), f('preferred', 6, 4, 'u32'), f('maximum', 10, 4, 'u32')],
  'be',
);

/** Transmission request; `length` bytes of payload follow for WRITE only. */
export const NBD_REQUEST = defineLayout(
  'NBD request',
  28,
  [f('magic', 0, 4, 'u32'), f('flags', 4, 2, 'u16'), f('type', 6, 2, 'u16'), f('cookie', 8, 8, 'u64'), f('offset', 16, 8, 'u64'), f('length', 24, 4, 'u32')],
  'be',
);

/** Simple reply; a successful READ's data follows. */
export const NBD_SIMPLE_REPLY = defineLayout('NBD simple reply', 16, [f('magic', 0, 4, 'u32'), f('error', 4, 4, 'u32'), f('cookie', 8, 8, 'u64')], 'be');

/** Structured reply chunk header; `length` bytes of payload follow. */
export const NBD_STRUCTURED_REPLY = defineLayout(
  'NBD structured reply chunk',
  20,
  [f('magic', 0, 4, 'u32'), f('flags', 4, 2, 'u16'), f('type', 6, 2, 'u16'), f('cookie', 8, 8, 'u64'), f('length', 16, 4, 'u32')],
  'be',
);
