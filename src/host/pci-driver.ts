// The NVMe driver for memory-based queues over a PciTransport (what Linux's nvme-pci does):
// the enable / reset / shutdown sequences of specs.md 3.10, the admin queue, I/O queue pairs,
// CIDs and back-pressure per queue, PRP and SGL data pointers, and reaping by phase tag on
// interrupts. submit() takes DMA regions (zero copy); execute() stages byte buffers in DMA
// memory for callers that have plain buffers (NvmeHost).
import {
  AQA,
  CAP,
  CC,
  CSTS,
  CapCss,
  CcCss,
  REGISTERS,
  SQE,
  Shn,
  Shst,
  cqHeadDoorbell,
  getBits,
  getBits64,
  packBits,
  setBits,
  sqTailDoorbell,
} from '../spec/index.js';
import { DmaOutOfMemoryError, type DmaBuffer, type PciTransport } from '../transport/index.js';
import { createIoCq, createIoSq, deleteIoCq, deleteIoSq } from './commands.js';
import { type DmaRegion, setU64, writePrps, writeSgl } from './data-pointer.js';
import { CommandAbortedError, ControllerStateError, NvmeStatusError, NvmeTimeoutError } from './errors.js';
import type { CommandBuffers, CommandResult, Completion, NvmeInitiator, SqeFields } from './initiator.js';
import { type CommandSlot, QueuePair } from './queue-pair.js';

export interface PciDriverOptions {
  /** Admin queue entries (default 64; capped by CAP.MQES). */
  readonly adminQueueEntries?: number;
  /** A command without a completion after this long fails with NvmeTimeoutError (default 30 s; 0 = never). */
  readonly commandTimeoutMs?: number;
  /** How long shutdown waits for CSTS.SHST = complete (default 10 s). */
  readonly shutdownTimeoutMs?: number;
}

/** The data of a submit(): regions of the shared host memory. */
export interface DmaIo {
  readonly data?: DmaRegion;
  readonly meta?: DmaRegion;
  /** One SGL Data Block descriptor instead of PRPs (and MPTR as a contiguous buffer). */
  readonly sgl?: boolean;
}

const R = REGISTERS.offset;

export class PciDriver implements NvmeInitiator {
  private readonly queues = new Map<number, QueuePair>();
  /** Queue pairs by interrupt vector. */
  private readonly byVector = new Map<number, QueuePair[]>();
  private readonly unsubscribe = new Map<number, () => void>();
  private readonly memoryWaiters: (() => void)[] = [];
  private watchdog: NodeJS.Timeout | undefined;
  private staged = 0;
  private dead: Error | undefined;
  private ready = false;
  private dstrd = 0;
  private timeoutMs = 500;
  /** Host memory page size (CC.MPS), for PRPs and queue alignment. */
  pageSize = 4096;
  maxQueueEntries = 2;
  cap = 0n;
  /** PCIe: the controller reads LBA lists straight from host memory. */
  readonly hostMemoryLists = true;

  constructor(
    readonly transport: PciTransport,
    private readonly options: PciDriverOptions = {},
  ) {
    transport.onClose((error) => this.fail(error ?? new CommandAbortedError('transport closed')));
  }

  get ioQueues(): number[] {
    return [...this.queues.keys()].filter((q) => q !== 0);
  }

  /** CAP.MPSMIN page size: the unit of MDTS. This driver uses it as its memory page size too. */
  get minPageSize(): number {
    return this.pageSize;
  }

  get enabled(): boolean {
    return this.ready;
  }

  // ---- controller state ----

