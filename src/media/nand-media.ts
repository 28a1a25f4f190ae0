// The NAND array: program, read and erase on erase units ("chunks"), with the rules real NAND
// imposes, wear, bad blocks, injected faults and emulated completion times. It knows nothing of
// NVMe; the command sets above map these results to their status codes.
//
// Durability: an operation returns only after its data, OOB records and chunk slot are written
// to the stores in that order; the slot write is the commit point, so a process killed at any
// instant leaves every acknowledged operation whole and the rest invisible. sync() adds fsync
// for power loss (the NVMe Flush path).
import { BadMark } from './bad-blocks.js';
import { ChunkEvent, ChunkState, ChunkType, nextChunkState } from './chunk-state.js';
import { ChunkTable, type ChunkRecord } from './chunk-table.js';
import { type Clock, ImmediateTiming, MediaOpKind, type TimingModel, WallClock } from './clock.js';
import { FaultInjector, FaultKind } from './faults.js';
import type { Geometry } from './geometry.js';
import { ChunkFlag, RECORD_GEN_MASK, RECORD_HEADER_SIZE, RecordFlag, type StateFileLayout } from './image-format.js';
import type { ByteStore } from './store.js';
import { isWornOut, wearIndex } from './wear.js';

export const MediaStatus = {
  OK: 0,
  /** Read of a sector not programmed since the chunk's last erase. */
  UNWRITTEN: 1,
  /** The chunk is offline: every operation is refused. */
  OFFLINE: 2,
  /** Program of a sector that is not erased (random-write chunk). */
  NOT_ERASED: 3,
  /** Program of a sequential chunk somewhere other than its write pointer. */
  OUT_OF_ORDER: 4,
  /** Program failed at sector `done`; the chunk is closed early and retires at its next erase. */
  PROGRAM_FAIL: 5,
  /** Erase failed: the chunk is now OFFLINE and marked grown-bad. */
  ERASE_FAIL: 6,
  /** The erase used the chunk's last P/E cycle: it is now OFFLINE and marked grown-bad. */
  WORN_OUT: 7,
  /** Sector `done` could not be corrected; its data is not returned. */
  UNCORRECTABLE: 8,
  /** Sector `done` was returned but is close to the ECC limit (refresh advised). */
  HIGH_ECC: 9,
  /** The chunk carries a bad-block mark: program and erase are refused. */
  BAD_BLOCK: 10,
  /** Chunk, sector or count outside the geometry. */
  OUT_OF_RANGE: 11,
  /** Program of a closed chunk (full, or closed early). */
  CHUNK_CLOSED: 12,
} as const;
export type MediaStatus = (typeof MediaStatus)[keyof typeof MediaStatus];

export const MEDIA_STATUS_NAMES: Readonly<Record<MediaStatus, string>> = {
  0: 'ok',
  1: 'unwritten',
  2: 'offline',
  3: 'not-erased',
  4: 'out-of-order',
  5: 'program-fail',
  6: 'erase-fail',
  7: 'worn-out',
  8: 'uncorrectable',
  9: 'high-ecc',
  10: 'bad-block',
  11: 'out-of-range',
  12: 'chunk-closed',
};

/**
 * Result of the last operation. The media reuses one object (no allocation per command): read
 * it before the next call. `status` describes sector `done` (the first that was not plainly
 * OK); the `done` sectors before it completed. For HIGH_ECC that sector's data was returned too.
 */
export interface MediaOp {
  status: MediaStatus;
  done: number;
  /** Emulated time (ns) at which the operation completes. */
  completesAt: number;
}

export interface ChunkInfo extends ChunkRecord {
  readonly index: number;
  readonly wearIndex: number;
}

export interface MediaParts {
  readonly geometry: Geometry;
  readonly data: ByteStore;
  readonly state: ByteStore;
  readonly layout: StateFileLayout;
  readonly endurance: number;
  readonly clock?: Clock;
  readonly timing?: TimingModel;
  /** Where the media lives, for messages. */
  readonly label: string;
}

export class NandMedia {
  readonly geometry: Geometry;
  readonly endurance: number;
  readonly faults: FaultInjector;
  readonly clock: Clock;
  timing: TimingModel;
  readonly label: string;
  /** Checksum failures seen while loading the chunk table (torn slots; the older copy was used). */
  readonly tornSlotsAtOpen: number;

  private readonly data: ByteStore;
  private readonly state: ByteStore;
  private readonly table: ChunkTable;
  private readonly recordsOffset: number;
  private readonly recordSize: number;
  private readonly op: MediaOp = { status: MediaStatus.OK, done: 0, completesAt: 0 };
  /** Emulated time the current operation was submitted (read once per operation). */
  private submittedAt = 0;
  private records = new Uint8Array(0);
  private recordsView = new DataView(this.records.buffer);
  private closed = false;

