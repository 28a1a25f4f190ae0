// Host memory as the controller sees it over PCIe: a 64-bit address space it can DMA to and
// from. A failed access (outside what the host mapped) makes the command fail with Data
// Transfer Error, as a bus error would.
export interface HostMemory {
  /** Copies `len` bytes at host address `addr` into `dst[dstOff..]`; false when not mapped. */
  read(addr: number, dst: Uint8Array, dstOff: number, len: number): boolean;
  /** Copies `len` bytes of `src[srcOff..]` to host address `addr`; false when not mapped. */
  write(addr: number, src: Uint8Array, srcOff: number, len: number): boolean;
}

/**
 * One contiguous region of host memory at `base` (a Uint8Array, possibly over a
 * SharedArrayBuffer shared with a host in another thread).
 */
export class RegionHostMemory implements HostMemory {
  constructor(
    readonly bytes: Uint8Array,
    readonly base = 0,
  ) {}

  private offset(addr: number, len: number): number {
    const off = addr - this.base;
    return off >= 0 && len >= 0 && off + len <= this.bytes.length && Number.isInteger(off) ? off : -1;
  }

  read(addr: number, dst: Uint8Array, dstOff: number, len: number): boolean {
    const off = this.offset(addr, len);
    if (off < 0) return false;
    dst.set(this.bytes.subarray(off, off + len), dstOff);
    return true;
  }

  write(addr: number, src: Uint8Array, srcOff: number, len: number): boolean {
    const off = this.offset(addr, len);
    if (off < 0) return false;
    const b = this.bytes;
    // Completion entries are 16 bytes: a loop beats making a subarray for them.
    if (len <= 32) for (let i = 0; i < len; i++) b[off + i] = src[srcOff + i]!;
    else b.set(src.subarray(srcOff, srcOff + len), off);
    return true;
  }

  /** A direct view of mapped memory, or undefined (for zero-copy paths such as queue rings). */
  view(addr: number, len: number): Uint8Array | undefined {
    const off = this.offset(addr, len);
    return off < 0 ? undefined : this.bytes.subarray(off, off + len);
  }
}
