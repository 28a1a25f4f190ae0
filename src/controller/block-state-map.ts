// Per-LBA allocation state of a block namespace, 2 bits per LBA: bit 0 = mapped (written since
// the last deallocation), bit 1 = uncorrectable (Write Uncorrectable). On disk it is a plain
// bitmap, LBA i in byte i/4 at bits 2*(i%4); all zeros (a fresh sparse region) means "every
// block deallocated". In memory it is a sparse page map: a page of 4096 LBAs whose states are all
// equal costs one byte, and only pages that hold mixed states keep their 1 KiB of bits. Sequential
// writes, whole-namespace deallocation and formats therefore stay at ~1 byte per 4096 LBAs
// (256 KiB for a 4 TiB namespace of 4 KiB blocks); only scattered small updates grow it, up to
// the on-disk size. Every change is written through to the store (a few bytes per command, and
// only when a state actually changes), so a process kill loses nothing acknowledged.
import type { ByteStore } from '../media/index.js';

/** The states an LBA can be in (2 = uncorrectable but unmapped is never written). */
export const BlockState = { DEALLOCATED: 0, MAPPED: 1, UNCORRECTABLE: 3 } as const;
export type BlockState = (typeof BlockState)[keyof typeof BlockState];

/** scan() result bits: bit s is set when state s occurs in the range. */
export const SeenState = {
  DEALLOCATED: 1 << BlockState.DEALLOCATED,
  MAPPED: 1 << BlockState.MAPPED,
  /** Any uncorrectable block (state 2 or 3). */
  UNCORRECTABLE: (1 << 2) | (1 << 3),
} as const;

export const PAGE_LBAS = 4096;
const PAGE_BYTES = PAGE_LBAS / 4;
/** fill[] value of a page whose bits live in `mixed`. */
const MIXED = 0xff;
/** The bitmap byte of four LBAs in state s: 0x00, 0x55, 0xaa, 0xff. */
const fillByte = (s: number): number => s * 0x55;

/** Per byte value: the set of states of its four LBAs (bit s set when state s occurs). */
const BYTE_SEEN = Uint8Array.from({ length: 256 }, (_, b) => (1 << (b & 3)) | (1 << ((b >> 2) & 3)) | (1 << ((b >> 4) & 3)) | (1 << ((b >> 6) & 3)));
/** Per byte value: how many of its four LBAs are mapped (bit 0 of the pair). */
const BYTE_MAPPED = Uint8Array.from({ length: 256 }, (_, b) => (b & 1) + ((b >> 2) & 1) + ((b >> 4) & 1) + ((b >> 6) & 1));
/** One page of bits for each uniform state, the source of whole-page writes. */
const FILL_PAGES = [0, 1, 2, 3].map((s) => new Uint8Array(PAGE_BYTES).fill(fillByte(s)));

export class BlockStateMap {
  /** Uniform state of each page, or MIXED. */
  private readonly fill: Uint8Array;
  private readonly mixed = new Map<number, Uint8Array>();
  private mappedCount = 0;

  /** `lbas` states at byte `position` of `store` (bitmapBytes(lbas) bytes). Call load() or clear() next. */
  constructor(
    private readonly store: ByteStore,
    private readonly position: number,
    readonly lbas: number,
  ) {
    this.fill = new Uint8Array(Math.ceil(lbas / PAGE_LBAS));
  }

  /** Bytes of store a map of `lbas` LBAs occupies. */
  static bitmapBytes(lbas: number): number {
    return Math.ceil(lbas / 4);
  }

  /** LBAs currently mapped (NUSE). */
  get mapped(): number {
    return this.mappedCount;
  }

  /** Memory held for mixed pages plus the page table: what the map costs resident. */
  get residentBytes(): number {
    return this.fill.length + this.mixed.size * PAGE_BYTES;
  }

  /** Reads the map from the store. */
  load(): void {
    const chunkPages = 64;
    const buf = new Uint8Array(chunkPages * PAGE_BYTES);
    this.mixed.clear();
    this.mappedCount = 0;
    for (let p0 = 0; p0 < this.fill.length; p0 += chunkPages) {
      const pages = Math.min(chunkPages, this.fill.length - p0);
      const bytes = Math.min(pages * PAGE_BYTES, BlockStateMap.bitmapBytes(this.lbas) - p0 * PAGE_BYTES);
      this.store.read(buf, this.position + p0 * PAGE_BYTES, 0, bytes);
      buf.fill(0, bytes);
      for (let i = 0; i < pages; i++) {
        const p = p0 + i;
        const page = buf.subarray(i * PAGE_BYTES, (i + 1) * PAGE_BYTES);
        const n = this.pageLbas(p);
        const s = uniformState(page, n);
        if (s >= 0) {
          this.fill[p] = s;
          this.mappedCount += s & 1 ? n : 0;
        } else {
          this.fill[p] = MIXED;
          this.mixed.set(p, page.slice());
          this.mappedCount += countMapped(page, n);
        }
      }
    }
  }

  /** True when every block is deallocated and none uncorrectable (a fresh region). */
  isClear(): boolean {
    return this.mixed.size === 0 && this.fill.every((s) => s === 0);
  }

  /** Deallocates every block and zeroes the on-disk bits of `lbas` LBAs (default: this map's). */
  clear(lbas = this.lbas): void {
    this.fill.fill(0);
    this.mixed.clear();
    this.mappedCount = 0;
    const total = BlockStateMap.bitmapBytes(lbas);
    const zero = FILL_PAGES[0]!;
    for (let at = 0; at < total; at += zero.length) this.store.write(zero, this.position + at, 0, Math.min(zero.length, total - at));
  }

