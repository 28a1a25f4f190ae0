// Memory-based queues, as a PCIe controller has them: submission and completion rings in host
// memory, doorbells in BAR0 above the registers, phase tags, SQ head reporting, and interrupts.
// The in-process transport drives it; NVMe/TCP does not use it (its queues are connections).
import { type Clock } from '../media/index.js';
import { CQE_SIZE, DOORBELL_BASE, GenericStatus, SCT, SQE_SIZE, status } from '../spec/index.js';
import { AsyncEventType } from './async-events.js';
import { DEFERRED } from './command.js';
import type { Controller, QueueAdmin } from './controller.js';
import { HostDataMover } from './data-pointer.js';
import type { HostMemory } from './host-memory.js';
import { SqeView } from './sqe-view.js';
import { S } from './statuses.js';

const PRP_OFFSET_INVALID = status(SCT.GENERIC, GenericStatus.PRP_OFFSET_INVALID, { dnr: true });

/** Asynchronous event information for error events (type 0). */
const ErrorEventInfo = { INVALID_DOORBELL_REGISTER: 0x00, INVALID_DOORBELL_VALUE: 0x01 } as const;
const ERROR_LOG_PAGE = 0x01;

interface Sq {
  readonly qid: number;
  readonly entries: number;
  readonly base: number;
  readonly cq: Cq;
  head: number;
  tail: number;
  /** CIDs the host aborted before the controller fetched them. */
  readonly aborted: Set<number>;
}

interface Cq {
  readonly qid: number;
  readonly entries: number;
  readonly base: number;
  readonly interrupts: boolean;
  readonly vector: number;
  head: number;
  tail: number;
  phase: 0 | 1;
  readonly sqs: Set<number>;
  /** Completions waiting for room (the host has not moved the head). */
  readonly backlog: Completion[];
  /** Entries posted since the last interrupt. */
  fresh: number;
}

interface Completion {
  sqid: number;
  cid: number;
  status: number;
  dw0: number;
  dw1: number;
  due: number;
}

export interface QueueEngineOptions {
  readonly memory: HostMemory;
  /** Raised after completions were posted to a completion queue with interrupts enabled. */
  readonly onInterrupt: (vector: number) => void;
  readonly clock?: Clock;
  /** Doorbell stride (CAP.DSTRD): doorbells are 4 << dstrd bytes apart. */
  readonly dstrd?: number;
}

export class QueueEngine implements QueueAdmin {
  private readonly sqs = new Map<number, Sq>();
  private readonly cqs = new Map<number, Cq>();
  private readonly timed: Completion[] = [];
  private readonly sqe = new SqeView();
  private readonly entry = new Uint8Array(SQE_SIZE);
  private readonly cqe = new Uint8Array(CQE_SIZE);
  private readonly cqeView = new DataView(this.cqe.buffer);
  private readonly memory: HostMemory;
  private readonly clock: Clock;
  private readonly stride: number;
  private mover: HostDataMover;
  /** SQ ids in arbitration order (admin first, then I/O by id). */
  private order: Sq[] = [];

  constructor(
    readonly ctrl: Controller,
    private readonly options: QueueEngineOptions,
  ) {
    this.memory = options.memory;
    this.clock = options.clock ?? ctrl.clock;
    this.stride = 4 << (options.dstrd ?? 0);
    this.mover = this.newMover(4096);
    ctrl.queues = this;
    ctrl.transportHooks = { enable: () => this.enableAdmin(), reset: () => this.resetQueues() };
    ctrl.onDeferredComplete = (sqid, cid, st, dw0, dw1) => this.complete(sqid, cid, st, dw0, dw1, this.clock.now());
  }

  /** BAR0 size: registers, then a doorbell pair per queue. */
  get barSize(): number {
    return DOORBELL_BASE + 2 * (this.ctrl.config.maxIoQueues + 1) * this.stride;
  }

  // ---- MMIO ----

  read32(offset: number): number {
    if (offset >= DOORBELL_BASE) return 0; // doorbells read as zero
    return Number(this.ctrl.registers.read(offset, 4) ?? 0n);
  }

