// One submission/completion queue pair in host memory, host side: the rings, the CID slots,
// back-pressure, and reaping by phase tag. A queue of N entries holds N-1 commands, so at most
// N-1 CIDs are handed out: the SQ can never overrun, and a submitter beyond that waits (FIFO)
// for a completion to free a slot.
import { CQE_SIZE, SQE_SIZE } from '../spec/index.js';
import type { DmaAllocator, DmaBuffer, PciTransport } from '../transport/index.js';
import type { Completion } from './initiator.js';

/** Per-command state, preallocated: index = CID. */
export class CommandSlot {
  busy = false;
  /** The command gave up waiting (timeout): its completion, if it comes, only frees the slot. */
  abandoned = false;
  startedAt = 0;
  opc = 0;
  resolve: (c: Completion) => void = noop;
  reject: (e: Error) => void = noop;
  /** PRP list pages, kept for reuse by the next command on this slot. */
  prpList: DmaBuffer | undefined;
  prpView: DataView | undefined;

  constructor(readonly cid: number) {}
}

const noop = (): void => {};

export class QueuePair {
  readonly sq: DmaBuffer;
  readonly cq: DmaBuffer;
  /** The SQ ring, for writing entries in place. */
  readonly sqView: DataView;
  private readonly cqView: DataView;
  private readonly cqWords: Int32Array;
  private readonly slots: CommandSlot[];
  private readonly freeCids: number[] = [];
  private readonly waiters: { resolve: (slot: CommandSlot) => void; reject: (e: Error) => void }[] = [];
  private tail = 0;
  private cqHead = 0;
  private phase = 1;
  /** The controller's SQ head, from the last completion. */
  sqHead = 0;
  outstanding = 0;

  constructor(
    readonly qid: number,
    readonly depth: number,
    readonly vector: number,
    private readonly memory: DmaAllocator,
    private readonly transport: PciTransport,
    private readonly sqDoorbell: number,
    private readonly cqDoorbell: number,
    pageSize: number,
  ) {
    this.sq = memory.allocate(depth * SQE_SIZE, pageSize);
    try {
      this.cq = memory.allocate(depth * CQE_SIZE, pageSize);
    } catch (e) {
      memory.free(this.sq);
      throw e;
    }
    this.sqView = new DataView(this.sq.bytes.buffer, this.sq.bytes.byteOffset, this.sq.bytes.byteLength);
    this.cqView = new DataView(this.cq.bytes.buffer, this.cq.bytes.byteOffset, this.cq.bytes.byteLength);
    this.cqWords = new Int32Array(this.cq.bytes.buffer, this.cq.bytes.byteOffset, this.cq.bytes.byteLength >> 2);
    this.slots = Array.from({ length: depth - 1 }, (_, cid) => new CommandSlot(cid));
    for (let cid = depth - 2; cid >= 0; cid--) this.freeCids.push(cid);
  }

  /** A free slot now, or undefined (then use waitSlot). */
  tryAcquire(): CommandSlot | undefined {
    const cid = this.freeCids.pop();
    if (cid === undefined) return undefined;
    const slot = this.slots[cid]!;
    slot.busy = true;
    this.outstanding++;
    return slot;
  }

  /** Resolves with a slot as soon as one is free, in arrival order. */
  waitSlot(): Promise<CommandSlot> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Byte offset in the SQ ring of the entry the next post() submits. */
  get entryOffset(): number {
    return this.tail * SQE_SIZE;
  }

  /** Submits the entry at entryOffset (CID already written) and rings the SQ tail doorbell. */
  post(slot: CommandSlot, opc: number): Promise<Completion> {
    const p = new Promise<Completion>((resolve, reject) => {
      slot.resolve = resolve;
      slot.reject = reject;
    });
    slot.opc = opc;
    slot.abandoned = false;
    slot.startedAt = performance.now();
    this.tail = this.tail + 1 === this.depth ? 0 : this.tail + 1;
    try {
      this.transport.ringDoorbell(this.sqDoorbell, this.tail);
    } catch (e) {
      this.release(slot);
      slot.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return p;
  }

  /** Gives an acquired slot back without submitting (the entry could not be built). */
  release(slot: CommandSlot): void {
    slot.busy = false;
    slot.resolve = noop;
    slot.reject = noop;
    this.outstanding--;
    const next = this.waiters.shift();
    if (next !== undefined) {
      slot.busy = true;
      this.outstanding++;
      next.resolve(slot);
    } else {
      this.freeCids.push(slot.cid);
    }
  }

  /** Consumes every new completion (phase tag matches), then writes the CQ head doorbell. */
  reap(): number {
    let n = 0;
    const words = this.cqWords;
    const view = this.cqView;
    for (;;) {
      const off = this.cqHead * CQE_SIZE;
      // Dword 3 (CID, status with phase) first, atomically: it is the device's release store.
      const dw3 = Atomics.load(words, (off + 12) >> 2);
      if (((dw3 >>> 16) & 1) !== this.phase) break;
      const cid = dw3 & 0xffff;
      const status = (dw3 >>> 17) & 0x7fff;
      const c: Completion = { status, dw0: view.getUint32(off, true), dw1: view.getUint32(off + 4, true), sqhd: view.getUint16(off + 8, true) };
      this.sqHead = c.sqhd;
      if (++this.cqHead === this.depth) {
        this.cqHead = 0;
        this.phase ^= 1;
      }
      n++;
      const slot = this.slots[cid];
      if (slot === undefined || !slot.busy) continue; // not ours (a CID we never issued): ignore
      const resolve = slot.resolve;
      const abandoned = slot.abandoned;
      this.release(slot);
      if (!abandoned) resolve(c);
    }
    if (n > 0) this.transport.ringDoorbell(this.cqDoorbell, this.cqHead);
    return n;
  }

  /** Rejects every outstanding command (reset, shutdown, transport failure). */
  failAll(error: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
    for (const slot of this.slots) {
      if (!slot.busy) continue;
      const reject = slot.reject;
      const abandoned = slot.abandoned;
      this.release(slot);
      if (!abandoned) reject(error);
    }
  }

  /**
   * Commands older than `ms` (0 = never) are rejected now; their slots stay taken until a
   * completion or a reset. Returns how many commands are still waited for.
   */
  expire(now: number, ms: number, make: (slot: CommandSlot) => Error): number {
    let live = 0;
    for (const slot of this.slots) {
      if (!slot.busy || slot.abandoned) continue;
      if (ms > 0 && now - slot.startedAt >= ms) {
        slot.abandoned = true;
        slot.reject(make(slot));
      } else {
        live++;
      }
    }
    return live + this.waiters.length;
  }

  /** Frees the cached PRP lists of idle slots (memory is short); returns how many. */
  trimPrpLists(): number {
    let n = 0;
    for (const slot of this.slots) {
      if (slot.busy || slot.prpList === undefined) continue;
      this.memory.free(slot.prpList);
      slot.prpList = undefined;
      slot.prpView = undefined;
      n++;
    }
    return n;
  }

  /** Frees the rings and PRP lists (after the controller forgot the queue). */
  dispose(): void {
    for (const slot of this.slots) {
      if (slot.prpList !== undefined) this.memory.free(slot.prpList);
      slot.prpList = undefined;
      slot.prpView = undefined;
    }
    this.memory.free(this.sq);
    this.memory.free(this.cq);
  }
}
