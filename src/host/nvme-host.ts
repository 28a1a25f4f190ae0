// NvmeHost: the NVMe host API every later test, the FTL and the NBD export use. It speaks NVMe
// commands through an NvmeInitiator (the PCI driver over the in-process transport today,
// NVMe/TCP later) and never touches device internals. Raw statuses come back as values from
// passthrough(); the convenience helpers throw NvmeStatusError with the spec's status name.
import { Cns, FeatureId, LOG_PAGE_NAMES, MediaStatus, NvmOpcode, SCT, opcodeName, status } from '../spec/index.js';
import type { PciTransport } from '../transport/index.js';
import * as C from './commands.js';
import { NvmeStatusError } from './errors.js';
import { type IdentifyController, type IdentifyNamespace, decodeIdentifyController, decodeIdentifyNamespace, decodeNsidList } from './identify.js';
import type { CommandBuffers, CommandResult, NvmeInitiator, SqeFields } from './initiator.js';
import { PciDriver, type PciDriverOptions } from './pci-driver.js';

const COMPARE_FAILURE = status(SCT.MEDIA, MediaStatus.COMPARE_FAILURE, { dnr: true });

export interface IoOptions {
  /** I/O queue to use (default: round robin over the I/O queues). */
  readonly qid?: number;
}

export interface ReadOptions extends IoOptions {
  /** Where the data lands (else a new buffer). */
  readonly into?: Uint8Array;
}

export interface WriteOptions extends IoOptions {
  readonly fua?: boolean;
}

export interface LbaRange {
  readonly slba: number;
  /** Blocks (a count, not 0's based). */
  readonly nlb: number;
}

/** What read/write need to know of a namespace. */
interface Format {
  readonly lbaSize: number;
}

export class NvmeHost {
  private ctrlId: IdentifyController | undefined;
  private readonly formats = new Map<number, Format>();
  /** Identify Namespace in progress per NSID, so concurrent first I/Os ask once. */
  private readonly pendingFormats = new Map<number, Promise<Format>>();
  /** Set while a reset runs: new I/O waits for it instead of failing. */
  private resetting: Promise<void> | undefined;
  private io: number[] = [];
  private queueSetup: { count: number; depth: number } | undefined;
  /** Number of Queues as granted since the last enable (the spec allows setting it once). */
  private granted: { sq: number; cq: number } | undefined;
  private rr = 0;

  constructor(readonly initiator: NvmeInitiator) {}

  /** A host over a PCIe-like transport, enabled and identified. */
  static async attach(transport: PciTransport, options: PciDriverOptions = {}): Promise<NvmeHost> {
    const host = new NvmeHost(new PciDriver(transport, options));
    await host.enable();
    return host;
  }

  /** Enables the controller and reads Identify Controller. */
  async enable(): Promise<IdentifyController> {
    this.io = [];
    this.granted = undefined;
    await this.initiator.enable();
    this.formats.clear();
    return this.identifyController();
  }

  /** Identify Controller as last read (enable() reads it). */
  get controller(): IdentifyController | undefined {
    return this.ctrlId;
  }

  /** Largest data transfer of one command in bytes (MDTS), or Infinity. */
  get maxTransferBytes(): number {
    const mdts = this.ctrlId?.mdts ?? 0;
    return mdts === 0 ? Infinity : 2 ** mdts * this.initiator.minPageSize;
  }

  get ioQueues(): readonly number[] {
    return this.io;
  }

  // ---- admin ----

  async identifyController(): Promise<IdentifyController> {
    const data = await this.adminIn(C.identify(Cns.CONTROLLER), 4096, 'Identify Controller');
    this.ctrlId = decodeIdentifyController(data);
    return this.ctrlId;
  }

  async identifyNamespace(nsid: number): Promise<IdentifyNamespace> {
    const id = decodeIdentifyNamespace(await this.adminIn(C.identify(Cns.NAMESPACE, nsid), 4096, `Identify Namespace ${nsid}`));
    if (id.lbaSize > 0) this.formats.set(nsid, { lbaSize: id.lbaSize });
    return id;
  }

