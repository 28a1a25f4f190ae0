// On-media metadata of a line (our format, pblk's idea): smeta in the line's first write unit,
// emeta in its last units, and the LBA of every sector in that sector's OOB.
//
//  smeta (first sector of the line's first good chunk): who owns the line (target name,
//        instance, PU range, OP, capacity: what brings the target back after a restart), the
//        line's sequence number and which of the target's PUs the line stripes over.
//  emeta (the line's last units): the LBA of every data position of the line, so a closed line
//        is rebuilt with one read instead of an OOB scan.
// Both carry a CRC32C; a torn or missing copy fails it and recovery falls back to the OOB scan.
import { crc32c } from '@node-rs/crc32';
import { decode, defineLayout, encode, f } from '../spec/index.js';

export const SMETA_MAGIC = 'OCFTLSM1';
export const EMETA_MAGIC = 'OCFTLEM1';
export const META_VERSION = 1;
/** LBA value of a sector that holds no user data (padding, metadata). */
export const NO_LBA = 0xffffffff;

export const SMETA_HEADER = defineLayout('smeta', 128, [
  f('magic', 0, 8, 'cstr'),
  f('version', 8, 2, 'u16'),
  f('rule', 10, 2, 'u16'),
  f('crc', 12, 4, 'u32'),
  f('line', 16, 4, 'u32'),
  f('seq', 20, 4, 'u32'),
  f('instance', 24, 4, 'u32'),
  f('puBegin', 28, 4, 'u32'),
  f('puEnd', 32, 4, 'u32'),
  f('op', 36, 4, 'u32'),
  f('capacity', 40, 4, 'u32'),
  f('clba', 44, 4, 'u32'),
  f('wsOpt', 48, 4, 'u32'),
  f('lines', 52, 4, 'u32'),
  f('goodCount', 56, 4, 'u32'),
  f('rsvd60', 60, 4, 'bytes'),
  f('name', 64, 64, 'cstr'),
]);
/** The good-PU bitmap (bit i: target PU i is in the line) follows the header. */
export const SMETA_BITMAP_OFFSET = SMETA_HEADER.size;

export const EMETA_HEADER = defineLayout('emeta', 32, [
  f('magic', 0, 8, 'cstr'),
  f('version', 8, 2, 'u16'),
  f('rsvd10', 10, 2, 'bytes'),
  f('crc', 12, 4, 'u32'),
  f('line', 16, 4, 'u32'),
  f('seq', 20, 4, 'u32'),
  f('instance', 24, 4, 'u32'),
  f('entries', 28, 4, 'u32'),
]);

/** OOB of a sector: u32 LBA at 0, and the low 32 bits of the line's seq at 4 when there is room. */
export const OOB_LBA = 0;
export const OOB_SEQ = 4;

/** OOB of `count` sectors that hold no user data (metadata, padding): NO_LBA and the seq. */
export function fillNoLbaOob(oob: Uint8Array, count: number, oobSize: number, seq: number): void {
  const dv = new DataView(oob.buffer, oob.byteOffset, oob.byteLength);
  for (let i = 0; i < count; i++) {
    dv.setUint32(i * oobSize + OOB_LBA, NO_LBA, true);
    if (oobSize >= 8) dv.setUint32(i * oobSize + OOB_SEQ, seq, true);
  }
}

export type CapacityRuleCode = 0 | 1;

export interface Smeta {
  readonly name: string;
  readonly instance: number;
  readonly line: number;
  readonly seq: number;
  readonly puBegin: number;
  readonly puEnd: number;
  readonly op: number;
  /** 0: rule 4.20, 1: rule 4.12. */
  readonly rule: number;
  readonly capacity: number;
  readonly clba: number;
  readonly wsOpt: number;
  readonly lines: number;
  /** Target-relative PU indexes the line stripes over, ascending. */
  readonly good: readonly number[];
}

