// NVMe/TCP PDUs (NVMe/TCP transport binding, TP 8000; specs.md 5.1-5.5): the 8-byte common
// header, each PDU type's header as a layout, the flag bits, the fixed header lengths, and the
// TermReq fatal error status codes. Every multi-byte field is little endian.
import { defineLayout, f } from '../layout.js';

export const PduType = {
  IC_REQ: 0x00,
  IC_RESP: 0x01,
  H2C_TERM_REQ: 0x02,
  C2H_TERM_REQ: 0x03,
  CAPSULE_CMD: 0x04,
  CAPSULE_RESP: 0x05,
  H2C_DATA: 0x06,
  C2H_DATA: 0x07,
  R2T: 0x09,
} as const;
export type PduType = (typeof PduType)[keyof typeof PduType];

export const PDU_TYPE_NAMES: Readonly<Record<number, string>> = {
  [PduType.IC_REQ]: 'ICReq',
  [PduType.IC_RESP]: 'ICResp',
  [PduType.H2C_TERM_REQ]: 'H2CTermReq',
  [PduType.C2H_TERM_REQ]: 'C2HTermReq',
  [PduType.CAPSULE_CMD]: 'CapsuleCmd',
  [PduType.CAPSULE_RESP]: 'CapsuleResp',
  [PduType.H2C_DATA]: 'H2CData',
  [PduType.C2H_DATA]: 'C2HData',
  [PduType.R2T]: 'R2T',
};

/** Common header FLAGS. */
export const PduFlag = {
  /** A header digest follows the header. */
  HDGSTF: 0x01,
  /** A data digest follows the data. */
  DDGSTF: 0x02,
  /** The last data PDU of a transfer (H2CData: of an R2T). */
  LAST_PDU: 0x04,
  /** C2HData only, with LAST_PDU: the command completed successfully, no CapsuleResp follows. */
  SUCCESS: 0x08,
} as const;

/** Digest length (CRC32C) for header and data digests. */
export const DIGEST_SIZE = 4;

/** ICReq/ICResp DGST bits. */
export const DigestBit = { HEADER: 0x01, DATA: 0x02 } as const;

export const PDU_COMMON_HEADER = defineLayout('nvme-tcp-common-header', 8, [
  f('pduType', 0, 1, 'u8'),
  f('flags', 1, 1, 'u8'),
  /** Header length, excluding the header digest. */
  f('hlen', 2, 1, 'u8'),
  /** Offset of the data from the PDU start (0 when there is none). */
  f('pdo', 3, 1, 'u8'),
  /** Total PDU length: header, digests, padding and data. */
  f('plen', 4, 4, 'u32'),
]);

const CH = [f('pduType', 0, 1, 'u8'), f('flags', 1, 1, 'u8'), f('hlen', 2, 1, 'u8'), f('pdo', 3, 1, 'u8'), f('plen', 4, 4, 'u32')] as const;

export const IC_REQ = defineLayout('nvme-tcp-icreq', 128, [
  ...CH,
  /** PDU format version, 0. */
  f('pfv', 8, 2, 'u16'),
  /** Host PDU data alignment: (hpda + 1) * 4 bytes. */
  f('hpda', 10, 1, 'u8'),
  f('dgst', 11, 1, 'u8'),
  /** Max outstanding R2Ts per command, 0's based. */
  f('maxr2t', 12, 4, 'u32'),
  f('rsvd16', 16, 112, 'bytes'),
]);

export const IC_RESP = defineLayout('nvme-tcp-icresp', 128, [
  ...CH,
  f('pfv', 8, 2, 'u16'),
  /** Controller PDU data alignment: (cpda + 1) * 4 bytes; Linux requires 0. */
  f('cpda', 10, 1, 'u8'),
  f('dgst', 11, 1, 'u8'),
  /** Max data bytes per H2CData PDU (a multiple of 4, >= 4096 for Linux). */
  f('maxh2cdata', 12, 4, 'u32'),
  f('rsvd16', 16, 112, 'bytes'),
]);

