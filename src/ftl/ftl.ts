// The pblk-like FTL of one target: a full L2P at 4 KiB, the host write buffer, the writer that
// stripes ws_opt units over the open line's chunks, line metadata, and GC with a rate limit.
// Recovery and target creation live in target.ts; this file is the running FTL.
//
// The L2P holds, per LBA, UNMAPPED, CACHE | slot (the data is in the write buffer), or a
// target-physical address (paddr, see line-layout.ts). vsc[line] counts the L2P entries that
// point into the line: the valid sectors GC has to move.
import { ChunkIoStatus, type ChunkDevice, type VectorResult, deviceAddress } from './chunk-device.js';
import { type SpaceLimits, type SpaceState, floorHolds, limitsFor, userHeldBack, userRoom, victimFits, worthMoving } from './admission.js';
import { type GcPolicyName, pickVictim, type VictimCandidate } from './gc-policy.js';
import { LineLayout, devAddr, type TargetShape } from './line-layout.js';
import { LineEvent, LineState, nextLineState } from './line-state.js';
import { resetLineChunks } from './chunk-reset.js';
import { NO_LBA, OOB_LBA, OOB_SEQ, encodeEmeta, encodeSmeta, fillNoLbaOob } from './meta-format.js';
import { readEmeta, scanOob } from './line-scan.js';
import { Signal } from './signal.js';
import { FtlIoError, FtlNoSpaceError, type FtlStats, type FtlTuning, type LineInfo, type TargetInfo } from './ftl-types.js';
import { UnitStages } from './unit-stage.js';
import { WriteBuffer } from './write-buffer.js';

export const UNMAPPED = 0xffffffff;
export const CACHE = 0x80000000;
const isMedia = (v: number): boolean => v < CACHE;

export class Ftl {
  readonly l2p: Uint32Array;
  readonly vsc: Int32Array;
  readonly readers: Int32Array;
  readonly lines: LineInfo[];
  /** 1 per (line * nPus + pu) whose chunk is offline or failed. */
  readonly chunkBad: Uint8Array;
  readonly buf: WriteBuffer;
  readonly stats: FtlStats = { userSectors: 0, gcSectors: 0, padSectors: 0, metaSectors: 0, mediaSectors: 0, droppedSectors: 0, gcLines: 0, programFailures: 0, eraseFailures: 0, lostSectors: 0 };
  readonly freeQueue: number[] = [];
  gcPolicy: GcPolicyName;
  nextSeq = 1;
  private readonly signal = new Signal();
  private open: LineInfo | undefined;
  private flushWaiting = 0;
  private closing = false;
  private failure: Error | undefined;
  private writerDone: Promise<void> | undefined;
  private gcDone: Promise<void> | undefined;
  private resetDone: Promise<void> | undefined;
  private readonly chunkBusy: (Promise<void> | undefined)[];
  private readonly stages: UnitStages;
  private readonly gcStart: number;
  private readonly gcSlotReserve: number;
  private readonly lineSpan: number;
  private readonly fullLineSectors: number;
  /** Write unit, recovery padding and reserve for the admission rules (admission.ts). */
  private readonly limits: SpaceLimits;
  private gcVictim = -1;
  /** Lines GC could not empty (unreadable metadata and data); not picked again. */
  private readonly gcGaveUp = new Set<number>();
  /** GC victims emptied, waiting for their moved data to be written before the reset. */
  private readonly pendingResets: { line: LineInfo }[] = [];
  /** Per line: GC-moved sectors of it still waiting in the buffer (its reset waits for 0). */
  private readonly movesLeft: Int32Array;
  /** GC has nothing else to do but wait for moved data: the writer pads a partial unit. */
  private gcWantsPad = false;
  /** User writes waiting for room: they wake GC, however many lines are free. */
  private userWaiting = 0;
  private resetting = 0;

