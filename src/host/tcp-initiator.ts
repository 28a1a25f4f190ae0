// Our own NVMe/TCP initiator: the NvmeInitiator behind NvmeHost over a fabric, so the CLI, the
// FTL and tests run against a remote device exactly as over the PCI driver. Bring-up follows
// what Linux does (specs.md 5.7): ICReq, admin Connect (dynamic controller ID, KATO), Property
// Get CAP, Property Set CC.EN = 1, Property Get CSTS until RDY; I/O queues are connections of
// their own with a Connect each; Keep Alive every KATO / 2; shutdown by CC.SHN and CSTS.SHST.
import { randomUUID } from 'node:crypto';
import {
  AdminOpcode,
  CAP,
  CC,
  CNTLID_DYNAMIC,
  CONNECT_DATA,
  ConnectAttr,
  CSTS,
  CapCss,
  CcCss,
  FABRICS_OPCODE,
  FABRICS_STATUS_NAMES,
  FabricsType,
  IDENTIFY_CONTROLLER,
  NVME_TCP_PORT,
  REGISTERS,
  Shn,
  Shst,
  encode,
  getBits,
  getBits64,
  packBits,
  setBits,
  statusName,
} from '../spec/index.js';
import type { Digests } from '../transport/index.js';
import { ControllerStateError, NvmeStatusError } from './errors.js';
import type { CommandBuffers, CommandResult, NvmeInitiator, SqeFields } from './initiator.js';
import { NvmeHost } from './nvme-host.js';
import { TcpQueue, TcpTransportError } from './tcp-queue.js';

export interface TcpInitiatorOptions {
  readonly host?: string;
  readonly port?: number;
  /** Subsystem NQN to connect to. */
  readonly subnqn: string;
  readonly hostnqn?: string;
  /** 16-byte host identifier (default: random). */
  readonly hostid?: Uint8Array;
  /** Keep Alive Timeout asked for at Connect (ms; 0 = none; default 5000). */
  readonly katoMs?: number;
  readonly headerDigest?: boolean;
  readonly dataDigest?: boolean;
  /** Ask the target to disable SQ flow control (Connect CATTR bit 2; reads may then end with C2HData SUCCESS). */
  readonly disableSqFlow?: boolean;
  /** Admin queue entries (default 32, as Linux). */
  readonly adminQueueEntries?: number;
  readonly connectTimeoutMs?: number;
  /** A command without a completion after this long fails the queue (default 30 s; 0 = never). */
  readonly commandTimeoutMs?: number;
}

const R = REGISTERS.offset;

export class TcpInitiator implements NvmeInitiator {
  readonly hostnqn: string;
  readonly hostid: Uint8Array;
  cntlid = 0;
  cap = 0n;
  /** In-capsule data bytes of I/O queues (from Identify IOCCSZ; -1 until read). */
  ioInCapsule = -1;
  private admin: TcpQueue | undefined;
  private readonly io = new Map<number, TcpQueue>();
  private keepAlive: NodeJS.Timeout | undefined;
  private ready = false;
  private readonly o: Required<Omit<TcpInitiatorOptions, 'hostid' | 'hostnqn'>>;
  private readonly digests: Digests;

