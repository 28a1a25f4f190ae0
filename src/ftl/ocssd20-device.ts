// ChunkDevice over an OCSSD 2.0 namespace, through the host library's Ocssd20Host (vector
// write / read / reset with OOB, the chunk information log). It runs over any transport the
// host library does: the in-process PCIe model or NVMe/TCP.
import { type NvmeHost, Ocssd20Host, type Ocssd20VectorResult } from '../host/index.js';
import { Ocssd20Status } from '../spec/index.js';
import { ChunkIoStatus, ChunkReportState, splitAddress, type ChunkDescriptor, type ChunkDevice, type ChunkGeometry, type VectorResult } from './chunk-device.js';

/** Status without DNR / More: the SCT/SC pair. */
const code = (status: number): number => status & 0x7ff;

function writeStatus(s: number): ChunkIoStatus {
  switch (code(s)) {
    case 0:
      return ChunkIoStatus.OK;
    case Ocssd20Status.WRITE_FAIL_CHUNK_EARLY_CLOSE:
    case Ocssd20Status.WRITE_FAIL_WRITE_NEXT_UNIT:
    case Ocssd20Status.WRITE_FAULT:
      return ChunkIoStatus.WRITE_FAIL;
    case Ocssd20Status.OFFLINE_CHUNK:
      return ChunkIoStatus.OFFLINE;
    case Ocssd20Status.OUT_OF_ORDER_WRITE:
      return ChunkIoStatus.INVALID_WRITE;
    default:
      return ChunkIoStatus.ERROR;
  }
}

function readStatus(s: number): ChunkIoStatus {
  switch (code(s)) {
    case 0:
      return ChunkIoStatus.OK;
    case Ocssd20Status.HIGH_ECC:
      return ChunkIoStatus.HIGH_ECC;
    case Ocssd20Status.UNRECOVERED_READ_ERROR:
      return ChunkIoStatus.UNCORRECTABLE;
    case Ocssd20Status.DEALLOCATED_OR_UNWRITTEN:
      return ChunkIoStatus.UNWRITTEN;
    case Ocssd20Status.OFFLINE_CHUNK:
      return ChunkIoStatus.OFFLINE;
    default:
      return ChunkIoStatus.ERROR;
  }
}

const resetStatus = (s: number): ChunkIoStatus => (code(s) === 0 ? ChunkIoStatus.OK : code(s) === Ocssd20Status.OFFLINE_CHUNK ? ChunkIoStatus.OFFLINE : ChunkIoStatus.RESET_FAIL);

export class Ocssd20ChunkDevice implements ChunkDevice {
  readonly geometry: ChunkGeometry;
  private readonly lbas: number[][] = Array.from({ length: 65 }, (_, n) => new Array<number>(n).fill(0));

  private constructor(
    readonly oc: Ocssd20Host,
    readonly name: string,
  ) {
    const g = oc.geometry;
    this.geometry = { numGroups: g.numGrp, numPu: g.numPu, numChunk: g.numChk, clba: g.clba, wsMin: g.wsMin, wsOpt: g.wsOpt, mwCunits: g.mwCunits, sectorSize: oc.lbaSize, oobSize: oc.ms, maxVector: 64 };
  }

  /** Opens namespace `nsid` of an attached host as an OCSSD 2.0 chunk device. */
  static async open(host: NvmeHost, nsid: number, name = `nvme0n${nsid}`): Promise<Ocssd20ChunkDevice> {
    return new Ocssd20ChunkDevice(await Ocssd20Host.open(host, nsid), name);
  }

  /** The 2.0 LBAs of device-linear addresses (one reused array per length). */
  private list(addrs: ArrayLike<number>, count: number): number[] {
    const out = this.lbas[count]!;
    for (let i = 0; i < count; i++) {
      const a = splitAddress(this.geometry, addrs[i]!);
      out[i] = this.oc.pack({ grp: a.group, pu: a.pu, chk: a.chunk, sec: a.sector });
    }
    return out;
  }

  async write(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob: Uint8Array): Promise<VectorResult> {
    const g = this.geometry;
    const r = await this.oc.vectorWrite(this.list(addrs, count), data.subarray(0, count * g.sectorSize), g.oobSize > 0 ? oob.subarray(0, count * g.oobSize) : undefined);
    return { status: writeStatus(r.status), failed: r.status === 0 ? 0n : r.bitmap };
  }

  async read(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob?: Uint8Array): Promise<VectorResult> {
    const r: Ocssd20VectorResult = await this.oc.vectorRead(this.list(addrs, count));
    if (r.data) data.set(r.data.subarray(0, count * this.geometry.sectorSize));
    if (oob && r.oob) oob.set(r.oob.subarray(0, count * this.geometry.oobSize));
    return { status: readStatus(r.status), failed: r.status === 0 ? 0n : r.bitmap };
  }

  async reset(addrs: ArrayLike<number>, count: number): Promise<VectorResult> {
    const r = await this.oc.vectorReset(this.list(addrs, count).slice());
    return { status: resetStatus(r.status), failed: r.status === 0 ? 0n : r.bitmap };
  }

  async chunkReport(): Promise<ChunkDescriptor[]> {
    return (await this.oc.chunkInfo()).map((c) => ({
      state: (c.cs & ChunkReportState.OFFLINE ? ChunkReportState.OFFLINE : c.cs & ChunkReportState.OPEN ? ChunkReportState.OPEN : c.cs & ChunkReportState.CLOSED ? ChunkReportState.CLOSED : ChunkReportState.FREE) as ChunkReportState,
      wp: c.wp ?? 0,
      wearIndex: c.wli,
    }));
  }

  flush(): Promise<void> {
    return this.oc.host.flush(this.oc.nsid);
  }
}
