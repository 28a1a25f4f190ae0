// Test-only reference ChunkDevice: the FTL's interface implemented straight over NandMedia (one
// plane, so a media chunk is a 2.0 chunk), with optional completion jitter (out-of-order
// completions, as over a real queue) and mw_cunits enforcement (a read of a sector fewer than
// mw_cunits sectors behind an open chunk's write pointer fails). The end-to-end tests use the
// real device through the in-process transport instead.
import { ChunkIoStatus, ChunkReportState, type ChunkDescriptor, type ChunkDevice, type ChunkGeometry, type VectorResult } from '../../src/ftl/index.js';
import { ChunkState, MediaStatus, type NandMedia } from '../../src/media/index.js';

export interface MediaDeviceOptions {
  readonly wsMin?: number;
  readonly wsOpt?: number;
  readonly mwCunits?: number;
  /** Seed for completion jitter (0: complete in order after one tick). */
  readonly jitterSeed?: number;
}

const STATE: Record<ChunkState, ChunkReportState> = {
  [ChunkState.FREE]: ChunkReportState.FREE,
  [ChunkState.OPEN]: ChunkReportState.OPEN,
  [ChunkState.CLOSED]: ChunkReportState.CLOSED,
  [ChunkState.OFFLINE]: ChunkReportState.OFFLINE,
};

export class MediaChunkDevice implements ChunkDevice {
  readonly geometry: ChunkGeometry;
  readonly name = 'media0';
  writes = 0;
  private rng: number;

  constructor(
    readonly media: NandMedia,
    o: MediaDeviceOptions = {},
  ) {
    const v = media.geometry.v20();
    const wsMin = o.wsMin ?? 4;
    this.geometry = { numGroups: v.numGroups, numPu: v.numPu, numChunk: v.numChunk, clba: v.clba, wsMin, wsOpt: o.wsOpt ?? wsMin * 2, mwCunits: o.mwCunits ?? 0, sectorSize: v.sectorSize, oobSize: v.oobSize, maxVector: 64 };
    this.rng = o.jitterSeed ?? 0;
  }

  private async tick(): Promise<void> {
    let n = 1;
    if (this.rng !== 0) {
      this.rng ^= this.rng << 13;
      this.rng ^= this.rng >>> 17;
      this.rng ^= this.rng << 5;
      n += (this.rng >>> 0) % 4;
    }
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  }

  private chunkOf(addr: number): number {
    return Math.floor(addr / this.geometry.clba);
  }

  async write(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob: Uint8Array): Promise<VectorResult> {
    await this.tick();
    this.writes++;
    const g = this.geometry;
    let failed = 0n;
    let status: ChunkIoStatus = ChunkIoStatus.OK;
    let i = 0;
    while (i < count) {
      const c = this.chunkOf(addrs[i]!);
      const s0 = addrs[i]! % g.clba;
      let n = 1;
      while (i + n < count && addrs[i + n] === addrs[i]! + n && this.chunkOf(addrs[i + n]!) === c) n++;
      const op = this.media.program(c, s0, n, data, i * g.sectorSize, oob, i * g.oobSize);
      if (op.status !== MediaStatus.OK) {
        status = status || (op.status === MediaStatus.PROGRAM_FAIL ? ChunkIoStatus.WRITE_FAIL : op.status === MediaStatus.OFFLINE || op.status === MediaStatus.BAD_BLOCK ? ChunkIoStatus.OFFLINE : ChunkIoStatus.INVALID_WRITE);
        for (let k = op.done; k < n; k++) failed |= 1n << BigInt(i + k);
      }
      i += n;
    }
    return { status, failed };
  }

  async read(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob?: Uint8Array): Promise<VectorResult> {
    await this.tick();
    const g = this.geometry;
    let failed = 0n;
    let status: ChunkIoStatus = ChunkIoStatus.OK;
    for (let i = 0; i < count; i++) {
      const c = this.chunkOf(addrs[i]!);
      const s = addrs[i]! % g.clba;
      if (g.mwCunits > 0 && this.media.chunkState(c) === ChunkState.OPEN && s + g.mwCunits >= this.media.writePointer(c)) {
        status ||= ChunkIoStatus.ERROR;
        failed |= 1n << BigInt(i);
        continue;
      }
      const op = this.media.read(c, s, 1, data, i * g.sectorSize, oob, i * g.oobSize);
      if (op.status === MediaStatus.OK) continue;
      if (op.status === MediaStatus.HIGH_ECC) {
        status ||= ChunkIoStatus.HIGH_ECC;
        continue;
      }
      status ||= op.status === MediaStatus.UNWRITTEN ? ChunkIoStatus.UNWRITTEN : op.status === MediaStatus.UNCORRECTABLE ? ChunkIoStatus.UNCORRECTABLE : op.status === MediaStatus.OFFLINE ? ChunkIoStatus.OFFLINE : ChunkIoStatus.ERROR;
      failed |= 1n << BigInt(i);
    }
    return { status, failed };
  }

  async reset(addrs: ArrayLike<number>, count: number): Promise<VectorResult> {
    await this.tick();
    let failed = 0n;
    let status: ChunkIoStatus = ChunkIoStatus.OK;
    for (let i = 0; i < count; i++) {
      const op = this.media.erase(this.chunkOf(addrs[i]!));
      if (op.status !== MediaStatus.OK) {
        status ||= op.status === MediaStatus.ERASE_FAIL || op.status === MediaStatus.WORN_OUT ? ChunkIoStatus.RESET_FAIL : ChunkIoStatus.OFFLINE;
        failed |= 1n << BigInt(i);
      }
    }
    return { status, failed };
  }

  async chunkReport(): Promise<ChunkDescriptor[]> {
    const out: ChunkDescriptor[] = [];
    for (let c = 0; c < this.media.geometry.totalChunks; c++) {
      const r = this.media.chunk(c);
      out.push({ state: STATE[r.state as ChunkState], wp: r.wp, wearIndex: r.wearIndex });
    }
    return out;
  }

  async flush(): Promise<void> {
    this.media.sync();
  }
}