  read64(offset: number): bigint {
    return this.ctrl.registers.read(offset, 8) ?? 0n;
  }

  write32(offset: number, value: number): void {
    if (offset >= DOORBELL_BASE) this.doorbell(offset, value >>> 0);
    else this.ctrl.registers.write(offset, 4, BigInt(value >>> 0));
  }

  write64(offset: number, value: bigint): void {
    this.ctrl.registers.write(offset, 8, value);
  }

  private doorbell(offset: number, value: number): void {
    const index = Math.floor((offset - DOORBELL_BASE) / this.stride);
    const qid = index >> 1;
    const isCq = (index & 1) === 1;
    if (!this.ctrl.registers.enabled) return;
    const q = isCq ? this.cqs.get(qid) : this.sqs.get(qid);
    if (q === undefined || (offset - DOORBELL_BASE) % this.stride !== 0) {
      this.ctrl.events.post({ type: AsyncEventType.ERROR, info: ErrorEventInfo.INVALID_DOORBELL_REGISTER, logPage: ERROR_LOG_PAGE });
      return;
    }
    if (value >= q.entries) {
      this.ctrl.events.post({ type: AsyncEventType.ERROR, info: ErrorEventInfo.INVALID_DOORBELL_VALUE, logPage: ERROR_LOG_PAGE });
      return;
    }
    if (isCq) {
      (q as Cq).head = value;
      this.drainBacklog(q as Cq);
    } else {
      (q as Sq).tail = value;
    }
  }

  // ---- processing ----

  /**
   * Fetches and executes submitted commands round robin (up to the arbitration burst per queue
   * per round) and posts the completions that are due. Returns how many commands ran.
   */
  process(budget = Infinity): number {
    let ran = 0;
    const burst = 2 ** (this.ctrl.features.get(0x01) & 0x7);
    let progress = true;
    while (progress && ran < budget) {
      progress = false;
      for (const sq of this.order) {
        for (let k = 0; k < burst && sq.head !== sq.tail && ran < budget; k++) {
          this.runOne(sq);
          ran++;
          progress = true;
        }
      }
    }
    this.postDue(this.clock.now());
    this.raiseInterrupts();
    return ran;
  }

  /** Emulated time of the next completion still waiting for its time, if any. */
  nextDue(): number | undefined {
    let t: number | undefined;
    for (const c of this.timed) if (t === undefined || c.due < t) t = c.due;
    return t;
  }

  /** Posts completions whose time has come (call when the clock moved). */
  postDue(now: number): void {
    if (this.timed.length === 0) return;
    this.timed.sort((a, b) => a.due - b.due);
    let n = 0;
    while (n < this.timed.length && this.timed[n]!.due <= now) n++;
    for (const c of this.timed.splice(0, n)) this.post(c);
    this.raiseInterrupts();
  }

  /** True when a doorbell left commands to run or completions wait for room or time. */
  get busy(): boolean {
    for (const sq of this.order) if (sq.head !== sq.tail) return true;
    return this.timed.length > 0;
  }

  private runOne(sq: Sq): void {
    if (!this.memory.read(sq.base + sq.head * SQE_SIZE, this.entry, 0, SQE_SIZE)) {
      // The host unmapped its own queue: nothing sane to complete; drop the entry.
      sq.head = (sq.head + 1) % sq.entries;
      return;
    }
    sq.head = (sq.head + 1) % sq.entries;
    const sqe = this.sqe.attach(this.entry);
    const cid = sqe.cid;
    if (sq.aborted.delete(cid)) {
      this.complete(sq.qid, cid, S.ABORT_REQUESTED, 0, 0, this.clock.now());
      return;
    }
    const st = this.ctrl.execute(sq.qid, sqe, this.mover);
    if (st === DEFERRED) return;
    const r = this.ctrl.lastResult;
    // Timing off (or a handler that took no time): post at once without reading the clock again.
    if (r.completesAt <= this.ctrl.lastStartedAt) this.postNow(sq, cid, st, r.dw0, r.dw1);
    else this.complete(sq.qid, cid, st, r.dw0, r.dw1, r.completesAt);
  }

