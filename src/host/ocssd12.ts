// liblightnvm-style helpers for OCSSD 1.2 over NvmeHost.passthrough (specs.md 1.2-1.5): decode
// the Device Identification, build and parse PPAs from its PPA format, vector erase / write /
// read with OOB and plane modes, and get / set the bad block table. Statuses of the vector
// commands are values (with the per-PPA bitmap of CQE DW0-DW1), since "empty page" and "write
// failed" are answers a host FTL acts on; the identity and Get BBT throw NvmeStatusError.
import {
  OCSSD12_BBT_HEADER,
  OCSSD12_BBT_HEADER_SIZE,
  OCSSD12_GROUP,
  OCSSD12_GROUP_OFFSET,
  OCSSD12_IDENTITY,
  OCSSD12_IDENTITY_SIZE,
  OCSSD12_STATUS_NAMES,
  Ocssd12AdminOpcode,
  Ocssd12Opcode,
  Ocssd12PlaneAccess,
  type PpaAddress,
  type PpaFormat,
  checkPpaFormat,
  decode,
  decodePpa,
  encodePpa,
  ppafFromIdentity,
  statusName,
} from '../spec/index.js';
import { NvmeStatusError } from './errors.js';
import type { CommandBuffers, SqeFields } from './initiator.js';
import type { NvmeHost } from './nvme-host.js';
import { PciDriver } from './pci-driver.js';

export interface Ocssd12Identity {
  readonly verId: number;
  readonly vmnt: number;
  readonly cgrps: number;
  readonly cap: number;
  readonly dom: number;
  readonly ppaf: PpaFormat;
  readonly mtype: number;
  readonly fmtype: number;
  readonly numCh: number;
  readonly numLun: number;
  readonly numPln: number;
  readonly numBlk: number;
  readonly numPg: number;
  readonly fpgSz: number;
  readonly csecs: number;
  readonly sos: number;
  readonly trdt: number;
  readonly trdm: number;
  readonly tprt: number;
  readonly tprm: number;
  readonly tbet: number;
  readonly tbem: number;
  readonly mpos: number;
  readonly mccap: number;
  readonly cpar: number;
  /** fpg_sz / csecs, as Linux derives it. */
  readonly secsPerPg: number;
  /** Sectors PPAs reach and their bytes. */
  readonly totalSectors: number;
  readonly totalBytes: number;
}

export function decodeOcssd12Identity(buf: Uint8Array): Ocssd12Identity {
  if (buf.length < OCSSD12_IDENTITY_SIZE) throw new RangeError(`a 1.2 identity is ${OCSSD12_IDENTITY_SIZE} bytes, not ${buf.length}`);
  const id = decode(OCSSD12_IDENTITY, buf);
  const g = decode(OCSSD12_GROUP, buf, OCSSD12_GROUP_OFFSET);
  const n = (v: unknown): number => Number(v);
  const ppaf = ppafFromIdentity(id);
  const csecs = n(g.csecs);
  const secsPerPg = csecs === 0 ? 0 : Math.floor(n(g.fpg_sz) / csecs);
  const totalSectors = n(g.num_ch) * n(g.num_lun) * n(g.num_pln) * n(g.num_blk) * n(g.num_pg) * secsPerPg;
  return {
    verId: n(id.ver_id),
    vmnt: n(id.vmnt),
    cgrps: n(id.cgrps),
    cap: n(id.cap),
    dom: n(id.dom),
    ppaf,
    mtype: n(g.mtype),
    fmtype: n(g.fmtype),
    numCh: n(g.num_ch),
    numLun: n(g.num_lun),
    numPln: n(g.num_pln),
    numBlk: n(g.num_blk),
    numPg: n(g.num_pg),
    fpgSz: n(g.fpg_sz),
    csecs,
    sos: n(g.sos),
    trdt: n(g.trdt),
    trdm: n(g.trdm),
    tprt: n(g.tprt),
    tprm: n(g.tprm),
    tbet: n(g.tbet),
    tbem: n(g.tbem),
    mpos: n(g.mpos),
    mccap: n(g.mccap),
    cpar: n(g.cpar),
    secsPerPg,
    totalSectors,
    totalBytes: totalSectors * csecs,
  };
}

/** The 1.2 name of a vector command's status (Empty Page, Write Failure ...), else the NVMe one. */
export const ocssd12StatusName = (status: number): string => OCSSD12_STATUS_NAMES[status] ?? statusName(status);

/** A vector command's outcome: the status (0, 0x42FF empty page, 0x40FF write failed ...) and which PPAs failed. */
export interface VectorResult {
  readonly status: number;
  /** Bit i set: PPA i failed (CQE DW0-DW1). */
  readonly bitmap: bigint;
  readonly data?: Uint8Array;
  readonly oob?: Uint8Array;
}