  constructor(parts: MediaParts) {
    this.geometry = parts.geometry;
    this.endurance = parts.endurance;
    this.data = parts.data;
    this.state = parts.state;
    this.label = parts.label;
    this.clock = parts.clock ?? new WallClock();
    this.timing = parts.timing ?? new ImmediateTiming();
    this.recordsOffset = parts.layout.recordsOffset;
    this.recordSize = parts.layout.recordSize;
    this.faults = new FaultInjector(this.geometry.totalChunks, this.geometry.sectorsPerChunk);
    this.table = new ChunkTable(this.geometry.totalChunks, this.state, parts.layout.slotsOffset);
    this.tornSlotsAtOpen = this.table.load().torn;
  }

  // ---- inspection ----

  /**
   * The sector data store itself, in disk-sector order (geometry.diskSector x sectorSize), for a
   * personality that also offers raw block access to the same bytes (OCSSD 1.2 plain Read /
   * Write). Writes through it bypass every NAND rule and the chunk state.
   */
  get dataStore(): ByteStore {
    return this.data;
  }

  chunk(c: number): ChunkInfo {
    this.checkChunk(c);
    const r = this.table.get(c);
    return { ...r, index: c, wearIndex: wearIndex(r.eraseCount, this.endurance) };
  }

  /** Write pointer of chunk c (no allocation; for hot paths). */
  writePointer(c: number): number {
    return this.table.wp[c]!;
  }

  chunkState(c: number): ChunkState {
    return this.table.state[c]! as ChunkState;
  }

  /** P/E cycles chunk c has used (no allocation; for hot paths). */
  eraseCount(c: number): number {
    return this.table.eraseCount[c]!;
  }

  /** Type of chunk c (no allocation; for hot paths). */
  chunkType(c: number): ChunkType {
    return this.table.type[c]! as ChunkType;
  }

  census(): ReturnType<ChunkTable['census']> {
    return this.table.census();
  }

  // ---- operations ----

  /**
   * Programs `count` sectors from `sector` of chunk `c` with data from `data[dataOffset..]` and,
   * when the geometry has OOB, `oob[oobOffset..]` (zeros when absent).
   */
  program(c: number, sector: number, count: number, data: Uint8Array, dataOffset = 0, oob?: Uint8Array, oobOffset = 0): MediaOp {
    const op = this.begin();
    const g = this.geometry;
    if (!this.inRange(c, sector, count) || data.length - dataOffset < count * g.sectorSize) return this.finish(MediaStatus.OUT_OF_RANGE, 0);
    const t = this.table;
    const state = t.state[c]!;
    if (state === ChunkState.OFFLINE) return this.finish(MediaStatus.OFFLINE, 0);
    if (t.mark[c] !== BadMark.GOOD) return this.finish(MediaStatus.BAD_BLOCK, 0);
    if (state === ChunkState.CLOSED) return this.finish(MediaStatus.CHUNK_CLOSED, 0);
    const random = t.type[c] === ChunkType.RANDOM;
    if (random) {
      const busy = this.firstWritten(c, sector, count);
      if (busy >= 0) return this.finish(MediaStatus.NOT_ERASED, busy);
    } else if (sector !== t.wp[c]) {
      return this.finish(MediaStatus.OUT_OF_ORDER, 0);
    }
    const failAt = this.faults.idle ? -1 : this.faults.check(FaultKind.PROGRAM_FAIL, c, sector, count);
    const n = failAt >= 0 ? failAt : count;

    if (n > 0) {
      this.moveData(true, c, sector, n, data, dataOffset);
      if (g.oobSize > 0 || random) this.writeRecords(c, sector, n, oob, oobOffset);
    }

    const end = sector + n;
    if (end > t.wp[c]!) t.wp[c] = end;
    let event: ChunkEvent;
    if (failAt >= 0) {
      event = ChunkEvent.PROGRAM_FAIL;
      t.flags[c]! |= ChunkFlag.RETIRE_ON_ERASE;
    } else {
      event = !random && end === g.sectorsPerChunk ? ChunkEvent.FILL : ChunkEvent.PROGRAM;
    }
    t.state[c] = nextChunkState(state as ChunkState, event);
    t.persist(c);
    op.completesAt = this.timing.complete(MediaOpKind.PROGRAM, c, n, this.submittedAt);
    return this.finish(failAt >= 0 ? MediaStatus.PROGRAM_FAIL : MediaStatus.OK, n);
  }