  get(lba: number): number {
    const p = Math.floor(lba / PAGE_LBAS);
    const s = this.fill[p]!;
    if (s !== MIXED) return s;
    const i = lba - p * PAGE_LBAS;
    return (this.mixed.get(p)![i >>> 2]! >>> ((i & 3) << 1)) & 3;
  }

  /** The states that occur in [slba, slba + n), as SeenState bits. */
  scan(slba: number, n: number): number {
    let seen = 0;
    const end = slba + n;
    for (let p = Math.floor(slba / PAGE_LBAS); p * PAGE_LBAS < end; p++) {
      const s = this.fill[p]!;
      if (s !== MIXED) {
        seen |= 1 << s;
        continue;
      }
      const base = p * PAGE_LBAS;
      const page = this.mixed.get(p)!;
      let i = Math.max(slba, base) - base;
      const stop = Math.min(end, base + PAGE_LBAS) - base;
      for (; i < stop && (i & 3) !== 0; i++) seen |= 1 << ((page[i >>> 2]! >>> ((i & 3) << 1)) & 3);
      for (; i + 4 <= stop; i += 4) seen |= BYTE_SEEN[page[i >>> 2]!]!;
      for (; i < stop; i++) seen |= 1 << ((page[i >>> 2]! >>> ((i & 3) << 1)) & 3);
    }
    return seen;
  }

  /** Puts [slba, slba + n) in state `s` and writes the changed bits through. */
  set(slba: number, n: number, s: BlockState): void {
    const end = slba + n;
    for (let p = Math.floor(slba / PAGE_LBAS); p * PAGE_LBAS < end; p++) {
      const base = p * PAGE_LBAS;
      const lo = Math.max(slba, base) - base;
      const hi = Math.min(end, base + PAGE_LBAS) - base;
      const count = this.pageLbas(p);
      if (lo === 0 && hi >= count) this.setPage(p, count, s);
      else this.setPart(p, count, lo, hi, s);
    }
  }

  private setPage(p: number, count: number, s: number): void {
    const old = this.fill[p]!;
    if (old === s) return;
    this.mappedCount += (s & 1 ? count : 0) - (old === MIXED ? countMapped(this.mixed.get(p)!, count) : old & 1 ? count : 0);
    this.fill[p] = s;
    this.mixed.delete(p);
    this.store.write(FILL_PAGES[s]!, this.position + p * PAGE_BYTES, 0, BlockStateMap.bitmapBytes(count));
  }

  /** LBAs lo..hi-1 of page p (fewer than the whole page). */
  private setPart(p: number, count: number, lo: number, hi: number, s: number): void {
    const old = this.fill[p]!;
    if (old === s) return;
    let page: Uint8Array;
    if (old === MIXED) {
      page = this.mixed.get(p)!;
    } else {
      // First change inside a uniform page: it gets its own bits (allocated once, not per command).
      page = new Uint8Array(PAGE_BYTES).fill(fillByte(old));
      this.mixed.set(p, page);
      this.fill[p] = MIXED;
    }
    const sb = fillByte(s);
    let wasMapped = 0;
    let changed = 0;
    let i = lo;
    for (; i < hi && (i & 3) !== 0; i++) {
      const o = setPair(page, i, s);
      wasMapped += o & 1;
      changed |= o ^ s;
    }
    for (; i + 4 <= hi; i += 4) {
      const b = page[i >>> 2]!;
      wasMapped += BYTE_MAPPED[b]!;
      changed |= b ^ sb;
      page[i >>> 2] = sb;
    }
    for (; i < hi; i++) {
      const o = setPair(page, i, s);
      wasMapped += o & 1;
      changed |= o ^ s;
    }
    if (changed === 0) return; // blocks already in state s: nothing to persist
    this.mappedCount += (s & 1) * (hi - lo) - wasMapped;
    const first = lo >>> 2;
    this.store.write(page, this.position + p * PAGE_BYTES + first, first, ((hi - 1) >>> 2) - first + 1);
    // A page whose blocks all reached one state folds back into a single byte.
    const u = uniformState(page, count);
    if (u >= 0) {
      this.fill[p] = u;
      this.mixed.delete(p);
    }
  }

  private pageLbas(p: number): number {
    return Math.min(PAGE_LBAS, this.lbas - p * PAGE_LBAS);
  }
}

/** Sets LBA i of a page to s; returns its old state. */
function setPair(page: Uint8Array, i: number, s: number): number {
  const shift = (i & 3) << 1;
  const b = page[i >>> 2]!;
  page[i >>> 2] = (b & ~(3 << shift)) | (s << shift);
  return (b >>> shift) & 3;
}

/** The state all of the first `n` LBAs of a page share, or -1. Bits past `n` are ignored. */
function uniformState(page: Uint8Array, n: number): number {
  const s = page[0]! & 3;
  const full = n >>> 2;
  const fb = fillByte(s);
  for (let i = 0; i < full; i++) if (page[i]! !== fb) return -1;
  for (let i = full * 4; i < n; i++) if (((page[i >>> 2]! >>> ((i & 3) << 1)) & 3) !== s) return -1;
  return s;
}

function countMapped(page: Uint8Array, n: number): number {
  const full = n >>> 2;
  let c = 0;
  for (let i = 0; i < full; i++) c += BYTE_MAPPED[page[i]!]!;
  for (let i = full * 4; i < n; i++) c += (page[i >>> 2]! >>> ((i & 3) << 1)) & 1;
  return c;
}