  constructor(
    readonly dev: ChunkDevice,
    readonly shape: TargetShape,
    readonly info: TargetInfo,
    tuning: FtlTuning = {},
  ) {
    const g = dev.geometry;
    this.l2p = new Uint32Array(info.capacity).fill(UNMAPPED);
    this.vsc = new Int32Array(shape.lines);
    this.readers = new Int32Array(shape.lines);
    this.movesLeft = new Int32Array(shape.lines);
    this.chunkBad = new Uint8Array(shape.lines * shape.nPus);
    this.lines = Array.from({ length: shape.lines }, (_, id) => ({ id, state: LineState.FREE as LineState, seq: 0, layout: undefined, lbas: undefined, nextUnit: 0, failed: new Uint8Array(0), pinned: [], inflight: new Set(), resumeWp: undefined }));
    const slots = tuning.bufferSectors ?? Math.max(256, shape.nPus * (4 * shape.unit + g.mwCunits));
    this.buf = new WriteBuffer(slots);
    this.gcPolicy = tuning.gcPolicy ?? 'greedy';
    this.gcStart = tuning.gcStartLines ?? 1;
    this.gcSlotReserve = Math.min(Math.floor(slots / 4), 2 * shape.unit);
    this.chunkBusy = new Array(shape.nPus).fill(undefined);
    this.stages = new UnitStages(shape.unit, g.oobSize);
    this.lineSpan = shape.nPus * shape.clba;
    this.limits = limitsFor(shape.nPus, shape.unit, g.mwCunits);
    this.fullLineSectors = new LineLayout(shape, 0, Array.from({ length: shape.nPus }, (_, i) => i)).dataSectors;
  }

  get capacity(): number {
    return this.info.capacity;
  }

  get freeLines(): number {
    return this.freeQueue.length;
  }

  /** Writes the first line's smeta (a new target is on the media before its first write). */
  async openFirstLine(): Promise<void> {
    while (!this.open && this.freeQueue.length > 0) await this.openLine();
    if (!this.open) throw new FtlIoError(`${this.info.name}: could not write the first line's smeta`);
  }

  /** Starts the writer and GC loops (after recovery or formatting). */
  start(): void {
    this.writerDone = this.writerLoop().catch((e: unknown) => this.fail(e));
    this.gcDone = this.gcLoop().catch((e: unknown) => this.fail(e));
    this.resetDone = this.resetLoop().catch((e: unknown) => this.fail(e));
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
    this.signal.notify();
  }

  private check(): void {
    if (this.failure) throw new FtlIoError(`${this.info.name}: the FTL stopped after a device error: ${this.failure.message}`);
    if (this.closing) throw new FtlIoError(`${this.info.name}: the target is closed`);
  }

  // ---- L2P ----

  setL2p(lba: number, v: number): void {
    const old = this.l2p[lba]!;
    if (isMedia(old)) this.vsc[Math.floor(old / this.lineSpan)]!--;
    this.l2p[lba] = v;
    if (isMedia(v)) this.vsc[Math.floor(v / this.lineSpan)]!++;
  }

  private current(s: number): boolean {
    return this.l2p[this.buf.lba[s]!] === (CACHE | s) >>> 0;
  }

  // ---- user I/O ----

  async readBlocks(lba: number, count: number, into: Uint8Array): Promise<void> {
    this.check();
    const max = this.dev.geometry.maxVector;
    const addrs = new Float64Array(max);
    const dest = new Int32Array(max);
    const lines = new Int32Array(max);
    let n = 0;
    let stage: Uint8Array | undefined;
    const issue = async (): Promise<void> => {
      stage ??= new Uint8Array(max * 4096);
      let r: VectorResult;
      try {
        r = await this.dev.read(addrs, n, stage);
      } finally {
        for (let i = 0; i < n; i++) this.readers[lines[i]!]!--;
        if (this.pendingResets.length > 0) this.signal.notify(); // a victim may wait for its readers
      }
      if (r.status !== ChunkIoStatus.OK && r.status !== ChunkIoStatus.HIGH_ECC) throw new FtlIoError(`${this.info.name}: read of LBA ${lba}+${count} failed: media ${r.status}`);
      for (let i = 0; i < n; i++) into.set(stage.subarray(i * 4096, i * 4096 + 4096), dest[i]! * 4096);
      n = 0;
    };
    for (let i = 0; i < count; i++) {
      const v = this.l2p[lba + i]!;
      if (v === UNMAPPED) into.fill(0, i * 4096, i * 4096 + 4096);
      else if (!isMedia(v)) into.set(this.buf.slotData(v & 0x7fffffff), i * 4096);
      else {
        const line = Math.floor(v / this.lineSpan);
        this.readers[line]!++;
        addrs[n] = devAddr(this.shape, v);
        dest[n] = i;
        lines[n] = line;
        n++;
        if (n === max) await issue();
      }
    }
    if (n > 0) await issue();
  }

