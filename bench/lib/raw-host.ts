// A bare PCIe-like host for the fuzzer and the benchmarks: it owns every byte of every submission entry (CID, PSDT,
// PRPs, SGL descriptors) and drives the controller's real queue engine through its registers,
// doorbells and rings in host memory — what the host library does, minus every check the
// library would make on the fuzzer's behalf.
import { CC, CQE_SIZE, DOORBELL_BASE, REGISTERS, SQE_SIZE, packBits } from '../../src/spec/index.js';
import { ADMIN_COMMANDS, Controller, NVM_IO, QueueEngine, RegionHostMemory, type CommandSet, type ControllerConfig, type HostMemory, type Namespace } from '../../src/controller/index.js';

/** Data buffers: far above any small random number. */
export const MEMORY_BASE = 0x10_0000_0000;
export const MEMORY_BYTES = 16 << 20;
/** Pointers the fuzzer hands out fall in [DATA_AT, DATA_AT + DATA_BYTES). */
export const DATA_AT = MEMORY_BASE + (1 << 20);
export const DATA_BYTES = 8 << 20;
/**
 * The rings live in a region of their own, far from the data: a fuzzed pointer (a boundary
 * value in one dword, a flipped bit) then never lands in them, as a sane host never points
 * DMA at its own queues.
 */
const RING_BASE = 0x7f00_0000_0000;
const ADMIN_SQ = RING_BASE;
const ADMIN_CQ = RING_BASE + 0x4000;
const IO_SQ = RING_BASE + 0x10000;
const IO_CQ = RING_BASE + 0x30000;
const RING_BYTES = 0x40000;
export const QUEUE_ENTRIES = 64;

/** Two regions of host memory: data buffers and queue rings. */
class SplitHostMemory implements HostMemory {
  constructor(
    private readonly data: RegionHostMemory,
    private readonly rings: RegionHostMemory,
  ) {}
  read(addr: number, dst: Uint8Array, dstOff: number, len: number): boolean {
    return (addr >= RING_BASE ? this.rings : this.data).read(addr, dst, dstOff, len);
  }
  write(addr: number, src: Uint8Array, srcOff: number, len: number): boolean {
    return (addr >= RING_BASE ? this.rings : this.data).write(addr, src, srcOff, len);
  }
}

interface Ring {
  readonly sq: number;
  readonly cq: number;
  tail: number;
  head: number;
  phase: number;
}

export interface Completion {
  readonly cid: number;
  readonly status: number;
  readonly sqhd: number;
}

export interface RawHostOptions {
  readonly config?: Partial<ControllerConfig>;
  /** The namespaces to attach (built by the caller over its own store). */
  readonly namespaces: readonly Namespace[];
  /** Admin command sets (default: the base admin set); a personality adds its extension. */
  readonly admin?: readonly CommandSet<Controller>[];
}

/**
 * A controller with the admin and NVM command sets over host memory the caller owns, and the
 * namespaces it is given. Bugs (handlers that threw) are collected, not printed.
 */
export class RawHost {
  /** The data region, at MEMORY_BASE. */
  readonly bytes = new Uint8Array(MEMORY_BYTES);
  private readonly ringBytes = new Uint8Array(RING_BYTES);
  readonly memory = new SplitHostMemory(new RegionHostMemory(this.bytes, MEMORY_BASE), new RegionHostMemory(this.ringBytes, RING_BASE));
  readonly bugs: string[] = [];
  readonly ctrl: Controller;
  readonly engine: QueueEngine;
  private readonly rings = new Map<number, Ring>();
  private readonly dv = new DataView(this.ringBytes.buffer);

  constructor(options: RawHostOptions) {
    this.ctrl = new Controller({ admin: options.admin ?? [ADMIN_COMMANDS], io: NVM_IO, config: { mdts: 8, maxIoQueues: 15, mqes: 1023, ...options.config }, log: (m) => this.bugs.push(m) });
    for (const ns of options.namespaces) this.ctrl.attachNamespace(ns);
    this.engine = new QueueEngine(this.ctrl, { memory: this.memory, onInterrupt: () => {} });
  }

  private off(addr: number): number {
    return addr - RING_BASE;
  }