  /** Active NSIDs in increasing order (Identify CNS 0x02, continued past 1024 entries). */
  async activeNamespaces(): Promise<number[]> {
    const all: number[] = [];
    let after = 0;
    for (;;) {
      const list = decodeNsidList(await this.adminIn(C.identify(Cns.ACTIVE_NSID_LIST, after), 4096, 'Identify Active Namespace ID List'));
      all.push(...list);
      if (list.length < 1024) return all;
      after = list[list.length - 1]!;
    }
  }

  /** Reads `length` bytes of log page `lid` from `offset` (split by MDTS when needed). */
  async getLogPage(lid: number, r: C.LogPageRequest): Promise<Uint8Array> {
    const out = new Uint8Array(r.length);
    const step = Math.min(r.length, Math.floor(this.maxTransferBytes / 4) * 4);
    const name = `Get Log Page ${LOG_PAGE_NAMES[lid] ?? `0x${lid.toString(16)}`}`;
    for (let done = 0; done < r.length; done += step) {
      const n = Math.min(step, r.length - done);
      const res = await this.initiator.execute(0, C.getLogPage(lid, { ...r, offset: (r.offset ?? 0) + done, length: n }), { dataInLength: n, dataIn: out.subarray(done, done + n) });
      check(res, name);
    }
    return out;
  }

  async getFeature(fid: number, o: { sel?: number; nsid?: number; cdw11?: number; dataLength?: number } = {}): Promise<{ dw0: number; data?: Uint8Array }> {
    const b: CommandBuffers = o.dataLength !== undefined ? { dataInLength: o.dataLength } : {};
    const r = check(await this.initiator.execute(0, C.getFeatures(fid, o), b), `Get Features 0x${fid.toString(16)}`);
    return r.data !== undefined ? { dw0: r.dw0, data: r.data } : { dw0: r.dw0 };
  }

  /** Sets feature `fid` to `value` (CDW11); returns completion DW0. */
  async setFeature(fid: number, value: number, o: C.SetFeatureOptions & { data?: Uint8Array } = {}): Promise<number> {
    const b: CommandBuffers = o.data !== undefined ? { dataOut: o.data } : {};
    return check(await this.initiator.execute(0, C.setFeatures(fid, value, o), b), `Set Features 0x${fid.toString(16)}`).dw0;
  }

  /** Set Features Number of Queues; resolves with the counts the controller granted. */
  async setNumberOfQueues(sqs: number, cqs = sqs): Promise<{ sq: number; cq: number }> {
    const dw0 = await this.setFeature(FeatureId.NUMBER_OF_QUEUES, C.numberOfQueuesValue(sqs, cqs));
    this.granted = { sq: (dw0 & 0xffff) + 1, cq: (dw0 >>> 16) + 1 };
    return this.granted;
  }

  /** Number of Queues, then `count` I/O queue pairs of `depth` entries (fewer if the controller grants fewer). */
  async createIoQueues(count: number, depth: number): Promise<number[]> {
    if (!Number.isInteger(count) || count < 1 || count > 65535) throw new RangeError(`I/O queue count ${count}: allowed 1..65535`);
    const granted = this.granted ?? (await this.setNumberOfQueues(count, count));
    const n = Math.min(count, granted.sq, granted.cq);
    const d = Math.min(depth, this.initiator.maxQueueEntries);
    this.io = await this.initiator.createIoQueues(n, d);
    this.queueSetup = { count, depth };
    return this.io;
  }

  // ---- NVM I/O ----

  /** Reads `nlb` blocks at `slba`; splits into commands of at most MDTS and 65536 blocks. */
  async read(nsid: number, slba: number, nlb: number, o: ReadOptions = {}): Promise<Uint8Array> {
    const { lbaSize } = this.formats.get(nsid) ?? (await this.format(nsid));
    const bytes = nlb * lbaSize;
    const out = o.into ?? new Uint8Array(bytes);
    if (out.length < bytes) throw new RangeError(`read of ${nlb} blocks needs ${bytes} bytes, the buffer has ${out.length}`);
    await this.split(nlb, lbaSize, (at, n) => {
      const off = at * lbaSize;
      return this.ioCmd(C.readWrite(NvmOpcode.READ, nsid, slba + at, n), o.qid, { dataInLength: n * lbaSize, dataIn: out.subarray(off, off + n * lbaSize) }, nsid, slba + at, n);
    });
    return out;
  }

