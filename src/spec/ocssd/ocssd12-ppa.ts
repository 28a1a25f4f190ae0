// The OCSSD 1.2 physical page address (PPA) as data: which bits of the 64-bit PPA hold the
// channel, LUN, plane, block, page and sector (specs.md 1.2 PPAF; seed-emulator-behaviour.md 3.2).
// Pure value helpers only: building a format from a geometry, packing and unpacking addresses.
// PPAs are 64-bit, so they are bigint here, at the codec edge.

/** Field order from bit 0 upward, as the original emulator packs it since March 2017. */
export const PPA_FIELDS = ['sec', 'pln', 'pg', 'blk', 'lun', 'ch'] as const;
export type PpaField = (typeof PPA_FIELDS)[number];

/** One physical address, field by field. */
export type PpaAddress = Record<PpaField, number>;

/** How many of each unit the device has: {ch: channels, lun: LUNs per channel, pln, blk, pg, sec: sectors per page}. */
export type PpaCounts = Readonly<Record<PpaField, number>>;

/** Bit offset and width of every field; the identity's PPAF bytes (Linux ch_offset/ch_len ...). */
export interface PpaFormat {
  readonly chOff: number;
  readonly chLen: number;
  readonly lunOff: number;
  readonly lunLen: number;
  readonly plnOff: number;
  readonly plnLen: number;
  readonly blkOff: number;
  readonly blkLen: number;
  readonly pgOff: number;
  readonly pgLen: number;
  readonly secOff: number;
  readonly secLen: number;
}

/** Which PpaFormat keys hold each field's offset and width. */
export const PPA_FORMAT_KEYS: Readonly<Record<PpaField, readonly [off: keyof PpaFormat, len: keyof PpaFormat]>> = {
  sec: ['secOff', 'secLen'],
  pln: ['plnOff', 'plnLen'],
  pg: ['pgOff', 'pgLen'],
  blk: ['blkOff', 'blkLen'],
  lun: ['lunOff', 'lunLen'],
  ch: ['chOff', 'chLen'],
};

/** Most PPAs in one vector command (NLB is 0's based; Linux NVM_MAX_VLBA, the seed's lmax_sec_per_rq). */
export const OCSSD12_MAX_PPAS = 64;

/** Find last set bit, 1-based, fls(0) = 0: the Linux helper the seed uses for field widths. */
export const fls = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));

/** Widths fls(count - 1), packed from bit 0 in PPA_FIELDS order. */
export function ppaFormatFor(counts: PpaCounts): PpaFormat {
  const out: Partial<Record<keyof PpaFormat, number>> = {};
  let at = 0;
  for (const fd of PPA_FIELDS) {
    const n = counts[fd];
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`ppa format: ${fd} count ${n} is not 1..2^32`);
    const [off, len] = PPA_FORMAT_KEYS[fd];
    out[off] = at;
    out[len] = fls(n - 1);
    at += out[len];
  }
  if (at > 64) throw new RangeError(`ppa format: fields need ${at} bits, a PPA has 64`);
  return out as PpaFormat;
}

/** Problems with a format (from a device's identity, say): fields past bit 63, wider than 32 bits, or overlapping. */
export function checkPpaFormat(fmt: PpaFormat): string[] {
  const problems: string[] = [];
  let used = 0n;
  for (const fd of PPA_FIELDS) {
    const [offKey, lenKey] = PPA_FORMAT_KEYS[fd];
    const off = fmt[offKey];
    const len = fmt[lenKey];
    if (!Number.isInteger(len) || len < 0 || len > 32) problems.push(`${fd} is ${len} bits wide (allowed 0..32)`);
    else if (!Number.isInteger(off) || off < 0 || off + len > 64) problems.push(`${fd} bits ${off}..${off + len - 1} leave the 64-bit PPA`);
    else {
      const mask = ((1n << BigInt(len)) - 1n) << BigInt(off);
      if ((used & mask) !== 0n) problems.push(`${fd} bits ${off}..${off + len - 1} overlap another field`);
      used |= mask;
    }
  }
  return problems;
}

/** Packs an address; a field value that does not fit its width is refused rather than aliased. */
export function encodePpa(fmt: PpaFormat, addr: PpaAddress): bigint {
  let ppa = 0n;
  for (const fd of PPA_FIELDS) {
    const [off, len] = PPA_FORMAT_KEYS[fd];
    const v = addr[fd];
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** fmt[len]) throw new RangeError(`ppa.${fd}: ${v} does not fit ${fmt[len]} bits`);
    ppa |= BigInt(v) << BigInt(fmt[off]);
  }
  return ppa;
}

/** Unpacks a PPA into `out` (reused on hot paths). Bits outside every field are ignored. */
export function decodePpa(fmt: PpaFormat, ppa: bigint, out: PpaAddress = { sec: 0, pln: 0, pg: 0, blk: 0, lun: 0, ch: 0 }): PpaAddress {
  for (const fd of PPA_FIELDS) {
    const [off, len] = PPA_FORMAT_KEYS[fd];
    out[fd] = Number((ppa >> BigInt(fmt[off])) & ((1n << BigInt(fmt[len])) - 1n));
  }
  return out;
}