  constructor(options: TcpInitiatorOptions) {
    this.o = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? NVME_TCP_PORT,
      subnqn: options.subnqn,
      katoMs: options.katoMs ?? 5000,
      headerDigest: options.headerDigest ?? false,
      dataDigest: options.dataDigest ?? false,
      disableSqFlow: options.disableSqFlow ?? false,
      adminQueueEntries: options.adminQueueEntries ?? 32,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
    };
    this.hostid = options.hostid ?? Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
    if (this.hostid.length !== 16) throw new RangeError(`hostid: ${this.hostid.length} bytes, must be 16`);
    this.hostnqn = options.hostnqn ?? `nqn.2014-08.org.nvmexpress:uuid:${Buffer.from(this.hostid).toString('hex').replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}`;
    this.digests = { header: this.o.headerDigest, data: this.o.dataDigest };
  }

  /** Connects, enables and identifies: a ready NvmeHost over NVMe/TCP. */
  static async attach(options: TcpInitiatorOptions): Promise<NvmeHost> {
    const host = new NvmeHost(new TcpInitiator(options));
    try {
      await host.enable();
    } catch (e) {
      await host.close().catch(() => {});
      throw e;
    }
    return host;
  }

  get ioQueues(): number[] {
    return [...this.io.keys()];
  }

  /** MDTS unit: CAP.MPSMIN (read on every I/O by NvmeHost: kept, not recomputed). */
  minPageSize = 4096;

  get maxQueueEntries(): number {
    return getBits64(this.cap, CAP.mqes) + 1;
  }

  // ---- bring-up ----

  private async openQueue(qid: number, entries: number): Promise<TcpQueue> {
    const q = new TcpQueue({
      host: this.o.host,
      port: this.o.port,
      qid,
      entries,
      digests: this.digests,
      inCapsuleData: qid === 0 ? 8192 : Math.max(0, this.ioInCapsule),
      connectTimeoutMs: this.o.connectTimeoutMs,
      commandTimeoutMs: this.o.commandTimeoutMs,
    });
    await q.open(() => {
      if (qid === 0) this.lost();
      else if (this.io.get(qid) === q) this.io.delete(qid);
    });
    const data = encode(CONNECT_DATA, { hostid: this.hostid, cntlid: qid === 0 ? CNTLID_DYNAMIC : this.cntlid, subnqn: this.o.subnqn, hostnqn: this.hostnqn });
    const r = await q.execute(
      {
        opc: FABRICS_OPCODE,
        nsid: FabricsType.CONNECT,
        // RECFMT 0, QID; SQSIZE (0's based), CATTR 0; KATO on the admin queue.
        cdw10: (qid << 16) >>> 0,
        cdw11: ((entries - 1) | ((this.o.disableSqFlow ? ConnectAttr.DISABLE_SQ_FLOW_CONTROL : 0) << 16)) >>> 0,
        cdw12: qid === 0 ? this.o.katoMs : 0,
      },
      { dataOut: data },
    );
    if (r.status !== 0) {
      q.close('Connect refused');
      const e = new NvmeStatusError(`Fabrics Connect to ${this.o.subnqn} queue ${qid}`, r.status);
      // Connect's SCT 1 codes are the Fabrics ones (Invalid Host, Invalid Parameters + the offending field).
      e.message = `Fabrics Connect to ${this.o.subnqn} queue ${qid} failed: ${statusName(r.status, { commandSpecific: FABRICS_STATUS_NAMES })}, DW0 0x${r.dw0.toString(16)}`;
      throw e;
    }
    if (qid === 0) this.cntlid = r.dw0 & 0xffff;
    return q;
  }

  private lost(): void {
    this.ready = false;
    this.stopKeepAlive();
    for (const q of this.io.values()) q.close('admin queue lost');
    this.io.clear();
  }

  async propertyGet(offset: number, size: 4 | 8): Promise<bigint> {
    const r = await this.adminQueue().execute({ opc: FABRICS_OPCODE, nsid: FabricsType.PROPERTY_GET, cdw10: size === 8 ? 1 : 0, cdw11: offset });
    if (r.status !== 0) throw new NvmeStatusError(`Fabrics Property Get 0x${offset.toString(16)}`, r.status);
    return size === 8 ? BigInt(r.dw0 >>> 0) | (BigInt(r.dw1 >>> 0) << 32n) : BigInt(r.dw0 >>> 0);
  }

  async propertySet(offset: number, size: 4 | 8, value: bigint): Promise<void> {
    const lo = Number(value & 0xffffffffn);
    const hi = Number(value >> 32n);
    const r = await this.adminQueue().execute({ opc: FABRICS_OPCODE, nsid: FabricsType.PROPERTY_SET, cdw10: size === 8 ? 1 : 0, cdw11: offset, cdw12: lo, cdw13: hi });
    if (r.status !== 0) throw new NvmeStatusError(`Fabrics Property Set 0x${offset.toString(16)}`, r.status);
  }

  private adminQueue(): TcpQueue {
    if (this.admin === undefined || !this.admin.alive) throw new TcpTransportError('not connected (no admin queue)');
    return this.admin;
  }

  async enable(): Promise<void> {
    if (this.admin === undefined || !this.admin.alive) this.admin = await this.openQueue(0, this.o.adminQueueEntries);
    this.cap = await this.propertyGet(R.cap, 8);
    this.minPageSize = 2 ** (12 + getBits64(this.cap, CAP.mpsmin));
    const timeoutMs = Math.max(500, getBits64(this.cap, CAP.to) * 500);
    const cc = Number(await this.propertyGet(R.cc, 4));
    if (getBits(cc, CC.en) === 1) {
      await this.propertySet(R.cc, 4, BigInt(setBits(cc, CC.en, 0)));
      await this.waitCsts('CSTS.RDY = 0 after CC.EN = 0', timeoutMs, (s) => getBits(s, CSTS.rdy) === 0);
    }
    const css = getBits64(this.cap, CAP.css);
    const ccCss = (css & CapCss.IO_COMMAND_SETS) !== 0 ? CcCss.IO_COMMAND_SETS : (css & CapCss.NVM) !== 0 ? CcCss.NVM : CcCss.ADMIN_ONLY;
    await this.propertySet(R.cc, 4, BigInt(packBits(CC, { en: 1, css: ccCss, mps: getBits64(this.cap, CAP.mpsmin), ams: 0, shn: Shn.NONE, iosqes: 6, iocqes: 4 })));
    await this.waitCsts('CSTS.RDY = 1 after CC.EN = 1', timeoutMs, (s) => getBits(s, CSTS.rdy) === 1);
    this.ready = true;
    this.startKeepAlive();
  }

  private async waitCsts(what: string, ms: number, ok: (csts: number) => boolean): Promise<void> {
    const until = performance.now() + ms;
    for (;;) {
      const csts = Number(await this.propertyGet(R.csts, 4));
      if (getBits(csts, CSTS.cfs) === 1) throw new ControllerStateError(`controller fatal status (CSTS.CFS) while waiting for ${what}`);
      if (ok(csts)) return;
      if (performance.now() > until) throw new ControllerStateError(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    if (this.o.katoMs === 0) return;
    this.keepAlive = setInterval(() => {
      if (this.admin?.alive === true) this.admin.execute({ opc: AdminOpcode.KEEP_ALIVE }).catch(() => {});
    }, Math.max(10, this.o.katoMs / 2));
    this.keepAlive.unref();
  }

  private stopKeepAlive(): void {
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  // ---- commands ----

  execute(qid: number, cmd: SqeFields, buffers?: CommandBuffers): Promise<CommandResult> {
    const q = qid === 0 ? this.admin : this.io.get(qid);
    if (q === undefined || !q.alive) return Promise.reject(new TcpTransportError(`queue ${qid} is not connected`));
    return q.execute(cmd, buffers);
  }

  /** I/O queues 1..count: a connection and a Connect each. Number of Queues is NvmeHost's. */
  async createIoQueues(count: number, depth: number): Promise<number[]> {
    if (!this.ready) throw new ControllerStateError('controller is not enabled');
    if (!Number.isInteger(depth) || depth < 2 || depth > this.maxQueueEntries) throw new RangeError(`I/O queue depth ${depth}: allowed 2..${this.maxQueueEntries} (CAP.MQES + 1)`);
    await this.deleteIoQueues();
    if (this.ioInCapsule < 0) {
      // IOCCSZ (Identify Controller byte 1792, 16-byte units) tells how much data fits in an I/O capsule.
      const id = await this.execute(0, { opc: AdminOpcode.IDENTIFY, cdw10: 1 }, { dataInLength: 4096 });
      if (id.status !== 0) throw new NvmeStatusError('Identify Controller (for IOCCSZ)', id.status);
      this.ioInCapsule = Math.max(0, new DataView(id.data!.buffer, id.data!.byteOffset).getUint32(IDENTIFY_CONTROLLER.offset.ioccsz, true) * 16 - 64);
    }
    const made: number[] = [];
    for (let qid = 1; qid <= count; qid++) {
      this.io.set(qid, await this.openQueue(qid, depth));
      made.push(qid);
    }
    return made;
  }

  async deleteIoQueues(): Promise<void> {
    for (const q of this.io.values()) q.close('I/O queue deleted');
    this.io.clear();
  }

  async reset(): Promise<void> {
    await this.deleteIoQueues();
    this.ready = false;
    await this.enable();
  }

  async shutdown(): Promise<void> {
    if (!this.ready || this.admin?.alive !== true) return;
    await this.deleteIoQueues();
    const cc = Number(await this.propertyGet(R.cc, 4));
    await this.propertySet(R.cc, 4, BigInt(setBits(cc, CC.shn, Shn.NORMAL)));
    await this.waitCsts('CSTS.SHST = complete after CC.SHN = normal', 10_000, (s) => getBits(s, CSTS.shst) === Shst.COMPLETE);
    this.ready = false;
    this.stopKeepAlive();
  }

  async close(): Promise<void> {
    try {
      await this.shutdown();
    } finally {
      this.stopKeepAlive();
      await this.deleteIoQueues();
      this.admin?.close('initiator closed');
      this.admin = undefined;
    }
  }
}