  /** Writes `data` (whole blocks) at `slba`. */
  async write(nsid: number, slba: number, data: Uint8Array, o: WriteOptions = {}): Promise<void> {
    const { lbaSize } = this.formats.get(nsid) ?? (await this.format(nsid));
    if (data.length === 0 || data.length % lbaSize !== 0) throw new RangeError(`write of ${data.length} bytes: must be whole ${lbaSize}-byte blocks`);
    const flags = o.fua === true ? { fua: true } : {};
    await this.split(data.length / lbaSize, lbaSize, (at, n) => {
      const off = at * lbaSize;
      return this.ioCmd(C.readWrite(NvmOpcode.WRITE, nsid, slba + at, n, flags), o.qid, { dataOut: data.subarray(off, off + n * lbaSize) }, nsid, slba + at, n);
    });
  }

  /** Flush: volatile data of `nsid` (or of all namespaces, 0xFFFFFFFF) made durable. */
  async flush(nsid: number, o: IoOptions = {}): Promise<void> {
    check(await this.runIo(o.qid, C.flush(nsid)), `Flush nsid ${nsid}`);
  }

  async writeZeroes(nsid: number, slba: number, nlb: number, o: WriteOptions & { deac?: boolean } = {}): Promise<void> {
    const flags = { fua: o.fua ?? false, deac: o.deac ?? false };
    for (let at = 0; at < nlb; at += 65536) {
      const n = Math.min(65536, nlb - at);
      const r = await this.runIo(o.qid, C.writeZeroes(nsid, slba + at, n, flags));
      check(r, `Write Zeroes nsid ${nsid} slba ${slba + at} nlb ${n}`);
    }
  }

  /** Compare: resolves true when the blocks equal `data` (and `meta`), false on Compare Failure. */
  async compare(nsid: number, slba: number, data: Uint8Array, o: IoOptions & { meta?: Uint8Array } = {}): Promise<boolean> {
    const { lbaSize } = this.formats.get(nsid) ?? (await this.format(nsid));
    const nlb = Math.ceil(data.length / lbaSize);
    const r = await this.runIo(o.qid, C.lbaRange(NvmOpcode.COMPARE, nsid, slba, nlb), { dataOut: data, ...(o.meta !== undefined ? { metaOut: o.meta } : {}) });
    if (r.status === COMPARE_FAILURE) return false;
    check(r, `Compare nsid ${nsid} slba ${slba} nlb ${nlb}`);
    return true;
  }

  /** Verify: the blocks are readable (no data moves). */
  async verify(nsid: number, slba: number, nlb: number, o: IoOptions = {}): Promise<void> {
    check(await this.runIo(o.qid, C.lbaRange(NvmOpcode.VERIFY, nsid, slba, nlb)), `Verify nsid ${nsid} slba ${slba} nlb ${nlb}`);
  }

  /** Write Uncorrectable: reads of the blocks fail until they are written again. */
  async writeUncorrectable(nsid: number, slba: number, nlb: number, o: IoOptions = {}): Promise<void> {
    check(await this.runIo(o.qid, C.lbaRange(NvmOpcode.WRITE_UNCORRECTABLE, nsid, slba, nlb)), `Write Uncorrectable nsid ${nsid} slba ${slba} nlb ${nlb}`);
  }

  /** Dataset Management with Deallocate for `ranges` (256 per command). */
  async deallocate(nsid: number, ranges: readonly LbaRange[], o: IoOptions = {}): Promise<void> {
    for (let at = 0; at < ranges.length; at += 256) {
      const part = ranges.slice(at, at + 256);
      const buf = new Uint8Array(16 * part.length);
      const dv = new DataView(buf.buffer);
      part.forEach((r, i) => {
        if (!Number.isInteger(r.nlb) || r.nlb < 1 || r.nlb > 0xffffffff) throw new RangeError(`deallocate range nlb ${r.nlb}: allowed 1..4294967295`);
        dv.setUint32(16 * i + 4, r.nlb, true);
        dv.setBigUint64(16 * i + 8, BigInt(r.slba), true);
      });
      const res = await this.runIo(o.qid, C.datasetManagement(nsid, part.length, true), { dataOut: buf });
      check(res, `Dataset Management (deallocate) nsid ${nsid}, ${part.length} ranges`);
    }
  }