  /**
   * Reads `count` sectors from `sector` of chunk `c` into `data[dataOffset..]` and, when given,
   * their OOB into `oob[oobOffset..]`. Stops at the first sector that is unwritten or
   * uncorrectable (its data is not transferred), or high-ECC (its data is transferred).
   */
  read(c: number, sector: number, count: number, data: Uint8Array, dataOffset = 0, oob?: Uint8Array, oobOffset = 0): MediaOp {
    const op = this.begin();
    const g = this.geometry;
    if (!this.inRange(c, sector, count) || data.length - dataOffset < count * g.sectorSize) return this.finish(MediaStatus.OUT_OF_RANGE, 0);
    const t = this.table;
    if (t.state[c] === ChunkState.OFFLINE) return this.finish(MediaStatus.OFFLINE, 0);

    let readable: number;
    if (t.type[c] === ChunkType.RANDOM) {
      const hole = this.firstUnwritten(c, sector, count);
      readable = hole < 0 ? count : hole;
    } else {
      const wp = t.wp[c]!;
      readable = wp <= sector ? 0 : Math.min(count, wp - sector);
    }
    let status: MediaStatus = readable < count ? MediaStatus.UNWRITTEN : MediaStatus.OK;
    let transfer = readable;
    let done = readable;
    if (!this.faults.idle && readable > 0) {
      const unc = this.faults.check(FaultKind.UNCORRECTABLE, c, sector, readable);
      if (unc >= 0) {
        status = MediaStatus.UNCORRECTABLE;
        transfer = done = unc;
      }
      const hecc = transfer > 0 ? this.faults.check(FaultKind.HIGH_ECC, c, sector, transfer) : -1;
      if (hecc >= 0) {
        status = MediaStatus.HIGH_ECC;
        done = hecc;
        transfer = hecc + 1;
      }
    }

    if (transfer > 0) {
      this.moveData(false, c, sector, transfer, data, dataOffset);
      if (oob !== undefined && g.oobSize > 0) this.readOob(c, sector, transfer, oob, oobOffset);
    }
    op.completesAt = this.timing.complete(MediaOpKind.READ, c, transfer, this.submittedAt);
    return this.finish(status, done);
  }

  /** Erases chunk c: every sector becomes unwritten, the write pointer 0, one P/E cycle used. */
  erase(c: number): MediaOp {
    const op = this.begin();
    if (!this.inRange(c, 0, 0)) return this.finish(MediaStatus.OUT_OF_RANGE, 0);
    const t = this.table;
    const state = t.state[c]! as ChunkState;
    if (state === ChunkState.OFFLINE) return this.finish(MediaStatus.OFFLINE, 0);
    if (t.mark[c] !== BadMark.GOOD) return this.finish(MediaStatus.BAD_BLOCK, 0);
    op.completesAt = this.timing.complete(MediaOpKind.ERASE, c, this.geometry.sectorsPerChunk, this.submittedAt);

    const failed = (t.flags[c]! & ChunkFlag.RETIRE_ON_ERASE) !== 0 || (!this.faults.idle && this.faults.check(FaultKind.ERASE_FAIL, c, 0, 1) >= 0);
    if (failed) {
      this.retire(c, state);
      return this.finish(MediaStatus.ERASE_FAIL, 0);
    }
    t.eraseCount[c]! += 1;
    t.wp[c] = 0;
    t.flags[c] = 0;
    if (isWornOut(t.eraseCount[c]!, this.endurance)) {
      this.retire(c, state);
      return this.finish(MediaStatus.WORN_OUT, 0);
    }
    t.state[c] = nextChunkState(state, ChunkEvent.ERASE);
    t.persist(c);
    return this.finish(MediaStatus.OK, 0);
  }

  // ---- management (bad block table, configuration) ----

  setBadMark(c: number, mark: BadMark): void {
    this.checkChunk(c);
    this.table.mark[c] = mark;
    this.table.persist(c);
  }

  badMark(c: number): number {
    this.checkChunk(c);
    return this.table.mark[c]!;
  }

  /**
   * Sets a chunk's whole record, bypassing the transition table: for configuration files that
   * describe a device's starting state (the original's lchunkstate) and for image creation.
   */
  overrideChunk(c: number, r: Partial<ChunkRecord>): void {
    this.checkChunk(c);
    const cur = this.table.get(c);
    const next = { ...cur, ...r };
    if (next.wp > this.geometry.sectorsPerChunk) throw new RangeError(`chunk ${c}: wp = ${next.wp}: allowed 0..${this.geometry.sectorsPerChunk}`);
    this.table.set(c, next);
  }

  /** Makes all completed operations durable against power loss (fsync of data and state). */
  sync(): void {
    this.data.sync();
    this.state.sync();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sync();
    this.data.close();
    this.state.close();
  }

  // ---- internals ----

  private begin(): MediaOp {
    if (this.closed) throw new Error(`media ${this.label} is closed`);
    this.submittedAt = this.clock.now();
    this.op.completesAt = this.submittedAt;
    return this.op;
  }

  private finish(status: MediaStatus, done: number): MediaOp {
    this.op.status = status;
    this.op.done = done;
    return this.op;
  }