export interface Ocssd12Bbt {
  /** Header VERID (always 1: getBbt refuses others) and REVID. */
  readonly verid: number;
  readonly revid: number;
  /** Entries of the LUN: num_blk x num_pln, index blk * num_pln + pln. */
  readonly tblks: number;
  readonly tfact: number;
  readonly tgrown: number;
  readonly tdresv: number;
  readonly thresv: number;
  readonly entries: Uint8Array;
}

export interface VectorOptions {
  /** Ocssd12PlaneAccess: 0 single, 1 dual, 2 quad (CONTROL bits 1:0). */
  readonly planeMode?: number;
  /** Other CONTROL bits (suspend 0x80, SLC 0x100, scrambler 0x200). */
  readonly control?: number;
  readonly qid?: number;
}

/** One 1.2 namespace as liblightnvm's nvm_dev sees it. */
export class Ocssd12Device {
  private constructor(
    readonly host: NvmeHost,
    readonly nsid: number,
    readonly identity: Ocssd12Identity,
  ) {}

  /** Reads the 1.2 identity (admin 0xE2) of `nsid`. */
  static async open(host: NvmeHost, nsid: number): Promise<Ocssd12Device> {
    const r = await host.passthrough('admin', { opc: Ocssd12AdminOpcode.IDENTITY, nsid }, { dataInLength: OCSSD12_IDENTITY_SIZE });
    if (r.status !== 0) throw new NvmeStatusError(`OCSSD 1.2 identity nsid ${nsid}`, r.status);
    const id = decodeOcssd12Identity(r.data!);
    if (id.verId !== 1) throw new RangeError(`nsid ${nsid}: identity version ${id.verId}, not an OCSSD 1.2 namespace`);
    const problems = checkPpaFormat(id.ppaf);
    if (problems.length > 0) throw new RangeError(`nsid ${nsid}: bad PPA format: ${problems.join('; ')}`);
    return new Ocssd12Device(host, nsid, id);
  }

  /** Builds a PPA; a field past the geometry is refused (as the device would refuse it). */
  ppa(a: Partial<PpaAddress>): bigint {
    const full: PpaAddress = { ch: a.ch ?? 0, lun: a.lun ?? 0, pln: a.pln ?? 0, blk: a.blk ?? 0, pg: a.pg ?? 0, sec: a.sec ?? 0 };
    const id = this.identity;
    const limits: [keyof PpaAddress, number][] = [['ch', id.numCh], ['lun', id.numLun], ['pln', id.numPln], ['blk', id.numBlk], ['pg', id.numPg], ['sec', id.secsPerPg]];
    for (const [k, max] of limits) if (!Number.isInteger(full[k]) || full[k] < 0 || full[k] >= max) throw new RangeError(`ppa.${k} = ${full[k]}: allowed 0..${max - 1}`);
    return encodePpa(id.ppaf, full);
  }

  parse(ppa: bigint): PpaAddress {
    return decodePpa(this.identity.ppaf, ppa);
  }

  /** Every sector of page `pg` of block `blk`, plane by plane: what one multi-plane page write takes (pblk's order). */
  pagePpas(ch: number, lun: number, blk: number, pg: number, planes = this.identity.numPln): bigint[] {
    const out: bigint[] = [];
    for (let pln = 0; pln < planes; pln++) for (let sec = 0; sec < this.identity.secsPerPg; sec++) out.push(this.ppa({ ch, lun, blk, pg, pln, sec }));
    return out;
  }

  /** Physical Block Erase (0x90). pblk sends one PPA with the plane mode. */
  erase(ppas: readonly bigint[], o: VectorOptions = {}): Promise<VectorResult> {
    return this.vector(Ocssd12Opcode.ERASE, ppas, o, {});
  }

  /** Physical Page Write (0x91): `data` holds one sector per PPA; `oob` sos bytes per PPA. */
  write(ppas: readonly bigint[], data: Uint8Array, o: VectorOptions & { oob?: Uint8Array } = {}): Promise<VectorResult> {
    const id = this.identity;
    if (data.length !== ppas.length * id.csecs) throw new RangeError(`write of ${ppas.length} PPAs needs ${ppas.length * id.csecs} bytes of data, not ${data.length}`);
    if (o.oob !== undefined && o.oob.length !== ppas.length * id.sos) throw new RangeError(`write of ${ppas.length} PPAs needs ${ppas.length * id.sos} bytes of OOB, not ${o.oob.length}`);
    return this.vector(Ocssd12Opcode.PWRITE, ppas, o, { dataOut: data, ...(o.oob !== undefined && o.oob.length > 0 ? { metaOut: o.oob } : {}) });
  }

  /** Physical Page Read (0x92): data of failed PPAs reads as zeroes; with `oob` the OOB comes back too. */
  read(ppas: readonly bigint[], o: VectorOptions & { oob?: boolean } = {}): Promise<VectorResult> {
    const id = this.identity;
    const oob = o.oob === true && id.sos > 0;
    return this.vector(Ocssd12Opcode.PREAD, ppas, o, { dataInLength: ppas.length * id.csecs, ...(oob ? { metaInLength: ppas.length * id.sos } : {}) });
  }