  private complete(sqid: number, cid: number, st: number, dw0: number, dw1: number, due: number): void {
    const c: Completion = { sqid, cid, status: st, dw0, dw1, due };
    if (due > this.clock.now()) this.timed.push(c);
    else this.post(c);
  }

  private post(c: Completion): void {
    const sq = this.sqs.get(c.sqid);
    if (sq === undefined) return; // its queue was deleted meanwhile
    this.postNow(sq, c.cid, c.status, c.dw0, c.dw1);
  }

  /** Posts a completion that is due, allocating only when the CQ is full and it must wait. */
  private postNow(sq: Sq, cid: number, status: number, dw0: number, dw1: number): void {
    const cq = sq.cq;
    if (cq.backlog.length > 0 || (cq.tail + 1) % cq.entries === cq.head) {
      cq.backlog.push({ sqid: sq.qid, cid, status, dw0, dw1, due: 0 });
      return;
    }
    this.write(cq, sq, cid, status, dw0, dw1);
  }

  private write(cq: Cq, sq: Sq, cid: number, status: number, dw0: number, dw1: number): void {
    const v = this.cqeView;
    v.setUint32(0, dw0 >>> 0, true);
    v.setUint32(4, dw1 >>> 0, true);
    v.setUint16(8, sq.head, true);
    v.setUint16(10, sq.qid, true);
    v.setUint16(12, cid, true);
    v.setUint16(14, ((status & 0x7fff) << 1) | cq.phase, true);
    this.memory.write(cq.base + cq.tail * CQE_SIZE, this.cqe, 0, CQE_SIZE);
    cq.tail++;
    if (cq.tail === cq.entries) {
      cq.tail = 0;
      cq.phase = cq.phase === 1 ? 0 : 1;
    }
    cq.fresh++;
  }

  private drainBacklog(cq: Cq): void {
    while (cq.backlog.length > 0 && (cq.tail + 1) % cq.entries !== cq.head) {
      const c = cq.backlog.shift()!;
      const sq = this.sqs.get(c.sqid);
      if (sq !== undefined) this.write(cq, sq, c.cid, c.status, c.dw0, c.dw1);
    }
    this.raiseInterrupts();
  }

  private raiseInterrupts(): void {
    for (const cq of this.cqs.values()) {
      if (cq.fresh === 0) continue;
      cq.fresh = 0;
      if (cq.interrupts) this.options.onInterrupt(cq.vector);
    }
  }

  // ---- queue administration ----

  private pageAligned(base: number): boolean {
    return base % this.ctrl.registers.pageSize === 0;
  }

  createCq(qid: number, entries: number, base: number, contiguous: boolean, interrupts: boolean, vector: number): number {
    if (qid === 0 || qid > this.ctrl.config.maxIoQueues || this.cqs.has(qid)) return S.INVALID_QID;
    if (entries < 2 || entries > this.ctrl.config.mqes + 1) return S.INVALID_QUEUE_SIZE;
    if (!contiguous || base === 0) return S.INVALID_FIELD;
    if (!this.pageAligned(base)) return PRP_OFFSET_INVALID;
    if (interrupts && vector > this.ctrl.config.maxIoQueues) return S.INVALID_INTERRUPT_VECTOR;
    this.cqs.set(qid, { qid, entries, base, interrupts, vector, head: 0, tail: 0, phase: 1, sqs: new Set(), backlog: [], fresh: 0 });
    return 0;
  }

  createSq(qid: number, entries: number, base: number, contiguous: boolean, cqid: number): number {
    if (qid === 0 || qid > this.ctrl.config.maxIoQueues || this.sqs.has(qid)) return S.INVALID_QID;
    const cq = cqid === 0 ? undefined : this.cqs.get(cqid);
    if (cq === undefined) return S.INVALID_CQ;
    if (entries < 2 || entries > this.ctrl.config.mqes + 1) return S.INVALID_QUEUE_SIZE;
    if (!contiguous || base === 0) return S.INVALID_FIELD;
    if (!this.pageAligned(base)) return PRP_OFFSET_INVALID;
    this.addSq({ qid, entries, base, cq, head: 0, tail: 0, aborted: new Set() });
    return 0;
  }

