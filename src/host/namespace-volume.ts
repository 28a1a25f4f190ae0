// A BlockVolume over a conventional NVMe namespace, through NvmeHost: read and write (FUA as the
// command's FUA bit), flush as an NVMe Flush of the namespace, trim as Dataset Management
// Deallocate, write-zeroes as Write Zeroes with DEAC (the device may deallocate; the range reads
// as zeroes either way). The block size is the namespace's LBA data size.
import { type BlockVolume, checkVolumeRange } from './block-volume.js';
import type { NvmeHost } from './nvme-host.js';

export interface NamespaceVolumeOptions {
  /** Volume (export) name; default `nvme0n<nsid>`. */
  readonly name?: string;
  /** Largest single transfer handed out as maxTransfer (default: MDTS, at most 1 MiB). */
  readonly maxTransfer?: number;
  /** Close the host with the volume (when the volume owns its host). */
  readonly closeHost?: boolean;
}

/** Dataset Management ranges hold at most 2^32-1 blocks; use whole 2^31-block pieces. */
const DSM_RANGE_BLOCKS = 2 ** 31;
/** NvmeHost.writeZeroes loops by 65536 blocks itself; issue at most this many blocks per call so one call stays bounded. */
const ZEROES_CALL_BLOCKS = 2 ** 20;

export class NamespaceVolume implements BlockVolume {
  private closed = false;

  private constructor(
    private readonly host: NvmeHost,
    readonly nsid: number,
    readonly name: string,
    readonly size: number,
    readonly blockSize: number,
    readonly maxTransfer: number,
    private readonly closeHost: boolean,
  ) {}

  /** Identifies namespace `nsid` and wraps it. The host must have I/O queues. */
  static async open(host: NvmeHost, nsid: number, options: NamespaceVolumeOptions = {}): Promise<NamespaceVolume> {
    const id = await host.identifyNamespace(nsid);
    if (id.lbaSize === 0 || id.nsze === 0) throw new RangeError(`nsid ${nsid} is not an active namespace`);
    // A volume moves data only: with metadata (extended or through MPTR) every command would need a metadata buffer.
    if (id.metadataSize !== 0) throw new RangeError(`nsid ${nsid} is formatted with ${id.metadataSize} bytes of metadata per ${id.lbaSize}-byte block${id.extendedMetadata ? ' (extended LBAs)' : ''}: a block volume needs a format without metadata`);
    const size = id.nsze * id.lbaSize;
    if (!Number.isSafeInteger(size)) throw new RangeError(`nsid ${nsid}: ${id.nsze} blocks of ${id.lbaSize} bytes do not fit a safe integer`);
    const mdts = host.maxTransferBytes;
    let maxTransfer = options.maxTransfer ?? Math.min(Number.isFinite(mdts) ? mdts : 1 << 20, 1 << 20);
    if (!Number.isInteger(maxTransfer) || maxTransfer < id.lbaSize) throw new RangeError(`maxTransfer ${maxTransfer}: must be an integer >= the ${id.lbaSize}-byte block`);
    maxTransfer -= maxTransfer % id.lbaSize;
    return new NamespaceVolume(host, nsid, options.name ?? `nvme0n${nsid}`, size, id.lbaSize, maxTransfer, options.closeHost ?? false);
  }

  async read(offset: number, into: Uint8Array): Promise<void> {
    this.check(offset, into.length);
    if (into.length === 0) return;
    await this.host.read(this.nsid, offset / this.blockSize, into.length / this.blockSize, { into });
  }

  async write(offset: number, data: Uint8Array, options: { readonly fua?: boolean } = {}): Promise<void> {
    this.check(offset, data.length);
    if (data.length === 0) return;
    await this.host.write(this.nsid, offset / this.blockSize, data, options.fua === true ? { fua: true } : {});
  }

  async flush(): Promise<void> {
    this.open();
    await this.host.flush(this.nsid);
  }

  async trim(offset: number, length: number): Promise<void> {
    this.check(offset, length);
    const ranges = [];
    for (let b = offset / this.blockSize, left = length / this.blockSize; left > 0; ) {
      const nlb = Math.min(left, DSM_RANGE_BLOCKS);
      ranges.push({ slba: b, nlb });
      b += nlb;
      left -= nlb;
    }
    if (ranges.length > 0) await this.host.deallocate(this.nsid, ranges);
  }

  async writeZeroes(offset: number, length: number): Promise<void> {
    this.check(offset, length);
    const first = offset / this.blockSize;
    const nlb = length / this.blockSize;
    for (let at = 0; at < nlb; at += ZEROES_CALL_BLOCKS) await this.host.writeZeroes(this.nsid, first + at, Math.min(ZEROES_CALL_BLOCKS, nlb - at), { deac: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.closeHost) await this.host.close();
  }

  private open(): void {
    if (this.closed) throw new Error(`volume ${this.name} is closed`);
  }

  private check(offset: number, length: number): void {
    this.open();
    checkVolumeRange(this, offset, length);
  }
}