  /**
   * Any command, raw: for command sets this library does not know (OCSSD vector commands ...).
   * The status comes back as a value.
   */
  passthrough(queue: 'admin' | 'io', fields: SqeFields, buffers: CommandBuffers & IoOptions = {}): Promise<CommandResult> {
    return queue === 'admin' ? this.initiator.execute(0, fields, buffers) : this.runIo(buffers.qid, fields, buffers);
  }

  // ---- controller state ----

  /** Controller reset (CC.EN 1 -> 0 -> 1); outstanding commands fail; I/O queues are set up again as before. */
  async reset(): Promise<void> {
    if (this.resetting !== undefined) return this.resetting;
    this.resetting = (async () => {
      this.io = [];
      this.granted = undefined;
      await this.initiator.reset();
      this.formats.clear();
      await this.identifyController();
      if (this.queueSetup !== undefined) await this.createIoQueues(this.queueSetup.count, this.queueSetup.depth);
    })();
    try {
      await this.resetting;
    } finally {
      this.resetting = undefined;
    }
  }

  /** Orderly shutdown (CC.SHN); the transport stays open. */
  async shutdown(): Promise<void> {
    this.io = [];
    await this.initiator.shutdown();
  }

  /** Shuts down if needed and closes the transport. */
  async close(): Promise<void> {
    this.io = [];
    await this.initiator.close();
  }

  // ---- internals ----

  private format(nsid: number): Promise<Format> {
    let p = this.pendingFormats.get(nsid);
    if (p === undefined) {
      p = this.identifyNamespace(nsid)
        .then((id) => {
          if (id.lbaSize === 0) throw new RangeError(`nsid ${nsid} is not an active namespace (Identify Namespace is all zeros)`);
          return { lbaSize: id.lbaSize };
        })
        .finally(() => this.pendingFormats.delete(nsid));
      this.pendingFormats.set(nsid, p);
    }
    return p;
  }

  /** Runs an I/O command once any reset in progress is over. */
  private async runIo(qid: number | undefined, cmd: SqeFields, b?: CommandBuffers): Promise<CommandResult> {
    if (this.resetting !== undefined) await this.resetting;
    return this.initiator.execute(this.pick(qid), cmd, b);
  }

  private pick(qid: number | undefined): number {
    if (qid !== undefined) return qid;
    const n = this.io.length;
    if (n === 0) throw new Error('no I/O queues: call createIoQueues() first');
    this.rr = this.rr + 1 >= n ? 0 : this.rr + 1;
    return this.io[this.rr]!;
  }

  private async adminIn(cmd: SqeFields, length: number, what: string): Promise<Uint8Array> {
    return check(await this.initiator.execute(0, cmd, { dataInLength: length }), what).data!;
  }

  private async ioCmd(cmd: SqeFields, qid: number | undefined, b: CommandBuffers, nsid: number, slba: number, nlb: number): Promise<void> {
    const r = await this.runIo(qid, cmd, b);
    if (r.status !== 0) throw new NvmeStatusError(`${opcodeName('io', cmd.opc)} nsid ${nsid} slba ${slba} nlb ${nlb}`, r.status);
  }

  /** Runs `op` over pieces of at most MDTS bytes and 65536 blocks, concurrently. */
  private async split(nlb: number, lbaSize: number, op: (at: number, n: number) => Promise<void>): Promise<void> {
    if (!Number.isInteger(nlb) || nlb < 1) throw new RangeError(`nlb ${nlb}: must be a positive integer`);
    const most = Math.max(1, Math.min(65536, Math.floor(this.maxTransferBytes / lbaSize)));
    if (nlb <= most) return op(0, nlb);
    const parts: Promise<void>[] = [];
    for (let at = 0; at < nlb; at += most) parts.push(op(at, Math.min(most, nlb - at)));
    await Promise.all(parts);
  }
}

function check(r: CommandResult, what: string): CommandResult {
  if (r.status !== 0) throw new NvmeStatusError(what, r.status);
  return r;
}