  async writeBlocks(lba: number, count: number, data: Uint8Array): Promise<void> {
    for (let i = 0; i < count; i++) {
      // The check and the fill run in one synchronous stretch, so GC cannot take the slot between.
      const gc0 = this.stats.gcLines;
      while (!this.canAdmitUser()) {
        // GC went through the device twice over without freeing room for this sector: its
        // victims gain less than the padding their moves cost (flushes after every few sectors
        // on lines that are small beside a write unit per PU).
        if (this.stats.gcLines - gc0 > 2 * this.shape.lines) {
          throw new FtlNoSpaceError(`${this.info.name}: no space left: GC collected ${this.stats.gcLines - gc0} lines without freeing room for a user write (a larger over-provisioning (-o) or larger chunks would help) (${this.describeSpace()})`);
        }
        this.userWaiting++;
        try {
          this.signal.notify();
          await this.signal.wait();
        } finally {
          this.userWaiting--;
        }
      }
      const s = this.buf.fill(lba + i, false);
      this.buf.slotData(s).set(data.subarray(i * 4096, i * 4096 + 4096));
      this.setL2p(lba + i, (CACHE | s) >>> 0);
      this.stats.userSectors++;
      if (this.buf.queued >= this.shape.unit) this.signal.notify();
    }
    this.signal.notify();
  }

  trimBlocks(lba: number, count: number): void {
    this.check();
    for (let i = 0; i < count; i++) this.setL2p(lba + i, UNMAPPED);
  }

  /** Every write that settled before the call is on the media, and the device flushed. */
  async flush(): Promise<void> {
    this.check();
    const e = this.buf.closeEpoch();
    // With mw_cunits, the last sectors written to a chunk are not readable from the media yet, but
    // they are on it: reads take them from the buffer meanwhile, and recovery pads the line to
    // read them after a crash (recovery-pad.ts). So a flush waits for the writes only, as pblk's.
    if (!this.buf.settled(e)) {
      this.flushWaiting++;
      this.signal.notify();
      try {
        while (!this.buf.settled(e)) {
          this.check();
          await this.signal.wait();
        }
      } finally {
        this.flushWaiting--;
      }
    }
    await this.dev.flush();
  }

  /** Space (sectors) the queued data can still take without a new free line from GC. */
  room(): number {
    const o = this.open;
    let left = 0;
    if (o?.layout) {
      const L = o.layout;
      // Per user sector: only a line with a failed chunk or resumed after a crash skips units.
      if (o.resumeWp === undefined && !o.failed.includes(1)) left += Math.max(0, L.dataEnd - o.nextUnit) * this.shape.unit;
      else for (let u = o.nextUnit; u < L.dataEnd; u++) if (!this.unitTaken(o, u)) left += this.shape.unit;
    }
    for (const id of this.freeQueue) left += this.freeLineSectors(id);
    return left - this.buf.queued;
  }

  /**
   * Data sectors of the emptied victims waiting for their reset: free lines once their moved
   * copies, already in the buffer (and counted by room()), are written. A crash before that
   * loses the copies' buffer slots, but then also every later write (the buffer drains in
   * order), so the recovered FTL is no shorter of room than the one that counted them.
   */
  private pendingRoom(): number {
    let n = 0;
    for (const p of this.pendingResets) n += p.line.layout?.dataSectors ?? 0;
    return n;
  }

  /** The snapshot the admission rules (admission.ts) decide on. */
  private space(): SpaceState {
    const v = this.gcVictim;
    return {
      room: this.room(),
      pendingRoom: this.pendingRoom(),
      movingLeft: v >= 0 ? this.vsc[v]! : 0,
      movingCapacity: v >= 0 ? (this.lines[v]!.layout?.dataSectors ?? 0) : 0,
      minVictimValid: this.minVictimValid(),
      fullLine: this.fullLineSectors,
    };
  }

  /** Data sectors a free line will hold (its good chunks). */
  private freeLineSectors(id: number): number {
    let n = 0;
    for (let pu = 0; pu < this.shape.nPus; pu++) if (!this.chunkBad[id * this.shape.nPus + pu]) n++;
    if (n === this.shape.nPus) return this.fullLineSectors;
    return n === 0 ? 0 : new LineLayout(this.shape, id, Array.from({ length: n }, (_, i) => i)).dataSectors;
  }

  /** Valid sectors of the emptiest closed line (Infinity when none). */
  private minVictimValid(): number {
    let m = Infinity;
    for (const l of this.lines) if (l.state === LineState.CLOSED && !this.gcGaveUp.has(l.id) && this.vsc[l.id]! < m) m = this.vsc[l.id]!;
    return m;
  }

  /** With user writes held back: whether GC has a move in hand or one it can start in `room`. */
  private gcCanHelp(room: number): boolean {
    if (this.gcVictim >= 0 || this.resetting > 0) return true;
    if (this.pendingResets.length > 0) return true;
    for (const l of this.lines) {
      if (l.state !== LineState.CLOSED || !l.layout || this.gcGaveUp.has(l.id)) continue;
      const v = this.vsc[l.id]!;
      if (v < l.layout.dataSectors && victimFits(v, room, this.limits, true)) return true;
    }
    return false;
  }