export const CAPSULE_CMD = defineLayout('nvme-tcp-capsule-cmd', 72, [...CH, f('sqe', 8, 64, 'bytes')]);
export const CAPSULE_RESP = defineLayout('nvme-tcp-capsule-resp', 24, [...CH, f('cqe', 8, 16, 'bytes')]);

export const H2C_DATA = defineLayout('nvme-tcp-h2c-data', 24, [
  ...CH,
  /** Command capsule CID the data belongs to. */
  f('cccid', 8, 2, 'u16'),
  /** Transfer tag from the R2T. */
  f('ttag', 10, 2, 'u16'),
  /** Data offset within the command's data. */
  f('datao', 12, 4, 'u32'),
  f('datal', 16, 4, 'u32'),
  f('rsvd20', 20, 4, 'bytes'),
]);

export const C2H_DATA = defineLayout('nvme-tcp-c2h-data', 24, [
  ...CH,
  f('cccid', 8, 2, 'u16'),
  f('rsvd10', 10, 2, 'bytes'),
  f('datao', 12, 4, 'u32'),
  f('datal', 16, 4, 'u32'),
  f('rsvd20', 20, 4, 'bytes'),
]);

export const R2T = defineLayout('nvme-tcp-r2t', 24, [
  ...CH,
  f('cccid', 8, 2, 'u16'),
  f('ttag', 10, 2, 'u16'),
  /** Offset of the requested data. */
  f('r2to', 12, 4, 'u32'),
  f('r2tl', 16, 4, 'u32'),
  f('rsvd20', 20, 4, 'bytes'),
]);

/** H2CTermReq and C2HTermReq share one header; the data is the offending PDU header (<= 128 bytes). */
export const TERM_REQ = defineLayout('nvme-tcp-term-req', 24, [
  ...CH,
  /** Fatal error status. */
  f('fes', 8, 2, 'u16'),
  /** Fatal error information (FES 1 and 6: the byte offset of the bad field). */
  f('fei', 10, 4, 'u32'),
  f('rsvd14', 14, 10, 'bytes'),
]);

/** Most header bytes a TermReq carries as data. */
export const TERM_REQ_MAX_DATA = 128;

/** The HLEN each PDU type must have. */
export const PDU_HLEN: Readonly<Record<number, number>> = {
  [PduType.IC_REQ]: IC_REQ.size,
  [PduType.IC_RESP]: IC_RESP.size,
  [PduType.H2C_TERM_REQ]: TERM_REQ.size,
  [PduType.C2H_TERM_REQ]: TERM_REQ.size,
  [PduType.CAPSULE_CMD]: CAPSULE_CMD.size,
  [PduType.CAPSULE_RESP]: CAPSULE_RESP.size,
  [PduType.H2C_DATA]: H2C_DATA.size,
  [PduType.C2H_DATA]: C2H_DATA.size,
  [PduType.R2T]: R2T.size,
};

/** The largest HLEN of any PDU (ICReq/ICResp). */
export const PDU_MAX_HLEN = 128;

/** TermReq fatal error status (FES). */
export const Fes = {
  INVALID_HEADER_FIELD: 0x01,
  PDU_SEQUENCE_ERROR: 0x02,
  HEADER_DIGEST_ERROR: 0x03,
  DATA_OUT_OF_RANGE: 0x04,
  /** Data transfer limit exceeded (also R2T limit exceeded). */
  DATA_LIMIT_EXCEEDED: 0x05,
  UNSUPPORTED_PARAMETER: 0x06,
} as const;
export type Fes = (typeof Fes)[keyof typeof Fes];

export const FES_NAMES: Readonly<Record<number, string>> = {
  [Fes.INVALID_HEADER_FIELD]: 'Invalid PDU Header Field',
  [Fes.PDU_SEQUENCE_ERROR]: 'PDU Sequence Error',
  [Fes.HEADER_DIGEST_ERROR]: 'Header Digest Error',
  [Fes.DATA_OUT_OF_RANGE]: 'Data Transfer Out of Range',
  [Fes.DATA_LIMIT_EXCEEDED]: 'Data Transfer Limit Exceeded',
  [Fes.UNSUPPORTED_PARAMETER]: 'Unsupported Parameter',
};

/** NVMe/TCP PDU format version. */
export const NVME_TCP_PFV = 0;