  /** specs.md 3.10: disable, program the admin queue, enable with IOSQES 6 / IOCQES 4, wait for RDY. */
  async enable(): Promise<void> {
    this.checkAlive();
    const t = this.transport;
    this.cap = await t.readRegister64(R.cap);
    const cap = this.cap;
    this.maxQueueEntries = getBits64(cap, CAP.mqes) + 1;
    this.dstrd = getBits64(cap, CAP.dstrd);
    this.timeoutMs = Math.max(500, getBits64(cap, CAP.to) * 500);
    const mps = getBits64(cap, CAP.mpsmin);
    this.pageSize = 2 ** (12 + mps);
    await this.disable();

    const entries = Math.min(this.options.adminQueueEntries ?? 64, this.maxQueueEntries, 4096);
    const admin = this.addQueue(0, entries, 0);
    await t.writeRegister32(R.aqa, packBits(AQA, { asqs: entries - 1, acqs: entries - 1 }));
    await t.writeRegister64(R.asq, BigInt(admin.sq.addr));
    await t.writeRegister64(R.acq, BigInt(admin.cq.addr));
    const css = getBits64(cap, CAP.css);
    const ccCss = (css & CapCss.IO_COMMAND_SETS) !== 0 ? CcCss.IO_COMMAND_SETS : (css & CapCss.NVM) !== 0 ? CcCss.NVM : CcCss.ADMIN_ONLY;
    await t.writeRegister32(R.cc, packBits(CC, { en: 1, css: ccCss, mps, ams: 0, shn: Shn.NONE, iosqes: 6, iocqes: 4 }));
    await this.waitStatus('CSTS.RDY = 1 after CC.EN = 1', this.timeoutMs, (csts) => getBits(csts, CSTS.rdy) === 1);
    this.ready = true;
    this.startWatchdog();
  }

  /** CC.EN 1 -> 0 (a controller reset) and wait for RDY = 0; outstanding commands fail, queues are freed. */
  async disable(reason = 'controller disabled'): Promise<void> {
    const t = this.transport;
    const cc = await t.readRegister32(R.cc);
    if (getBits(cc, CC.en) === 1) {
      // EN may only change once RDY has caught up with it.
      await this.waitStatus('CSTS.RDY to follow CC.EN', this.timeoutMs, (csts) => getBits(csts, CSTS.rdy) === 1 || getBits(csts, CSTS.cfs) === 1);
      await t.writeRegister32(R.cc, setBits(cc, CC.en, 0));
    }
    await this.waitStatus('CSTS.RDY = 0 after CC.EN = 0', this.timeoutMs, (csts) => getBits(csts, CSTS.rdy) === 0, false);
    this.ready = false;
    this.dropQueues(new CommandAbortedError(reason));
  }

  /** Controller reset (EN 1 -> 0 -> 1): I/O queues are gone afterwards; the caller recreates them. */
  async reset(): Promise<void> {
    this.checkAlive();
    await this.disable('controller reset');
    await this.enable();
  }

  /** Deletes the I/O queues, sets CC.SHN = normal and waits for CSTS.SHST = complete. */
  async shutdown(): Promise<void> {
    if (!this.ready || this.dead !== undefined) return;
    await this.deleteIoQueues().catch(() => {});
    const t = this.transport;
    const cc = await t.readRegister32(R.cc);
    await t.writeRegister32(R.cc, setBits(cc, CC.shn, Shn.NORMAL));
    await this.waitStatus('CSTS.SHST = complete after CC.SHN = normal', this.options.shutdownTimeoutMs ?? 10_000, (csts) => getBits(csts, CSTS.shst) === Shst.COMPLETE, false);
    this.ready = false;
    this.dropQueues(new CommandAbortedError('controller shut down'));
  }

  async close(): Promise<void> {
    try {
      if (this.ready && this.dead === undefined) await this.shutdown();
    } finally {
      this.stopWatchdog();
      await this.transport.close();
    }
  }

  // ---- queues ----