  private canAdmitUser(): boolean {
    this.check();
    if (this.buf.freeSlots <= this.gcSlotReserve) return false;
    const s = this.space();
    if (!userHeldBack(s, this.limits)) return true;
    if (this.gcCanHelp(s.room)) return false;
    // GC has nothing to gain now (every closed line is all valid: the device is filling), so user
    // data may take the room down to the floor that keeps a crash recoverable.
    if (floorHolds(s, this.limits)) return true;
    // Buffered data still going out can leave lines GC may empty: wait for it first.
    if (this.buf.queued > 0 || (this.open?.inflight.size ?? 0) > 0) return false;
    throw new FtlNoSpaceError(`${this.info.name}: no space left: every line holds valid data and GC has nothing to reclaim (${this.describeSpace()})`);
  }

  // ---- the writer ----

  private setLineState(l: LineInfo, ev: LineEvent): void {
    l.state = nextLineState(l.id, l.state, ev);
  }

  private async writerLoop(): Promise<void> {
    const unit = this.shape.unit;
    const slots: number[] = [];
    for (;;) {
      if (this.failure) return;
      const draining = this.flushWaiting > 0 || this.closing || this.gcWantsPad;
      if (this.buf.queued === 0 || (!draining && this.buf.queued < unit)) {
        if (this.closing && this.buf.queued === 0) return;
        await this.signal.wait();
        continue;
      }
      if (!this.open) {
        if (!(await this.openLine())) {
          const deadlocked = this.freeQueue.length === 0 && this.resetting === 0 && this.gcVictim < 0 && this.pendingResets.every((p) => this.movesLeft[p.line.id]! > 0);
          if (deadlocked && !this.candidates().some((c) => c.valid === 0)) {
            throw new FtlNoSpaceError(`${this.info.name}: out of space with ${this.buf.queued} sectors buffered: no free line and GC has nothing it can move`);
          }
          await this.signal.wait();
        }
        continue;
      }
      const line = this.open;
      const L = line.layout!;
      while (line.nextUnit < L.dataEnd && this.unitTaken(line, line.nextUnit)) line.nextUnit++;
      if (line.nextUnit >= L.dataEnd) {
        await this.closeLine(line);
        continue;
      }
      const u = line.nextUnit;
      const pu = L.unitPu(u);
      const busy = this.chunkBusy[pu];
      if (busy) {
        await busy;
        continue;
      }
      slots.length = 0;
      while (slots.length < unit && this.buf.queued > 0) {
        const s = this.buf.dequeue();
        // A superseded GC copy is still written: until the newer data is on the media, the copy
        // is what keeps the flushed version once its victim line is reset.
        if (!this.current(s) && !this.buf.gc[s]) {
          this.written(s);
          this.buf.release(s);
          this.stats.droppedSectors++;
          continue;
        }
        slots.push(s);
      }
      if (slots.length === 0) {
        this.signal.notify();
        continue;
      }
      line.nextUnit = u + 1;
      const p = this.writeUnit(line, u, slots.slice()).finally(() => {
        this.chunkBusy[pu] = undefined;
        line.inflight.delete(p);
        this.signal.notify();
      });
      this.chunkBusy[pu] = p;
      line.inflight.add(p);
    }
  }

  /**
   * A slot's sector is written (or dropped): flush epochs and GC's per-victim counts move on. A
   * GC copy counts as moved once written, readable or not: within mw_cunits of its chunk's WP it
   * is read from the buffer, and after a crash recovery pads its line to read it.
   */
  private written(s: number): void {
    this.buf.written(s);
    const v = this.buf.victim[s]!;
    if (v >= 0) {
      this.movesLeft[v]!--;
      this.buf.victim[s] = -1;
    }
  }

  /** Unit u of an open line cannot take data: its chunk failed, or it was written before a restart. */
  private unitTaken(line: LineInfo, u: number): boolean {
    const L = line.layout!;
    const slot = u % L.nGood;
    return line.failed[slot] === 1 || (line.resumeWp !== undefined && L.unitSector(u) < line.resumeWp[slot]!);
  }

  /**
   * Recovery: makes the newest line, open at the crash, the open line again, so its free units
   * are not lost (with no free line left, nothing else could take GC's moves). `wpOf` gives each
   * chunk's write pointer; a chunk whose pointer is not on a unit boundary is not written again.
   */
  resumeLine(line: LineInfo, lbas: Uint32Array, wpOf: (pu: number) => number): void {
    const L = line.layout!;
    line.state = LineState.OPEN;
    line.lbas = lbas;
    line.nextUnit = 1;
    line.failed = new Uint8Array(L.nGood);
    line.pinned = Array.from({ length: L.nGood }, () => []);
    line.resumeWp = new Int32Array(L.nGood);
    L.good.forEach((pu, slot) => {
      const wp = wpOf(pu);
      line.resumeWp![slot] = wp;
      if (wp % this.shape.unit !== 0 || wp >= this.shape.clba) line.failed[slot] = 1;
    });
    this.open = line;
  }