  private retire(c: number, from: ChunkState): void {
    const t = this.table;
    t.state[c] = nextChunkState(from, ChunkEvent.RETIRE);
    t.mark[c] = BadMark.GROWN;
    t.flags[c] = 0;
    t.persist(c);
  }

  private inRange(c: number, sector: number, count: number): boolean {
    const g = this.geometry;
    return Number.isInteger(c) && c >= 0 && c < g.totalChunks && Number.isInteger(sector) && sector >= 0 && Number.isInteger(count) && count >= 0 && sector + count <= g.sectorsPerChunk;
  }

  private checkChunk(c: number): void {
    if (!this.inRange(c, 0, 0)) throw new RangeError(`chunk ${c}: allowed 0..${this.geometry.totalChunks - 1}`);
  }

  /**
   * Writes (or reads) `count` sectors' data between `buf[bufOffset..]` and the image, one I/O per
   * run of sectors contiguous on disk (the whole request with one plane).
   */
  private moveData(write: boolean, c: number, sector: number, count: number, buf: Uint8Array, bufOffset: number): void {
    const g = this.geometry;
    const ss = g.sectorSize;
    for (let k = 0; k < count; ) {
      const len = g.contiguousRun(sector + k, count - k);
      const at = g.diskSector(c, sector + k) * ss;
      if (write) this.data.write(buf, at, bufOffset + k * ss, len * ss);
      else this.data.read(buf, at, bufOffset + k * ss, len * ss);
      k += len;
    }
  }

  /** Moves `count` records between the scratch buffer (in op order) and the state file. */
  private moveRecords(write: boolean, c: number, sector: number, count: number): void {
    const g = this.geometry;
    const rs = this.recordSize;
    for (let k = 0; k < count; ) {
      const len = g.contiguousRun(sector + k, count - k);
      const at = this.recordsOffset + g.diskSector(c, sector + k) * rs;
      if (write) this.state.write(this.records, at, k * rs, len * rs);
      else this.state.read(this.records, at, k * rs, len * rs);
      k += len;
    }
  }

  private ensureRecords(count: number): void {
    const need = count * this.recordSize;
    if (this.records.length < need) {
      this.records = new Uint8Array(Math.max(need, this.records.length * 2));
      this.recordsView = new DataView(this.records.buffer);
    }
  }

  private writeRecords(c: number, sector: number, count: number, oob: Uint8Array | undefined, oobOffset: number): void {
    const rs = this.recordSize;
    const oobSize = this.geometry.oobSize;
    this.ensureRecords(count);
    const buf = this.records;
    const genFlags = ((this.table.eraseCount[c]! & RECORD_GEN_MASK) | RecordFlag.WRITTEN) >>> 0;
    for (let k = 0; k < count; k++) {
      this.recordsView.setUint32(k * rs, genFlags, true);
      const at = k * rs + RECORD_HEADER_SIZE;
      if (oob === undefined) buf.fill(0, at, at + oobSize);
      else for (let i = 0, from = oobOffset + k * oobSize; i < oobSize; i++) buf[at + i] = oob[from + i]!;
    }
    this.moveRecords(true, c, sector, count);
  }

  /** Loads `count` records into the scratch buffer, in op order. */
  private loadRecords(c: number, sector: number, count: number): void {
    this.ensureRecords(count);
    this.moveRecords(false, c, sector, count);
  }

  /** Whether record k of the scratch buffer was written since chunk c's last erase. */
  private isCurrent(c: number, k: number): boolean {
    const v = this.recordsView.getUint32(k * this.recordSize, true);
    return (v & RecordFlag.WRITTEN) !== 0 && (v & RECORD_GEN_MASK) === (this.table.eraseCount[c]! & RECORD_GEN_MASK);
  }

  private firstWritten(c: number, sector: number, count: number): number {
    this.loadRecords(c, sector, count);
    for (let k = 0; k < count; k++) if (this.isCurrent(c, k)) return k;
    return -1;
  }

  private firstUnwritten(c: number, sector: number, count: number): number {
    this.loadRecords(c, sector, count);
    for (let k = 0; k < count; k++) if (!this.isCurrent(c, k)) return k;
    return -1;
  }

  private readOob(c: number, sector: number, count: number, oob: Uint8Array, oobOffset: number): void {
    const oobSize = this.geometry.oobSize;
    this.loadRecords(c, sector, count);
    const buf = this.records;
    for (let k = 0; k < count; k++) {
      const to = oobOffset + k * oobSize;
      if (this.isCurrent(c, k)) {
        const at = k * this.recordSize + RECORD_HEADER_SIZE;
        for (let i = 0; i < oobSize; i++) oob[to + i] = buf[at + i]!;
      } else {
        oob.fill(0, to, to + oobSize);
      }
    }
  }
}
