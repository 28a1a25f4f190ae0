// A reusable, zero-copy view of one 64-byte submission entry. Hot paths attach it to the entry
// where it lies (a queue slot in host memory, a capsule) instead of decoding into an object.
// 64-bit fields come back as numbers: exact up to 2^53, which covers every address and LBA the
// emulator can hold; larger values stay larger and fail the range checks.
const TWO32 = 2 ** 32;

export class SqeView {
  bytes: Uint8Array = new Uint8Array(64);
  private dv = new DataView(this.bytes.buffer);
  private base = 0;

  /** Points the view at the 64 bytes at `base` of `bytes` (no copy). */
  attach(bytes: Uint8Array, base = 0): this {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.base = base;
    return this;
  }

  /** The 64 entry bytes (a subarray view, for logging and copying). */
  entry(): Uint8Array {
    return this.bytes.subarray(this.base, this.base + 64);
  }

  get opc(): number {
    return this.bytes[this.base]!;
  }
  get flags(): number {
    return this.bytes[this.base + 1]!;
  }
  /** Fused operation: 0 normal, 1 first, 2 second. */
  get fuse(): number {
    return this.bytes[this.base + 1]! & 0x3;
  }
  /** Data pointer type: 0 PRP, 1 SGL (MPTR contiguous), 2 SGL (MPTR is an SGL). */
  get psdt(): number {
    return this.bytes[this.base + 1]! >>> 6;
  }
  get cid(): number {
    return this.dv.getUint16(this.base + 2, true);
  }
  get nsid(): number {
    return this.dv.getUint32(this.base + 4, true);
  }
  /** Command dword n (0..15). */
  cdw(n: number): number {
    return this.dv.getUint32(this.base + 4 * n, true);
  }
  get cdw10(): number {
    return this.dv.getUint32(this.base + 40, true);
  }
  get cdw11(): number {
    return this.dv.getUint32(this.base + 44, true);
  }
  get cdw12(): number {
    return this.dv.getUint32(this.base + 48, true);
  }
  get cdw13(): number {
    return this.dv.getUint32(this.base + 52, true);
  }
  get cdw14(): number {
    return this.dv.getUint32(this.base + 56, true);
  }
  get cdw15(): number {
    return this.dv.getUint32(this.base + 60, true);
  }
  /** A u64 at byte `off` of the entry, as a number. */
  u64(off: number): number {
    return this.dv.getUint32(this.base + off, true) + this.dv.getUint32(this.base + off + 4, true) * TWO32;
  }
  get mptr(): number {
    return this.u64(16);
  }
  get prp1(): number {
    return this.u64(24);
  }
  get prp2(): number {
    return this.u64(32);
  }
  /** CDW10-11 as one u64 (SLBA, LBAL, SPBA). */
  get slba(): number {
    return this.u64(40);
  }
}