  private async writeUnit(line: LineInfo, u: number, slots: number[]): Promise<void> {
    const L = line.layout!;
    const g = this.dev.geometry;
    const unit = this.shape.unit;
    const pu = L.unitPu(u);
    const sec0 = L.unitSector(u);
    const d0 = (u - 1) * unit;
    const st = this.stages.get(pu);
    const ov = new DataView(st.oob.buffer, st.oob.byteOffset, st.oob.byteLength);
    for (let i = 0; i < unit; i++) {
      st.addr[i] = deviceAddress(g, this.shape.puBegin + pu, line.id, sec0 + i);
      if (i < slots.length) {
        const s = slots[i]!;
        st.data.set(this.buf.slotData(s), i * 4096);
        ov.setUint32(i * g.oobSize + OOB_LBA, this.buf.lba[s]!, true);
        line.lbas![d0 + i] = this.buf.lba[s]!;
      } else {
        st.data.fill(0, i * 4096, i * 4096 + 4096);
        ov.setUint32(i * g.oobSize + OOB_LBA, NO_LBA, true);
      }
      if (g.oobSize >= 8) ov.setUint32(i * g.oobSize + OOB_SEQ, line.seq, true);
    }
    const r = await this.deviceWrite(st.addr, unit, st.data, st.oob);
    let anyFailed = false;
    const requeue: number[] = [];
    for (let i = 0; i < unit; i++) {
      const bad = r.status !== ChunkIoStatus.OK && (r.failed === 0n || ((r.failed >> BigInt(i)) & 1n) === 1n);
      if (bad) anyFailed = true;
      else this.stats.mediaSectors++;
      if (i >= slots.length) {
        if (!bad) this.stats.padSectors++;
        continue;
      }
      const s = slots[i]!;
      if (bad) {
        line.lbas![d0 + i] = NO_LBA;
        if (this.current(s) || this.buf.gc[s]) requeue.push(s);
        else {
          this.written(s);
          this.buf.release(s);
        }
        continue;
      }
      if (this.buf.gc[s]) this.stats.gcSectors++;
      this.written(s);
      const paddr = L.paddr(pu, sec0 + i);
      if (!this.current(s)) this.buf.release(s);
      else if (g.mwCunits === 0) {
        this.setL2p(this.buf.lba[s]!, paddr);
        this.buf.release(s);
      } else {
        this.buf.pin(s, paddr);
        line.pinned[L.slotOf[pu]!]!.push(s);
      }
    }
    for (let k = requeue.length - 1; k >= 0; k--) this.buf.requeueFront(requeue[k]!);
    if (anyFailed) {
      line.failed[L.slotOf[pu]!] = 1;
      this.chunkBad[line.id * this.shape.nPus + pu] = 1;
      this.stats.programFailures++;
    } else this.releasePinned(line, L.slotOf[pu]!, sec0 + unit);
  }

  private async deviceWrite(addrs: Float64Array, n: number, data: Uint8Array, oob: Uint8Array): Promise<VectorResult> {
    try {
      return await this.dev.write(addrs, n, data, oob);
    } catch {
      return { status: ChunkIoStatus.ERROR, failed: 0n };
    }
  }

  /** Frees pinned slots of a chunk whose sectors are now readable (wp passed them by mw_cunits). */
  private releasePinned(line: LineInfo, slot: number, ackWp: number): void {
    const q = line.pinned[slot]!;
    const mw = this.dev.geometry.mwCunits;
    let k = 0;
    while (k < q.length) {
      const s = q[k]!;
      if (ackWp !== Infinity && (this.buf.paddr[s]! % this.shape.clba) + mw >= ackWp) break;
      if (this.current(s)) this.setL2p(this.buf.lba[s]!, this.buf.paddr[s]!);
      this.buf.release(s);
      k++;
    }
    if (k > 0) q.splice(0, k);
  }

