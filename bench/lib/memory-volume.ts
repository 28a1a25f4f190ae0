// A BlockVolume over a plain byte array: measures the NBD server alone (no NVMe path under it).
import { type BlockVolume, checkVolumeRange } from '../../src/host/index.js';

export class MemoryBlockVolume implements BlockVolume {
  readonly blockSize = 4096;
  readonly maxTransfer = 32 << 20;
  private readonly data: Uint8Array;

  constructor(
    readonly name: string,
    readonly size: number,
  ) {
    checkVolumeRange({ name, size: Number.MAX_SAFE_INTEGER, blockSize: 4096 }, 0, size);
    this.data = new Uint8Array(size);
  }

  async read(offset: number, into: Uint8Array): Promise<void> {
    checkVolumeRange(this, offset, into.length);
    into.set(this.data.subarray(offset, offset + into.length));
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    checkVolumeRange(this, offset, data.length);
    this.data.set(data, offset);
  }

  async flush(): Promise<void> {}

  async trim(offset: number, length: number): Promise<void> {
    checkVolumeRange(this, offset, length);
    this.data.fill(0, offset, offset + length);
  }

  async writeZeroes(offset: number, length: number): Promise<void> {
    await this.trim(offset, length);
  }

  async close(): Promise<void> {}
}