  /** Create I/O CQ then Create I/O SQ for qids 1..count; vector = qid. Set Features Number of Queues comes first (the caller's). */
  async createIoQueues(count: number, depth: number): Promise<number[]> {
    this.checkReady();
    if (!Number.isInteger(depth) || depth < 2 || depth > this.maxQueueEntries) throw new RangeError(`I/O queue depth ${depth}: allowed 2..${this.maxQueueEntries} (CAP.MQES + 1)`);
    await this.deleteIoQueues();
    const made: number[] = [];
    for (let qid = 1; qid <= count; qid++) {
      const qp = this.addQueue(qid, depth, qid);
      const cq = await this.submit(0, createIoCq(qid, depth, qp.vector), { data: { addr: qp.cq.addr, length: 0 } });
      if (cq.status !== 0) {
        this.removeQueue(qid);
        throw new NvmeStatusError(`Create I/O Completion Queue ${qid} (${depth} entries)`, cq.status);
      }
      const sq = await this.submit(0, createIoSq(qid, depth, qid), { data: { addr: qp.sq.addr, length: 0 } });
      if (sq.status !== 0) {
        await this.submit(0, deleteIoCq(qid));
        this.removeQueue(qid);
        throw new NvmeStatusError(`Create I/O Submission Queue ${qid} (${depth} entries)`, sq.status);
      }
      made.push(qid);
    }
    return made;
  }

  /** Delete I/O SQ then CQ for every I/O queue (outstanding commands on them are aborted by the controller). */
  async deleteIoQueues(): Promise<void> {
    for (const qid of this.ioQueues) {
      const sq = await this.submit(0, deleteIoSq(qid));
      const cq = await this.submit(0, deleteIoCq(qid));
      this.queues.get(qid)?.failAll(new CommandAbortedError(`I/O queue ${qid} deleted`));
      this.removeQueue(qid);
      if (sq.status !== 0) throw new NvmeStatusError(`Delete I/O Submission Queue ${qid}`, sq.status);
      if (cq.status !== 0) throw new NvmeStatusError(`Delete I/O Completion Queue ${qid}`, cq.status);
    }
  }

  private addQueue(qid: number, entries: number, vector: number): QueuePair {
    const qp = new QueuePair(qid, entries, vector, this.transport.memory, this.transport, sqTailDoorbell(qid, this.dstrd), cqHeadDoorbell(qid, this.dstrd), this.pageSize);
    this.queues.set(qid, qp);
    let list = this.byVector.get(vector);
    if (list === undefined) {
      this.byVector.set(vector, (list = []));
      this.unsubscribe.set(vector, this.transport.onInterrupt(vector, () => this.interrupt(vector)));
    }
    list.push(qp);
    return qp;
  }

  private removeQueue(qid: number): void {
    const qp = this.queues.get(qid);
    if (qp === undefined) return;
    this.queues.delete(qid);
    const list = this.byVector.get(qp.vector)!;
    list.splice(list.indexOf(qp), 1);
    if (list.length === 0) {
      this.byVector.delete(qp.vector);
      this.unsubscribe.get(qp.vector)?.();
      this.unsubscribe.delete(qp.vector);
    }
    qp.dispose();
  }

  private dropQueues(error: Error): void {
    for (const qp of this.queues.values()) qp.failAll(error);
    for (const qid of [...this.queues.keys()]) this.removeQueue(qid);
  }

  private interrupt(vector: number): void {
    const list = this.byVector.get(vector);
    if (list !== undefined) for (const qp of list) qp.reap();
  }

  // ---- commands ----

  /**
   * Submits one command on queue `qid` with data in shared host memory. Waits for a free slot when
   * the queue is full. Resolves with the completion; a non-zero status is a value.
   */
  submit(qid: number, cmd: SqeFields | Uint8Array, io?: DmaIo): Promise<Completion> {
    if (this.dead !== undefined) return Promise.reject(this.dead);
    const qp = this.queues.get(qid);
    if (qp === undefined) return Promise.reject(new RangeError(`queue ${qid} does not exist${qid === 0 ? ' (controller not enabled)' : ''}`));
    this.watchdog?.ref();
    const slot = qp.tryAcquire();
    if (slot !== undefined) return this.fill(qp, slot, cmd, io);
    return qp.waitSlot().then((s) => this.fill(qp, s, cmd, io));
  }