  /** Opens the next free line: smeta first. False when there is none (GC will make one). */
  private async openLine(): Promise<boolean> {
    const id = this.freeQueue.shift();
    if (id === undefined) return false;
    const line = this.lines[id]!;
    const good: number[] = [];
    for (let pu = 0; pu < this.shape.nPus; pu++) if (!this.chunkBad[id * this.shape.nPus + pu]) good.push(pu);
    const L = new LineLayout(this.shape, id, good);
    if (!L.usable) {
      this.setLineState(line, LineEvent.RETIRE);
      return true;
    }
    this.setLineState(line, LineEvent.OPEN);
    line.layout = L;
    line.seq = this.nextSeq++;
    line.nextUnit = 1;
    line.failed = new Uint8Array(L.nGood);
    line.pinned = Array.from({ length: L.nGood }, () => []);
    line.lbas = new Uint32Array(L.dataSectors).fill(NO_LBA);
    line.resumeWp = undefined;
    this.signal.notify();
    const st = this.stages.get(L.good[0]!);
    encodeSmeta({ ...this.info, rule: this.info.rule === '4.12' ? 1 : 0, line: id, seq: line.seq, clba: this.shape.clba, wsOpt: this.shape.unit, lines: this.shape.lines, good }, st.data);
    st.data.fill(0, 4096);
    fillNoLbaOob(st.oob, this.shape.unit, this.dev.geometry.oobSize, line.seq);
    for (let i = 0; i < this.shape.unit; i++) st.addr[i] = deviceAddress(this.dev.geometry, this.shape.puBegin + L.good[0]!, id, i);
    const r = await this.deviceWrite(st.addr, this.shape.unit, st.data, st.oob);
    if (r.status !== ChunkIoStatus.OK) {
      // No smeta, no data: the line is closed empty; GC resets it (recovery sees no smeta).
      this.chunkBad[id * this.shape.nPus + L.good[0]!] = 1;
      this.stats.programFailures++;
      line.lbas = undefined;
      this.setLineState(line, LineEvent.CLOSE);
      this.signal.notify();
      return true;
    }
    this.stats.metaSectors += this.shape.unit;
    this.stats.mediaSectors += this.shape.unit;
    this.open = line;
    return true;
  }

  /** Data area full: wait for its writes, write emeta, close. */
  private async closeLine(line: LineInfo): Promise<void> {
    while (line.inflight.size > 0) await Promise.all([...line.inflight]);
    const L = line.layout!;
    const unit = this.shape.unit;
    const bytes = new Uint8Array(L.emetaUnits * unit * 4096);
    encodeEmeta(line.id, line.seq, this.info.instance, line.lbas!, bytes);
    for (let e = 0; e < L.emetaUnits; e++) {
      const u = L.dataEnd + e;
      const pu = L.unitPu(u);
      if (this.unitTaken(line, u)) continue;
      const st = this.stages.get(pu);
      st.data.set(bytes.subarray(e * unit * 4096, (e + 1) * unit * 4096));
      fillNoLbaOob(st.oob, this.shape.unit, this.dev.geometry.oobSize, line.seq);
      for (let i = 0; i < unit; i++) st.addr[i] = deviceAddress(this.dev.geometry, this.shape.puBegin + pu, line.id, L.unitSector(u) + i);
      const r = await this.deviceWrite(st.addr, unit, st.data, st.oob);
      if (r.status === ChunkIoStatus.OK) {
        this.stats.metaSectors += unit;
        this.stats.mediaSectors += unit;
      } else {
        line.failed[L.slotOf[pu]!] = 1;
        this.chunkBad[line.id * this.shape.nPus + pu] = 1;
        this.stats.programFailures++;
      }
    }
    for (let k = 0; k < L.nGood; k++) this.releasePinned(line, k, Infinity);
    line.lbas = undefined;
    line.resumeWp = undefined;
    this.setLineState(line, LineEvent.CLOSE);
    if (this.open === line) this.open = undefined;
    this.signal.notify();
  }

  // ---- GC ----

  private candidates(): VictimCandidate[] {
    const c: VictimCandidate[] = [];
    for (const l of this.lines) if (l.state === LineState.CLOSED && !this.gcGaveUp.has(l.id)) c.push({ line: l.id, valid: this.vsc[l.id]!, capacity: l.layout?.dataSectors ?? 1, seq: l.seq });
    return c;
  }

  /**
   * Resets emptied victims once their moved copies are readable and no read is on them. A loop of
   * its own: GC may be blocked moving the next victim into a full buffer that only drains into
   * the line this reset frees.
   */
  private async resetLoop(): Promise<void> {
    for (;;) {
      if (this.closing || this.failure) return;
      const k = this.pendingResets.findIndex((p) => this.movesLeft[p.line.id]! === 0 && this.readers[p.line.id]! === 0);
      if (k < 0) {
        await this.signal.wait();
        continue;
      }
      const [p] = this.pendingResets.splice(k, 1);
      this.resetting++;
      try {
        await this.dev.flush(); // the moved copies are durable before the originals go
        await this.resetLine(p!.line);
      } finally {
        this.resetting--;
      }
      this.stats.gcLines++;
      this.signal.notify();
    }
  }

