// ChunkDevice over an OCSSD 1.2 namespace, through the host library's Ocssd12Device, with the
// 2.0 view Linux's lightnvm core gives pblk of a 1.2 device: a group is a channel, a PU a LUN, a
// chunk a block across all its planes (clba = pages x planes x sectors per page), ws_min =
// ws_opt = sectors per page x planes (one multi-plane page write). Chunk sector s is page
// floor(s / (planes x spp)), then plane, then sector: pblk's order.
//
// 1.2 has no chunk log: the report comes from the bad block table (bad in any plane: offline)
// and, for good blocks, a binary search for the first empty page (pages are written in order).
import { type NvmeHost, Ocssd12Device } from '../host/index.js';
import { Ocssd12PlaneAccess, Ocssd12Status } from '../spec/index.js';
import { ChunkIoStatus, ChunkReportState, splitAddress, type ChunkDescriptor, type ChunkDevice, type ChunkGeometry, type VectorResult } from './chunk-device.js';

const PLANE_MODE: Record<number, number> = { 1: Ocssd12PlaneAccess.SINGLE, 2: Ocssd12PlaneAccess.DUAL, 4: Ocssd12PlaneAccess.QUAD };

export class Ocssd12ChunkDevice implements ChunkDevice {
  readonly geometry: ChunkGeometry;
  private readonly planeMode: number;

  private constructor(
    readonly dev: Ocssd12Device,
    readonly name: string,
  ) {
    const id = dev.identity;
    const ws = id.secsPerPg * id.numPln;
    this.geometry = { numGroups: id.numCh, numPu: id.numLun, numChunk: id.numBlk, clba: id.numPg * ws, wsMin: ws, wsOpt: ws, mwCunits: 0, sectorSize: id.csecs, oobSize: id.sos, maxVector: 64 };
    this.planeMode = PLANE_MODE[id.numPln] ?? Ocssd12PlaneAccess.SINGLE;
  }

  static async open(host: NvmeHost, nsid: number, name = `nvme0n${nsid}`): Promise<Ocssd12ChunkDevice> {
    return new Ocssd12ChunkDevice(await Ocssd12Device.open(host, nsid), name);
  }

  private ppa(addr: number): bigint {
    const id = this.dev.identity;
    const a = splitAddress(this.geometry, addr);
    const perPage = id.numPln * id.secsPerPg;
    const rem = a.sector % perPage;
    return this.dev.ppa({ ch: a.group, lun: a.pu, blk: a.chunk, pg: Math.floor(a.sector / perPage), pln: Math.floor(rem / id.secsPerPg), sec: rem % id.secsPerPg });
  }

  private ppas(addrs: ArrayLike<number>, count: number): bigint[] {
    const out: bigint[] = new Array<bigint>(count);
    for (let i = 0; i < count; i++) out[i] = this.ppa(addrs[i]!);
    return out;
  }

  async write(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob: Uint8Array): Promise<VectorResult> {
    const g = this.geometry;
    const whole = count % g.wsMin === 0;
    const r = await this.dev.write(this.ppas(addrs, count), data.subarray(0, count * g.sectorSize), { ...(g.oobSize > 0 ? { oob: oob.subarray(0, count * g.oobSize) } : {}), planeMode: whole ? this.planeMode : Ocssd12PlaneAccess.SINGLE });
    const status = r.status === 0 ? ChunkIoStatus.OK : r.status === Ocssd12Status.FAIL_WRITE ? ChunkIoStatus.WRITE_FAIL : ChunkIoStatus.INVALID_WRITE;
    return { status, failed: r.status === 0 ? 0n : r.bitmap };
  }

  async read(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob?: Uint8Array): Promise<VectorResult> {
    const r = await this.dev.read(this.ppas(addrs, count), { oob: oob !== undefined });
    if (r.data) data.set(r.data.subarray(0, count * this.geometry.sectorSize));
    if (oob && r.oob) oob.set(r.oob.subarray(0, count * this.geometry.oobSize));
    const s = r.status;
    const status = s === 0 ? ChunkIoStatus.OK : s === Ocssd12Status.EMPTY_PAGE ? ChunkIoStatus.UNWRITTEN : s === Ocssd12Status.FAIL_ECC ? ChunkIoStatus.UNCORRECTABLE : s === Ocssd12Status.WARN_HIGH_ECC ? ChunkIoStatus.HIGH_ECC : ChunkIoStatus.ERROR;
    return { status, failed: s === 0 ? 0n : r.bitmap };
  }

  async reset(addrs: ArrayLike<number>, count: number): Promise<VectorResult> {
    const r = await this.dev.erase(this.ppas(addrs, count), { planeMode: this.planeMode });
    return { status: r.status === 0 ? ChunkIoStatus.OK : ChunkIoStatus.RESET_FAIL, failed: r.status === 0 ? 0n : r.bitmap };
  }

  async chunkReport(): Promise<ChunkDescriptor[]> {
    const id = this.dev.identity;
    const g = this.geometry;
    const out: ChunkDescriptor[] = [];
    for (let ch = 0; ch < id.numCh; ch++) {
      for (let lun = 0; lun < id.numLun; lun++) {
        const bbt = await this.dev.getBbt(ch, lun);
        for (let blk = 0; blk < id.numBlk; blk++) {
          let bad = false;
          for (let pln = 0; pln < id.numPln; pln++) if (bbt.entries[blk * id.numPln + pln] !== 0) bad = true;
          if (bad) {
            out.push({ state: ChunkReportState.OFFLINE, wp: 0, wearIndex: 0 });
            continue;
          }
          // First empty page by binary search: pages [0, lo) written, [hi, numPg) empty.
          let lo = 0;
          let hi = id.numPg;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            const r = await this.dev.read([this.dev.ppa({ ch, lun, blk, pg: mid })]);
            if (r.status === Ocssd12Status.EMPTY_PAGE) hi = mid;
            else lo = mid + 1;
          }
          const wp = lo * g.wsMin;
          out.push({ state: wp === 0 ? ChunkReportState.FREE : wp === g.clba ? ChunkReportState.CLOSED : ChunkReportState.OPEN, wp, wearIndex: 0 });
        }
      }
    }
    return out;
  }

  flush(): Promise<void> {
    return this.dev.host.flush(this.dev.nsid);
  }
}