export function encodeSmeta(s: Smeta, into: Uint8Array): void {
  into.fill(0, 0, 4096);
  encode(SMETA_HEADER, {
    magic: SMETA_MAGIC, version: META_VERSION, rule: s.rule, line: s.line, seq: s.seq, instance: s.instance,
    puBegin: s.puBegin, puEnd: s.puEnd, op: s.op, capacity: s.capacity, clba: s.clba, wsOpt: s.wsOpt,
    lines: s.lines, goodCount: s.good.length, name: s.name,
  }, into);
  for (const pu of s.good) into[SMETA_BITMAP_OFFSET + (pu >> 3)]! |= 1 << (pu & 7);
  new DataView(into.buffer, into.byteOffset).setUint32(SMETA_HEADER.offset.crc, crc32c(into.subarray(0, 4096)), true);
}

/** The smeta in a 4096-byte sector, or undefined when it is not one (magic, version, CRC). */
export function decodeSmeta(sector: Uint8Array): Smeta | undefined {
  if (sector.length < 4096) return undefined;
  const d = decode(SMETA_HEADER, sector);
  if (d.magic !== SMETA_MAGIC || d.version !== META_VERSION) return undefined;
  const copy = sector.slice(0, 4096);
  new DataView(copy.buffer).setUint32(SMETA_HEADER.offset.crc, 0, true);
  if (crc32c(copy) !== d.crc) return undefined;
  const nPus = (d.puEnd as number) - (d.puBegin as number) + 1;
  if (nPus < 1 || SMETA_BITMAP_OFFSET + Math.ceil(nPus / 8) > 4096) return undefined;
  const good: number[] = [];
  for (let i = 0; i < nPus; i++) if (sector[SMETA_BITMAP_OFFSET + (i >> 3)]! & (1 << (i & 7))) good.push(i);
  if (good.length !== d.goodCount) return undefined;
  return {
    name: d.name as string, instance: d.instance as number, line: d.line as number, seq: d.seq as number,
    puBegin: d.puBegin as number, puEnd: d.puEnd as number, op: d.op as number, rule: d.rule as number,
    capacity: d.capacity as number, clba: d.clba as number, wsOpt: d.wsOpt as number, lines: d.lines as number, good,
  };
}

/** Bytes of an emeta holding `entries` LBAs. */
export const emetaBytes = (entries: number): number => EMETA_HEADER.size + 4 * entries;

/** Writes the emeta of a line (header + LBA list) into `into` (zero padded to its length). */
export function encodeEmeta(line: number, seq: number, instance: number, lbas: Uint32Array, into: Uint8Array): void {
  const n = emetaBytes(lbas.length);
  if (into.length < n) throw new RangeError(`emeta of ${lbas.length} entries needs ${n} bytes, buffer has ${into.length}`);
  into.fill(0);
  encode(EMETA_HEADER, { magic: EMETA_MAGIC, version: META_VERSION, line, seq, instance, entries: lbas.length }, into);
  const dv = new DataView(into.buffer, into.byteOffset, into.byteLength);
  for (let i = 0; i < lbas.length; i++) dv.setUint32(EMETA_HEADER.size + 4 * i, lbas[i]!, true);
  dv.setUint32(EMETA_HEADER.offset.crc, crc32c(into.subarray(0, n)), true);
}

/** The LBA list of an emeta, or undefined when the bytes are not a whole emeta of that line. */
export function decodeEmeta(bytes: Uint8Array, line: number, seq: number, instance: number, entries: number): Uint32Array | undefined {
  const n = emetaBytes(entries);
  if (bytes.length < n) return undefined;
  const d = decode(EMETA_HEADER, bytes);
  if (d.magic !== EMETA_MAGIC || d.version !== META_VERSION || d.line !== line || d.seq !== seq || d.instance !== instance || d.entries !== entries) return undefined;
  const copy = bytes.slice(0, n);
  const dv = new DataView(copy.buffer);
  dv.setUint32(EMETA_HEADER.offset.crc, 0, true);
  if (crc32c(copy) !== d.crc) return undefined;
  const out = new Uint32Array(entries);
  for (let i = 0; i < entries; i++) out[i] = dv.getUint32(EMETA_HEADER.size + 4 * i, true);
  return out;
}
