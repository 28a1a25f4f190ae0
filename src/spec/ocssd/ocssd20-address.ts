// The OCSSD 2.0 LBA format as data: an LBA packs sector | chunk | PU | group from bit 0, each
// field as wide as the geometry's LBAF says (specs.md 2.2; Linux nvme_nvm_set_addr_20). Pure
// value helpers; LBAs are 64-bit, so bigint here at the codec edge.
import type { Decoded, FieldValue } from '../layout.js';
import type { Ocssd20GeometryField } from './ocssd20-geometry.js';

/** Field order from bit 0 upward. */
export const LBA_FIELDS = ['sec', 'chk', 'pu', 'grp'] as const;
export type LbaField = (typeof LBA_FIELDS)[number];

/** One address, field by field (sec = logical block within the chunk). */
export type LbaAddress = Record<LbaField, number>;

/** {grp: num_grp, pu: num_pu, chk: num_chk, sec: clba}. */
export type LbaCounts = Readonly<Record<LbaField, number>>;

/** Field widths in bits: the geometry's LBAF bytes. Offsets follow from the order. */
export interface LbaFormat {
  readonly grpLen: number;
  readonly puLen: number;
  readonly chkLen: number;
  readonly lbaLen: number;
}

/** Which LbaFormat key holds each field's width, and which geometry byte carries it. */
export const LBA_FORMAT_KEYS: Readonly<Record<LbaField, keyof LbaFormat>> = { sec: 'lbaLen', chk: 'chkLen', pu: 'puLen', grp: 'grpLen' };

export const OCSSD20_LBAF_FIELDS: Readonly<Record<keyof LbaFormat, Ocssd20GeometryField>> = {
  grpLen: 'grp_len',
  puLen: 'pu_len',
  chkLen: 'chk_len',
  lbaLen: 'lba_len',
};

/** ceil(log2(n)): the width QEMU and the seed give each field. */
export const ceilLog2 = (n: number): number => (n <= 1 ? 0 : 32 - Math.clz32(n - 1));

/** Widths ceil(log2(count)) for a geometry. */
export function lbaFormatFor(counts: LbaCounts): LbaFormat {
  for (const fd of LBA_FIELDS) {
    const n = counts[fd];
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`lba format: ${fd} count ${n} is not 1..2^32`);
  }
  const fmt = { grpLen: ceilLog2(counts.grp), puLen: ceilLog2(counts.pu), chkLen: ceilLog2(counts.chk), lbaLen: ceilLog2(counts.sec) };
  if (lbaFormatBits(fmt) > 64) throw new RangeError(`lba format: fields need ${lbaFormatBits(fmt)} bits, an LBA has 64`);
  return fmt;
}

/** Bits the format uses; an LBA with any bit at or above this is outside the address space. */
export const lbaFormatBits = (fmt: LbaFormat): number => fmt.grpLen + fmt.puLen + fmt.chkLen + fmt.lbaLen;

/** Bit offset of each field. */
export function lbaOffsets(fmt: LbaFormat): Record<LbaField, number> {
  return { sec: 0, chk: fmt.lbaLen, pu: fmt.lbaLen + fmt.chkLen, grp: fmt.lbaLen + fmt.chkLen + fmt.puLen };
}

/** Packs an address; a field value that does not fit its width is refused. */
export function encodeLba(fmt: LbaFormat, addr: LbaAddress): bigint {
  let lba = 0n;
  let at = 0;
  for (const fd of LBA_FIELDS) {
    const len = fmt[LBA_FORMAT_KEYS[fd]];
    const v = addr[fd];
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** len) throw new RangeError(`lba.${fd}: ${v} does not fit ${len} bits`);
    lba |= BigInt(v) << BigInt(at);
    at += len;
  }
  return lba;
}

/** Unpacks an LBA into `out` (reused on hot paths). Bits above lbaFormatBits are ignored. */
export function decodeLba(fmt: LbaFormat, lba: bigint, out: LbaAddress = { sec: 0, chk: 0, pu: 0, grp: 0 }): LbaAddress {
  let at = 0;
  for (const fd of LBA_FIELDS) {
    const len = fmt[LBA_FORMAT_KEYS[fd]];
    out[fd] = Number((lba >> BigInt(at)) & ((1n << BigInt(len)) - 1n));
    at += len;
  }
  return out;
}

const LBAF_KEYS = Object.keys(OCSSD20_LBAF_FIELDS) as (keyof LbaFormat)[];

/** The geometry values for a format, to spread into encode(OCSSD20_GEOMETRY, ...). */
export function lbafGeometryValues(fmt: LbaFormat): Partial<Record<Ocssd20GeometryField, FieldValue>> {
  return Object.fromEntries(LBAF_KEYS.map((k) => [OCSSD20_LBAF_FIELDS[k], fmt[k]]));
}

/** The format out of a decoded geometry. */
export function lbafFromGeometry(geo: Decoded<Ocssd20GeometryField>): LbaFormat {
  return Object.fromEntries(LBAF_KEYS.map((k) => [k, Number(geo[OCSSD20_LBAF_FIELDS[k]])])) as unknown as LbaFormat;
}