  private async gcLoop(): Promise<void> {
    for (;;) {
      if (this.closing || this.failure) return;
      const c = this.candidates();
      let victim: VictimCandidate | undefined = c.find((x) => x.valid === 0);
      // Victims waiting for their reset count as free lines: collecting more before they are
      // reset would only move data early.
      const free = this.freeQueue.length + this.pendingResets.length;
      // User writes held back wake GC too, however many lines are free: only GC adds room. Not
      // while victims wait for their reset: the reset is what the writes wait for, and another
      // victim picked meanwhile would only take the room it brings.
      const held = this.userWaiting > 0 && this.pendingResets.length === 0 && this.resetting === 0 && userHeldBack(this.space(), this.limits);
      if (!victim && (free <= this.gcStart || held)) {
        const room = this.room();
        // With user writes held back for room, any gain will do; otherwise a victim must be worth
        // its move. (Not "no free line": GC's own moves use up the free line, and a device that
        // is still filling has nothing worth moving; moving lines of 1007/1008 valid for that
        // took GC round the device without letting a user write in.)
        const pressure = held;
        const worth = c.filter((x) => x.valid < x.capacity && (pressure || worthMoving(x.valid, x.capacity, this.limits)));
        let i = pickVictim(this.gcPolicy, worth, this.nextSeq);
        if (i >= 0 && !victimFits(worth[i]!.valid, room, this.limits, pressure)) i = pickVictim('greedy', worth, this.nextSeq);
        if (i >= 0 && victimFits(worth[i]!.valid, room, this.limits, pressure)) victim = worth[i];
      }
      if (victim) {
        this.gcWantsPad = false; // padding now would take room the move was given
        await this.collect(this.lines[victim.line]!);
        continue;
      }
      if (this.pendingResets.length > 0) {
        // Nothing else to do: have the writer push the moved data out (padding a partial unit).
        this.gcWantsPad = this.pendingResets.some((p) => this.movesLeft[p.line.id]! > 0);
        if (this.gcWantsPad) this.signal.notify();
        await this.signal.wait();
        continue;
      }
      this.gcWantsPad = false;
      await this.signal.wait();
    }
  }

  /** Moves a line's valid sectors into the write buffer; the reset waits until they are written. */
  private async collect(line: LineInfo): Promise<void> {
    this.setLineState(line, LineEvent.GC_PICK);
    this.gcVictim = line.id;
    try {
      if (this.vsc[line.id]! > 0) {
        const L = line.layout!;
        const lbas = await this.lineLbas(line);
        const max = this.dev.geometry.maxVector;
        const addrs = new Float64Array(max);
        const srcs = new Uint32Array(max);
        const lbaOf = new Uint32Array(max);
        const data = new Uint8Array(max * 4096);
        let n = 0;
        const move = async (): Promise<void> => {
          const r = await this.dev.read(addrs, n, data).catch((): VectorResult => ({ status: ChunkIoStatus.ERROR, failed: 0n }));
          for (let i = 0; i < n; i++) {
            const bad = r.status !== ChunkIoStatus.OK && r.status !== ChunkIoStatus.HIGH_ECC && (r.failed === 0n || ((r.failed >> BigInt(i)) & 1n) === 1n);
            if (bad) {
              if (this.l2p[lbaOf[i]!] === srcs[i]) {
                this.setL2p(lbaOf[i]!, UNMAPPED);
                this.stats.lostSectors++;
              }
              continue;
            }
            while (this.buf.freeSlots === 0) {
              this.check();
              await this.signal.wait();
            }
            if (this.l2p[lbaOf[i]!] !== srcs[i]) continue; // overwritten or trimmed meanwhile
            const s = this.buf.fill(lbaOf[i]!, true);
            this.buf.victim[s] = line.id;
            this.movesLeft[line.id]!++;
            this.buf.slotData(s).set(data.subarray(i * 4096, i * 4096 + 4096));
            this.setL2p(lbaOf[i]!, (CACHE | s) >>> 0);
          }
          this.signal.notify();
          n = 0;
        };
        for (let d = 0; d < lbas.length; d++) {
          const lba = lbas[d]!;
          if (lba === NO_LBA || lba >= this.capacity) continue;
          const p = L.dataPaddr(d);
          if (this.l2p[lba] !== p) continue;
          addrs[n] = devAddr(this.shape, p);
          srcs[n] = p;
          lbaOf[n] = lba;
          n++;
          if (n === max) await move();
        }
        if (n > 0) await move();
      }
      if (this.vsc[line.id]! !== 0) {
        // Entries the list did not name (emeta and OOB both unreadable): keep the line.
        this.setLineState(line, LineEvent.GC_ABORT);
        this.gcGaveUp.add(line.id);
        return;
      }
      this.pendingResets.push({ line });
    } finally {
      this.gcVictim = -1;
      this.signal.notify();
    }
  }