  /** Get Bad Block Table (0xF2) of one LUN. */
  async getBbt(ch: number, lun: number): Promise<Ocssd12Bbt> {
    const id = this.identity;
    const tblks = id.numBlk * id.numPln;
    const ppa = this.ppa({ ch, lun });
    const r = await this.host.passthrough('admin', { opc: Ocssd12AdminOpcode.GET_BBT, nsid: this.nsid, ...dwords(ppa) }, { dataInLength: OCSSD12_BBT_HEADER_SIZE + tblks });
    if (r.status !== 0) throw new NvmeStatusError(`Get Bad Block Table nsid ${this.nsid} ch ${ch} lun ${lun}`, r.status);
    const h = decode(OCSSD12_BBT_HEADER, r.data!);
    if (h.tblid !== 'BBLT' || h.verid !== 1) throw new RangeError(`Get Bad Block Table: header ${String(h.tblid)} v${String(h.verid)}, expected BBLT v1`);
    if (h.tblks !== tblks) throw new RangeError(`Get Bad Block Table: ${String(h.tblks)} entries, the geometry has ${tblks}`);
    return { verid: Number(h.verid), revid: Number(h.revid), tblks, tfact: Number(h.tfact), tgrown: Number(h.tgrown), tdresv: Number(h.tdresv), thresv: Number(h.thresv), entries: r.data!.slice(OCSSD12_BBT_HEADER_SIZE, OCSSD12_BBT_HEADER_SIZE + tblks) };
  }

  /** Set Bad Block Table (0xF1): marks each PPA's (block, plane) with `value` (0 good, 1 factory, 2 grown, 4 device, 8 host). */
  async setBbt(ppas: readonly bigint[], value: number): Promise<VectorResult> {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`bad block value ${value}: allowed 0..255`);
    return this.withList(ppas, async (spba) => {
      const r = await this.host.passthrough('admin', { opc: Ocssd12AdminOpcode.SET_BBT, nsid: this.nsid, ...spba, cdw12: ((ppas.length - 1) | (value << 16)) >>> 0 });
      return { status: r.status, bitmap: bitmapOf(r.dw0, r.dw1) };
    });
  }

  private vector(opc: number, ppas: readonly bigint[], o: VectorOptions, buffers: CommandBuffers): Promise<VectorResult> {
    const control = ((o.control ?? 0) & ~0x3) | ((o.planeMode ?? Ocssd12PlaneAccess.SINGLE) & 0x3);
    return this.withList(ppas, async (spba) => {
      const cmd: SqeFields = { opc, nsid: this.nsid, ...spba, cdw12: ((ppas.length - 1) | (control << 16)) >>> 0 };
      const r = await this.host.passthrough('io', cmd, { ...buffers, ...(o.qid !== undefined ? { qid: o.qid } : {}) });
      return { status: r.status, bitmap: bitmapOf(r.dw0, r.dw1), ...(r.data !== undefined ? { data: r.data } : {}), ...(r.meta !== undefined ? { oob: r.meta } : {}) };
    });
  }

  /**
   * Runs `fn` with CDW10-11 = the PPA itself (one PPA) or the address of the PPA list in host
   * memory the device can read (several: a PCIe-like transport only).
   */
  private async withList<T>(ppas: readonly bigint[], fn: (spba: { cdw10: number; cdw11: number }) => Promise<T>): Promise<T> {
    if (ppas.length < 1 || ppas.length > 0x10000) throw new RangeError(`${ppas.length} PPAs: allowed 1..65536 (the device takes at most lmax_sec_per_rq)`);
    if (ppas.length === 1) return fn(dwords(ppas[0]!));
    const driver = this.host.initiator;
    if (!(driver instanceof PciDriver)) throw new Error('a PPA list lives in host memory the device reads: it needs a PCIe-like transport (over a fabric, send one PPA per command)');
    const memory = driver.transport.memory;
    const list = memory.allocate(ppas.length * 8, 8);
    try {
      const dv = new DataView(list.bytes.buffer, list.bytes.byteOffset, list.bytes.byteLength);
      ppas.forEach((p, i) => dv.setBigUint64(8 * i, p, true));
      return await fn(dwords(BigInt(list.addr)));
    } finally {
      memory.free(list);
    }
  }
}

const dwords = (v: bigint): { cdw10: number; cdw11: number } => ({ cdw10: Number(v & 0xffffffffn), cdw11: Number((v >> 32n) & 0xffffffffn) });
const bitmapOf = (dw0: number, dw1: number): bigint => (BigInt(dw1 >>> 0) << 32n) | BigInt(dw0 >>> 0);
