// OCSSD 1.2 PPAs on the hot path: a 64-bit PPA held as two u32 halves (no bigint per command),
// split into its fields by the namespace's PPA format, every field range-checked against the
// geometry and every bit outside the fields required to be zero, so that no address aliases
// another (the original checked only the final linear index, off by one, and let a block number
// past num_blk spill into the next LUN: seed-emulator-behaviour.md 3.2).
import type { Geometry } from '../media/index.js';
import { PPA_FIELDS, PPA_FORMAT_KEYS, type PpaFormat } from '../spec/index.js';

const TWO32 = 2 ** 32;

/** Where a PPA failed: the field, or bits outside every field. */
export const PpaProblem = { NONE: 0, CH: 1, LUN: 2, PLN: 3, BLK: 4, PG: 5, SEC: 6, STRAY_BITS: 7 } as const;
export type PpaProblem = (typeof PpaProblem)[keyof typeof PpaProblem];

export const PPA_PROBLEM_NAMES: Readonly<Record<PpaProblem, string>> = {
  0: 'ok',
  1: 'channel out of range',
  2: 'LUN out of range',
  3: 'plane out of range',
  4: 'block out of range',
  5: 'page out of range',
  6: 'sector out of range',
  7: 'bits set outside every PPA field',
};

/** Bits [off, off + len) of the 64-bit value hi:lo. */
function bitsOf(lo: number, hi: number, off: number, len: number): number {
  if (len === 0) return 0;
  const mask = (n: number): number => (n >= 32 ? 0xffffffff : (1 << n) - 1) >>> 0;
  if (off >= 32) return ((hi >>> (off - 32)) & mask(len)) >>> 0;
  if (off + len <= 32) return ((lo >>> off) & mask(len)) >>> 0;
  const low = 32 - off;
  return (lo >>> off) + ((hi & mask(len - low)) >>> 0) * 2 ** low;
}

/** One decoded address, reused. */
export interface Ppa12 {
  ch: number;
  lun: number;
  pln: number;
  blk: number;
  pg: number;
  sec: number;
}

export class Ppa12Codec {
  private readonly usedLo: number;
  private readonly usedHi: number;
  private readonly f: PpaFormat;

  constructor(
    readonly format: PpaFormat,
    private readonly geometry: Geometry,
  ) {
    this.f = format;
    let lo = 0;
    let hi = 0;
    for (const fd of PPA_FIELDS) {
      const [offKey, lenKey] = PPA_FORMAT_KEYS[fd];
      for (let b = format[offKey]; b < format[offKey] + format[lenKey]; b++) {
        if (b < 32) lo = (lo | (1 << b)) >>> 0;
        else hi = (hi | (1 << (b - 32))) >>> 0;
      }
    }
    this.usedLo = lo;
    this.usedHi = hi;
  }

  /** Splits hi:lo into `out` and checks it: PpaProblem.NONE or the first problem found. */
  decode(lo: number, hi: number, out: Ppa12): PpaProblem {
    const f = this.f;
    const g = this.geometry;
    if (((lo & ~this.usedLo) | (hi & ~this.usedHi)) !== 0) return PpaProblem.STRAY_BITS;
    out.ch = bitsOf(lo, hi, f.chOff, f.chLen);
    out.lun = bitsOf(lo, hi, f.lunOff, f.lunLen);
    out.pln = bitsOf(lo, hi, f.plnOff, f.plnLen);
    out.blk = bitsOf(lo, hi, f.blkOff, f.blkLen);
    out.pg = bitsOf(lo, hi, f.pgOff, f.pgLen);
    out.sec = bitsOf(lo, hi, f.secOff, f.secLen);
    if (out.ch >= g.groups) return PpaProblem.CH;
    if (out.lun >= g.pusPerGroup) return PpaProblem.LUN;
    if (out.pln >= g.planes) return PpaProblem.PLN;
    if (out.blk >= g.blocksPerPlane) return PpaProblem.BLK;
    if (out.pg >= g.pagesPerBlock) return PpaProblem.PG;
    if (out.sec >= g.sectorsPerPage) return PpaProblem.SEC;
    return PpaProblem.NONE;
  }

  /** The same, for a PPA given as a number (exact below 2^53) — admin commands and tests. */
  decodeNumber(ppa: number, out: Ppa12): PpaProblem {
    // Past 2^53 a number no longer holds the PPA exactly: refuse rather than alias.
    if (!Number.isSafeInteger(ppa) || ppa < 0) return PpaProblem.STRAY_BITS;
    return this.decode(ppa % TWO32 >>> 0, Math.floor(ppa / TWO32) >>> 0, out);
  }
}

export const newPpa12 = (): Ppa12 => ({ ch: 0, lun: 0, pln: 0, blk: 0, pg: 0, sec: 0 });

export const describePpa12 = (a: Ppa12): string => `ch ${a.ch} lun ${a.lun} pln ${a.pln} blk ${a.blk} pg ${a.pg} sec ${a.sec}`;

/** The 64-bit per-PPA status bitmap of CQE DW0-DW1, as two u32 halves. */
export class Bitmap64 {
  lo = 0;
  hi = 0;

  clear(): void {
    this.lo = 0;
    this.hi = 0;
  }

  set(i: number): void {
    if (i < 32) this.lo = (this.lo | (1 << i)) >>> 0;
    else if (i < 64) this.hi = (this.hi | (1 << (i - 32))) >>> 0;
  }

  /** Bits [from, to). */
  setRange(from: number, to: number): void {
    for (let i = from; i < to; i++) this.set(i);
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}
