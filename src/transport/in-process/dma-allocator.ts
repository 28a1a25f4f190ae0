// First-fit allocator over the host memory region both sides share. Buffers are views into the
// region (no copies); a sorted free list with coalescing keeps fragmentation low for the mix
// of queue rings, PRP list pages and per-command data buffers a driver asks for.
import { type DmaAllocator, type DmaBuffer, DmaOutOfMemoryError } from './pci-transport.js';

/** Allocation granule: keeps every buffer dword (PRP) and cache-line aligned. */
const GRANULE = 64;

interface Extent {
  start: number;
  size: number;
}

export class RegionDmaAllocator implements DmaAllocator {
  /** Free extents, sorted by start, never adjacent (coalesced). Offsets into `bytes`. */
  private readonly freeList: Extent[];
  /** Allocated buffer offset -> size, to validate free(). */
  private readonly live = new Map<number, number>();
  private freeBytes: number;

  /**
   * @param bytes the region's bytes (over a SharedArrayBuffer in worker mode)
   * @param base the bus address of bytes[0]; a multiple of 4096
   */
  constructor(
    private readonly bytes: Uint8Array,
    readonly base: number,
  ) {
    if (!Number.isSafeInteger(base) || base % 4096 !== 0 || base <= 0) throw new RangeError(`DMA region base ${base}: must be a positive multiple of 4096`);
    const usable = bytes.length - (bytes.length % GRANULE);
    this.freeList = usable > 0 ? [{ start: 0, size: usable }] : [];
    this.freeBytes = usable;
  }

  get size(): number {
    return this.bytes.length;
  }

  get available(): number {
    return this.freeBytes;
  }

  allocate(bytes: number, align = 4096): DmaBuffer {
    if (!Number.isInteger(bytes) || bytes <= 0) throw new RangeError(`DMA allocation size ${bytes}: must be a positive integer`);
    if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0) throw new RangeError(`DMA alignment ${align}: must be a power of two`);
    const size = Math.ceil(bytes / GRANULE) * GRANULE;
    const a = Math.max(align, GRANULE);
    for (let i = 0; i < this.freeList.length; i++) {
      const e = this.freeList[i]!;
      // Alignment is of the bus address, and base is 4096-aligned, so align the offset past it.
      const addr = this.base + e.start;
      const start = e.start + ((a - (addr % a)) % a);
      if (start + size > e.start + e.size) continue;
      const tail: Extent = { start: start + size, size: e.start + e.size - start - size };
      const head: Extent = { start: e.start, size: start - e.start };
      const keep: Extent[] = [];
      if (head.size > 0) keep.push(head);
      if (tail.size > 0) keep.push(tail);
      this.freeList.splice(i, 1, ...keep);
      this.live.set(start, size);
      this.freeBytes -= size;
      const view = this.bytes.subarray(start, start + bytes);
      view.fill(0);
      return { addr: this.base + start, bytes: view };
    }
    throw new DmaOutOfMemoryError(bytes, this.freeBytes);
  }

  free(buffer: DmaBuffer): void {
    const start = buffer.addr - this.base;
    const size = this.live.get(start);
    if (size === undefined) throw new Error(`DMA free of 0x${buffer.addr.toString(16)}: not an allocated buffer (double free?)`);
    this.live.delete(start);
    this.freeBytes += size;
    // Insert sorted, then merge with the neighbours.
    let lo = 0;
    let hi = this.freeList.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeList[mid]!.start < start) lo = mid + 1;
      else hi = mid;
    }
    this.freeList.splice(lo, 0, { start, size });
    const next = this.freeList[lo + 1];
    const cur = this.freeList[lo]!;
    if (next !== undefined && cur.start + cur.size === next.start) {
      cur.size += next.size;
      this.freeList.splice(lo + 1, 1);
    }
    const prev = this.freeList[lo - 1];
    if (prev !== undefined && prev.start + prev.size === cur.start) {
      prev.size += cur.size;
      this.freeList.splice(lo, 1);
    }
  }

  /** Live allocations (for leak checks in tests and diagnostics). */
  get allocations(): number {
    return this.live.size;
  }
}