  private async resetLine(line: LineInfo): Promise<void> {
    const pus = line.layout ? [...line.layout.good] : Array.from({ length: this.shape.nPus }, (_, i) => i);
    this.stats.eraseFailures += await resetLineChunks(this.dev, this.shape, line.id, pus, this.chunkBad);
    line.layout = undefined;
    line.seq = 0;
    this.setLineState(line, LineEvent.RESET);
    this.freeQueue.push(line.id);
  }

  /** LBA of every data position of a closed line: emeta, or an OOB scan when emeta is unreadable. */
  async lineLbas(line: LineInfo, wps?: (pu: number) => number): Promise<Uint32Array> {
    const fromEmeta = await this.readEmeta(line);
    if (fromEmeta) return fromEmeta;
    let wpOf = wps;
    if (!wpOf) {
      const report = await this.dev.chunkReport();
      const g = this.dev.geometry;
      wpOf = (pu) => report[(this.shape.puBegin + pu) * g.numChunk + line.id]!.wp;
    }
    return this.scanOob(line, wpOf);
  }

  readEmeta(line: LineInfo): Promise<Uint32Array | undefined> {
    return readEmeta(this.dev, this.shape, line.layout!, line.seq, this.info.instance);
  }

  scanOob(line: LineInfo, wpOf: (pu: number) => number): Promise<Uint32Array> {
    return scanOob(this.dev, this.shape, line.layout!, line.seq, wpOf);
  }

  // ---- shutdown ----

  /** Flushes, stops the loops. The open line stays open on the media (recovery scans it). */
  async close(): Promise<void> {
    if (this.closing) return;
    if (!this.failure) await this.flush();
    this.closing = true;
    // Keep waking the loops until all have seen `closing` (one may be between awaits now).
    let done = false;
    const both = Promise.all([this.writerDone, this.gcDone, this.resetDone]).then(() => (done = true));
    while (!done) {
      this.signal.notify();
      await new Promise((r) => setImmediate(r));
    }
    await both;
    for (const l of this.lines) while (l.inflight.size > 0) await Promise.all([...l.inflight]);
  }

  /** One line of numbers for messages: free lines, room, valid/capacity of the closed lines. */
  describeSpace(): string {
    const closed = this.lines.filter((l) => l.state === LineState.CLOSED).map((l) => `${this.vsc[l.id]}/${l.layout?.dataSectors ?? 0}`);
    const moving = this.gcVictim >= 0 ? `, GC moving line ${this.gcVictim} (${this.vsc[this.gcVictim]} valid left)` : '';
    return `free lines ${this.freeQueue.length}, room ${this.room()} sectors (for user data ${userRoom(this.space())}), buffered ${this.buf.queued} (free slots ${this.buf.freeSlots}/${this.buf.slots}), pending resets ${this.pendingResets.length}${moving}, bad chunks ${this.chunkBad.reduce((a, b) => a + b, 0)}, erase failures ${this.stats.eraseFailures}, program failures ${this.stats.programFailures}, open line ${this.open ? `${this.open.id} unit ${this.open.nextUnit}/${this.open.layout!.dataEnd}` : 'none'}, closed lines valid/size ${closed.join(' ')}`;
  }

  /** Data sectors of all usable lines (user capacity + spare: the model's "raw" space). */
  rawDataSectors(): number {
    let n = 0;
    for (const l of this.lines) if (l.state !== LineState.BAD) n += l.layout?.dataSectors ?? this.freeLineSectors(l.id);
    return n;
  }

  /** Lines that can be used (not BAD). */
  rawLines(): number {
    return this.lines.filter((l) => l.state !== LineState.BAD).length;
  }

  /** Counts for the dashboard and the bench. */
  lineCensus(): Record<'free' | 'open' | 'closed' | 'gc' | 'bad', number> {
    const c = { free: 0, open: 0, closed: 0, gc: 0, bad: 0 };
    for (const l of this.lines) c[(['free', 'open', 'closed', 'gc', 'bad'] as const)[l.state]]++;
    return c;
  }

  /** Valid sectors the L2P maps (on the media or in the buffer). */
  mappedSectors(): number {
    let n = 0;
    for (let i = 0; i < this.l2p.length; i++) if (this.l2p[i] !== UNMAPPED) n++;
    return n;
  }
}