  private fill(qp: QueuePair, slot: CommandSlot, cmd: SqeFields | Uint8Array, io: DmaIo | undefined): Promise<Completion> {
    const view = qp.sqView;
    const off = qp.entryOffset;
    try {
      const bytes = qp.sq.bytes;
      if (cmd instanceof Uint8Array) {
        if (cmd.length !== 64) throw new RangeError(`a raw SQE is 64 bytes, not ${cmd.length}`);
        bytes.set(cmd, off);
      } else {
        bytes.fill(0, off, off + 64);
        view.setUint8(off, cmd.opc);
        view.setUint8(off + SQE.offset.flags, (cmd.fuse ?? 0) & 3);
        view.setUint32(off + 4, cmd.nsid ?? 0, true);
        view.setUint32(off + 8, cmd.cdw2 ?? 0, true);
        view.setUint32(off + 12, cmd.cdw3 ?? 0, true);
        if (cmd.mptr !== undefined) setU64(view, off + 16, cmd.mptr);
        view.setUint32(off + 40, cmd.cdw10 ?? 0, true);
        view.setUint32(off + 44, cmd.cdw11 ?? 0, true);
        view.setUint32(off + 48, cmd.cdw12 ?? 0, true);
        view.setUint32(off + 52, cmd.cdw13 ?? 0, true);
        view.setUint32(off + 56, cmd.cdw14 ?? 0, true);
        view.setUint32(off + 60, cmd.cdw15 ?? 0, true);
      }
      view.setUint16(off + 2, slot.cid, true);
      if (io !== undefined) {
        if (io.data !== undefined) {
          if (io.sgl === true) writeSgl(view, off, io.data);
          else if (io.data.length === 0) setU64(view, off + SQE.offset.prp1, io.data.addr); // queue bases: PRP1 only
          else writePrps(view, off, io.data, this.pageSize, slot, this.transport.memory);
        }
        if (io.meta !== undefined) setU64(view, off + 16, io.meta.addr);
      }
    } catch (e) {
      qp.release(slot);
      // No room for a PRP list: drop idle slots' cached lists, or wait for staged buffers to come back.
      if (e instanceof DmaOutOfMemoryError) {
        let trimmed = 0;
        for (const q of this.queues.values()) trimmed += q.trimPrpLists();
        if (trimmed > 0) return this.submit(qp.qid, cmd, io);
        if (this.staged > 0) return this.memoryFreed().then(() => this.submit(qp.qid, cmd, io));
      }
      return Promise.reject(e);
    }
    return qp.post(slot, view.getUint8(off));
  }

  /** Runs a command with plain byte buffers, staged through DMA memory. */
  async execute(qid: number, cmd: SqeFields, b: CommandBuffers = {}): Promise<CommandResult> {
    const dataLen = b.dataOut?.length ?? b.dataInLength ?? 0;
    const metaLen = b.metaOut?.length ?? b.metaInLength ?? 0;
    if (b.dataOut !== undefined && b.dataInLength !== undefined) throw new RangeError('a command moves data one way: dataOut or dataInLength, not both');
    const [data, meta] = await this.stage(dataLen, metaLen);
    // A timed-out command may still be DMAing: its buffers are never reused (leaked on purpose).
    let inFlight = false;
    const lists: DmaBuffer[] = [];
    try {
      if (b.lists !== undefined && b.lists.length > 0) {
        const f: Record<string, number> = {};
        for (const l of b.lists) {
          const buf = this.transport.memory.allocate(l.bytes.length, 8);
          lists.push(buf);
          buf.bytes.set(l.bytes);
          f[`cdw${l.dword}`] = buf.addr >>> 0;
          f[`cdw${l.dword + 1}`] = Math.floor(buf.addr / 2 ** 32) >>> 0;
        }
        cmd = { ...cmd, ...f };
      }
      if (b.dataOut !== undefined && data !== undefined) data.bytes.set(b.dataOut);
      if (b.metaOut !== undefined && meta !== undefined) meta.bytes.set(b.metaOut);
      const c = await this.submit(qid, cmd, {
        ...(data !== undefined ? { data: { addr: data.addr, length: dataLen } } : {}),
        ...(meta !== undefined ? { meta: { addr: meta.addr, length: metaLen } } : {}),
        ...(b.sgl === true ? { sgl: true } : {}),
      });
      if (b.dataInLength === undefined && b.metaInLength === undefined) return c;
      const r: { -readonly [K in keyof CommandResult]: CommandResult[K] } = { status: c.status, dw0: c.dw0, dw1: c.dw1, sqhd: c.sqhd };
      if (b.dataInLength !== undefined && data !== undefined) r.data = copyOut(data.bytes, b.dataIn, dataLen);
      if (b.metaInLength !== undefined && meta !== undefined) r.meta = copyOut(meta.bytes, b.metaIn, metaLen);
      return r;
    } catch (e) {
      inFlight = e instanceof NvmeTimeoutError;
      throw e;
    } finally {
      this.staged--;
      if (data !== undefined && !inFlight) this.transport.memory.free(data);
      if (meta !== undefined && !inFlight) this.transport.memory.free(meta);
      if (!inFlight) for (const l of lists) this.transport.memory.free(l);
      for (const w of this.memoryWaiters.splice(0)) w();
    }
  }

