// The option phase of the fixed-newstyle handshake, as pure functions from an option's data to
// the replies to send: which export GO/INFO name, the REP_INFO blocks they ask for, LIST's
// REP_SERVER entries, and error replies with a message. The connection frames and sends.
import {
  NBD_INFO_BLOCK_SIZE,
  NBD_INFO_EXPORT,
  NBD_OPTION_REPLY,
  NBD_GREETING,
  NBD_EXPORT_NAME_REPLY,
  NBD_EXPORT_NAME_PADDING,
  NbdHandshakeFlag,
  NbdInfo,
  NbdMagic,
  NbdReply,
  encode,
} from '../spec/index.js';
import type { NbdExport } from './export.js';

/** What the connection needs from the server's table of exports. */
export interface ExportLookup {
  /** The export by name; "" is the default export. */
  find(name: string): NbdExport | undefined;
  list(): readonly NbdExport[];
}

export interface OptionReply {
  readonly type: number;
  readonly data: Uint8Array;
}

/** NBDMAGIC, IHAVEOPT, FIXED_NEWSTYLE | NO_ZEROES. */
export function greeting(): Uint8Array {
  return encode(NBD_GREETING, { magic: NbdMagic.INIT, opts: NbdMagic.OPTS, handshakeFlags: NbdHandshakeFlag.FIXED_NEWSTYLE | NbdHandshakeFlag.NO_ZEROES });
}

/** One option reply: header then data. */
export function optionReply(option: number, type: number, data: Uint8Array = EMPTY): Uint8Array {
  const out = new Uint8Array(NBD_OPTION_REPLY.size + data.length);
  encode(NBD_OPTION_REPLY, { magic: NbdMagic.OPT_REPLY, option, type, length: data.length }, out);
  out.set(data, NBD_OPTION_REPLY.size);
  return out;
}

/** An error reply; its data is a UTF-8 message for people (the protocol allows one). */
export function errorReply(type: number, message: string): OptionReply {
  return { type, data: new TextEncoder().encode(message) };
}

/** The EXPORT_NAME reply: size, flags and (unless NO_ZEROES) 124 zero bytes. */
export function exportNameReply(exp: NbdExport, noZeroes: boolean, transmissionFlags: number): Uint8Array {
  const out = new Uint8Array(NBD_EXPORT_NAME_REPLY.size + (noZeroes ? 0 : NBD_EXPORT_NAME_PADDING));
  encode(NBD_EXPORT_NAME_REPLY, { size: BigInt(exp.size), transmissionFlags }, out);
  return out;
}

export interface InfoRequest {
  readonly name: string;
  readonly infos: readonly number[];
}

/** Decodes INFO/GO data: u32 namelen, name, u16 count, u16 info[count]; undefined when malformed. */
export function parseInfoRequest(data: Uint8Array): InfoRequest | string {
  if (data.length < 6) return `option data of ${data.length} bytes: INFO/GO needs at least 6 (name length, info count)`;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const nameLength = v.getUint32(0, false);
  if (nameLength > data.length - 6) return `name length ${nameLength} does not fit the ${data.length}-byte option`;
  const count = v.getUint16(4 + nameLength, false);
  if (6 + nameLength + 2 * count !== data.length) return `${count} information requests and a ${nameLength}-byte name need ${6 + nameLength + 2 * count} bytes, the option has ${data.length}`;
  const name = decodeName(data.subarray(4, 4 + nameLength));
  if (name === undefined) return 'the export name is not valid UTF-8';
  const infos: number[] = [];
  for (let i = 0; i < count; i++) infos.push(v.getUint16(6 + nameLength + 2 * i, false));
  return { name, infos };
}

/** Replies to INFO/GO for an export: INFO_EXPORT, BLOCK_SIZE always; NAME and DESCRIPTION when asked. */
export function infoReplies(exp: NbdExport, infos: readonly number[], maxPayload: number, transmissionFlags: number): OptionReply[] {
  const out: OptionReply[] = [];
  out.push({ type: NbdReply.INFO, data: encode(NBD_INFO_EXPORT, { type: NbdInfo.EXPORT, size: BigInt(exp.size), transmissionFlags }) });
  if (infos.includes(NbdInfo.NAME)) out.push({ type: NbdReply.INFO, data: infoString(NbdInfo.NAME, exp.name) });
  if (infos.includes(NbdInfo.DESCRIPTION) && exp.description !== '') out.push({ type: NbdReply.INFO, data: infoString(NbdInfo.DESCRIPTION, exp.description) });
  // Minimum 1: unaligned requests are served (read-modify-write); preferred: the volume's block.
  out.push({ type: NbdReply.INFO, data: encode(NBD_INFO_BLOCK_SIZE, { type: NbdInfo.BLOCK_SIZE, minimum: 1, preferred: Math.max(exp.blockSize, 512), maximum: maxPayload }) });
  return out;
}

/** LIST's REP_SERVER data: u32 name length, name, description. */
export function serverEntry(exp: NbdExport): Uint8Array {
  const name = new TextEncoder().encode(exp.name);
  const desc = new TextEncoder().encode(exp.description);
  const out = new Uint8Array(4 + name.length + desc.length);
  new DataView(out.buffer).setUint32(0, name.length, false);
  out.set(name, 4);
  out.set(desc, 4 + name.length);
  return out;
}

/** UTF-8 text or undefined when the bytes are not valid UTF-8 (or hold a NUL, which names must not). */
export function decodeName(bytes: Uint8Array): string | undefined {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return s.includes('\0') ? undefined : s;
  } catch {
    return undefined;
  }
}

function infoString(type: number, s: string): Uint8Array {
  const text = new TextEncoder().encode(s);
  const out = new Uint8Array(2 + text.length);
  new DataView(out.buffer).setUint16(0, type, false);
  out.set(text, 2);
  return out;
}

const EMPTY = new Uint8Array(0);