  /** CC.EN = 1 with the admin queue set up; true when CSTS.RDY came up. */
  enable(): boolean {
    this.rings.clear();
    this.ringBytes.fill(0);
    const e = this.engine;
    e.write32(REGISTERS.offset.aqa, ((QUEUE_ENTRIES - 1) | ((QUEUE_ENTRIES - 1) << 16)) >>> 0);
    e.write64(REGISTERS.offset.asq, BigInt(ADMIN_SQ));
    e.write64(REGISTERS.offset.acq, BigInt(ADMIN_CQ));
    e.write32(REGISTERS.offset.cc, packBits(CC, { en: 1, iosqes: 6, iocqes: 4 }));
    e.process();
    this.rings.set(0, { sq: ADMIN_SQ, cq: ADMIN_CQ, tail: 0, head: 0, phase: 1 });
    return (e.read32(REGISTERS.offset.csts) & 1) === 1;
  }

  /** CC.EN = 0: the controller drops every queue and outstanding command. */
  disable(): void {
    this.engine.write32(REGISTERS.offset.cc, 0);
    this.engine.process();
    this.rings.clear();
  }

  /** Creates I/O CQ and SQ 1 through the admin queue; true on success. */
  createIoQueue(): boolean {
    const cq = new Uint8Array(SQE_SIZE);
    const sq = new Uint8Array(SQE_SIZE);
    const dw = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer).setUint32(at, v >>> 0, true);
    cq[0] = 0x05;
    new DataView(cq.buffer).setBigUint64(24, BigInt(IO_CQ), true);
    dw(cq, 40, 1 | ((QUEUE_ENTRIES - 1) << 16));
    dw(cq, 44, 1); // physically contiguous, interrupts off
    sq[0] = 0x01;
    new DataView(sq.buffer).setBigUint64(24, BigInt(IO_SQ), true);
    dw(sq, 40, 1 | ((QUEUE_ENTRIES - 1) << 16));
    dw(sq, 44, 1 | (1 << 16)); // contiguous, CQ 1
    for (const cmd of [cq, sq]) {
      this.submit(0, cmd, 0xfff0);
      this.engine.process();
      const done = this.reap(0);
      if (done.length !== 1 || done[0]!.status !== 0) return false;
    }
    this.rings.set(1, { sq: IO_SQ, cq: IO_CQ, tail: 0, head: 0, phase: 1 });
    return true;
  }

  /** Copies `sqe` into queue `qid`'s next slot with `cid`, and rings the tail doorbell unless `ring` is false. */
  submit(qid: number, sqe: Uint8Array, cid: number, ring = true): void {
    const r = this.rings.get(qid)!;
    const at = this.off(r.sq) + r.tail * SQE_SIZE;
    this.ringBytes.set(sqe, at);
    this.dv.setUint16(at + 2, cid, true);
    r.tail = (r.tail + 1) % QUEUE_ENTRIES;
    if (ring) this.ring(qid);
  }

  /** Writes queue `qid`'s SQ tail doorbell. */
  ring(qid: number): void {
    this.engine.write32(DOORBELL_BASE + 8 * qid, this.rings.get(qid)!.tail);
  }

  /** Counts new completions of queue `qid` without decoding them (benchmarks); -1 if one failed. */
  reapCount(qid: number): number {
    const r = this.rings.get(qid)!;
    let n = 0;
    let failed = false;
    for (;;) {
      const at = this.off(r.cq) + r.head * CQE_SIZE;
      const sf = this.dv.getUint16(at + 14, true);
      if ((sf & 1) !== r.phase) break;
      if (sf >>> 1 !== 0) failed = true;
      n++;
      r.head = (r.head + 1) % QUEUE_ENTRIES;
      if (r.head === 0) r.phase ^= 1;
    }
    if (n > 0) this.engine.write32(DOORBELL_BASE + 8 * qid + 4, r.head);
    return failed ? -1 : n;
  }

  /** New completions of queue `qid` (phase tag), with the CQ head doorbell written after them. */
  reap(qid: number): Completion[] {
    const r = this.rings.get(qid);
    if (r === undefined) return [];
    const out: Completion[] = [];
    for (;;) {
      const at = this.off(r.cq) + r.head * CQE_SIZE;
      const sf = this.dv.getUint16(at + 14, true);
      if ((sf & 1) !== r.phase) break;
      out.push({ cid: this.dv.getUint16(at + 12, true), status: sf >>> 1, sqhd: this.dv.getUint16(at + 8, true) });
      r.head = (r.head + 1) % QUEUE_ENTRIES;
      if (r.head === 0) r.phase ^= 1;
    }
    if (out.length > 0) this.engine.write32(DOORBELL_BASE + 8 * qid + 4, r.head);
    return out;
  }

  close(): void {
    this.ctrl.close();
  }
}