  /** Staging buffers; when DMA memory is exhausted, waits for other commands to give theirs back. */
  private async stage(dataLen: number, metaLen: number): Promise<[DmaBuffer | undefined, DmaBuffer | undefined]> {
    const memory = this.transport.memory;
    for (;;) {
      this.checkAlive();
      let data: DmaBuffer | undefined;
      try {
        data = dataLen > 0 ? memory.allocate(dataLen, this.pageSize) : undefined;
        const meta = metaLen > 0 ? memory.allocate(metaLen, 4) : undefined;
        this.staged++; // counted at once: the next allocation failing must know these will come back
        return [data, meta];
      } catch (e) {
        if (data !== undefined) memory.free(data);
        if (!(e instanceof DmaOutOfMemoryError) || this.staged === 0) throw e;
        await this.memoryFreed();
      }
    }
  }

  /** Resolves when a staged command gives its DMA buffers back. */
  private memoryFreed(): Promise<void> {
    return new Promise((resolve) => this.memoryWaiters.push(resolve));
  }

  // ---- helpers ----

  private async waitStatus(what: string, timeoutMs: number, done: (csts: number) => boolean, checkCfs = true): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let delay = 0;
    for (;;) {
      const csts = await this.transport.readRegister32(R.csts);
      if (done(csts)) return;
      if (checkCfs && getBits(csts, CSTS.cfs) === 1) throw new ControllerStateError(`controller fatal status (CSTS.CFS) while waiting for ${what}`);
      if (performance.now() > deadline) throw new ControllerStateError(`timed out after ${timeoutMs} ms waiting for ${what} (CSTS 0x${csts.toString(16)})`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(50, delay * 2 + 1);
    }
  }

  /**
   * One interval for all commands: times them out, and stays referenced only while commands are
   * waited for, so a pending command keeps the process alive and an idle driver does not.
   */
  private startWatchdog(): void {
    if (this.watchdog !== undefined) return;
    const ms = this.options.commandTimeoutMs ?? 30_000;
    const dog = setInterval(() => {
      const now = performance.now();
      let waiting = 0;
      for (const qp of this.queues.values()) waiting += qp.expire(now, ms, (s) => new NvmeTimeoutError(qp.qid, s.cid, s.opc, ms));
      if (waiting === 0) dog.unref();
    }, ms > 0 ? Math.min(1000, ms) : 1000);
    dog.unref();
    this.watchdog = dog;
  }

  private stopWatchdog(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private checkAlive(): void {
    if (this.dead !== undefined) throw this.dead;
  }

  private checkReady(): void {
    this.checkAlive();
    if (!this.ready) throw new ControllerStateError('controller is not enabled');
  }

  /** The transport ended: everything outstanding fails with its error. */
  private fail(error: Error): void {
    if (this.dead !== undefined) return;
    this.dead = error;
    this.ready = false;
    this.stopWatchdog();
    for (const qp of this.queues.values()) qp.failAll(error);
    for (const w of this.memoryWaiters.splice(0)) w();
  }
}

function copyOut(src: Uint8Array, into: Uint8Array | undefined, length: number): Uint8Array {
  const out = into ?? new Uint8Array(length);
  if (out.length < length) throw new RangeError(`result buffer of ${out.length} bytes for ${length} bytes of data`);
  out.set(src.subarray(0, length));
  return out;
}