  deleteSq(qid: number): number {
    const sq = qid === 0 ? undefined : this.sqs.get(qid);
    if (sq === undefined) return S.INVALID_QID;
    // Completions still waiting for their time are posted now, as aborted by the deletion.
    for (let i = this.timed.length - 1; i >= 0; i--) {
      const c = this.timed[i]!;
      if (c.sqid !== qid) continue;
      this.timed.splice(i, 1);
      c.status = S.ABORTED_SQ_DELETION;
      this.post(c);
    }
    this.sqs.delete(qid);
    sq.cq.sqs.delete(qid);
    this.order = this.order.filter((s) => s !== sq);
    return 0;
  }

  deleteCq(qid: number): number {
    const cq = qid === 0 ? undefined : this.cqs.get(qid);
    if (cq === undefined) return S.INVALID_QID;
    if (cq.sqs.size > 0) return S.INVALID_QUEUE_DELETION;
    this.cqs.delete(qid);
    return 0;
  }

  abort(sqid: number, cid: number): boolean {
    const sq = this.sqs.get(sqid);
    if (sq === undefined) return false;
    // Only a command still in the ring can be aborted; look for its CID between head and tail.
    for (let i = sq.head; i !== sq.tail; i = (i + 1) % sq.entries) {
      if (!this.memory.read(sq.base + i * SQE_SIZE, this.entry, 0, SQE_SIZE)) return false;
      if ((this.entry[2]! | (this.entry[3]! << 8)) === cid) {
        sq.aborted.add(cid);
        return true;
      }
    }
    return false;
  }

  /** Queue state for diagnostics and tests. */
  describeQueues(): { sq: { qid: number; entries: number; head: number; tail: number; cqid: number }[]; cq: { qid: number; entries: number; head: number; tail: number; phase: number; backlog: number }[] } {
    return {
      sq: [...this.sqs.values()].map((s) => ({ qid: s.qid, entries: s.entries, head: s.head, tail: s.tail, cqid: s.cq.qid })),
      cq: [...this.cqs.values()].map((c) => ({ qid: c.qid, entries: c.entries, head: c.head, tail: c.tail, phase: c.phase, backlog: c.backlog.length })),
    };
  }

  private addSq(sq: Sq): void {
    this.sqs.set(sq.qid, sq);
    sq.cq.sqs.add(sq.qid);
    this.order = [...this.sqs.values()].sort((a, b) => a.qid - b.qid);
  }

  private newMover(pageSize: number): HostDataMover {
    return new HostDataMover({ memory: this.memory, pageSize, maxTransfer: this.ctrl.maxTransfer, sglSupported: this.ctrl.config.sgl });
  }

  /** CC.EN 0 -> 1: the admin queue pair from AQA/ASQ/ACQ. */
  private enableAdmin(): boolean {
    const reg = this.ctrl.registers;
    this.resetQueues();
    const sqEntries = reg.adminSqEntries;
    const cqEntries = reg.adminCqEntries;
    if (sqEntries < 2 || cqEntries < 2 || reg.asq === 0 || reg.acq === 0) return false;
    this.mover = this.newMover(reg.pageSize);
    const cq: Cq = { qid: 0, entries: cqEntries, base: reg.acq, interrupts: true, vector: 0, head: 0, tail: 0, phase: 1, sqs: new Set(), backlog: [], fresh: 0 };
    this.cqs.set(0, cq);
    this.addSq({ qid: 0, entries: sqEntries, base: reg.asq, cq, head: 0, tail: 0, aborted: new Set() });
    return true;
  }

  /** Controller reset: every queue and every pending completion is gone. */
  private resetQueues(): void {
    this.sqs.clear();
    this.cqs.clear();
    this.order = [];
    this.timed.length = 0;
  }
}
