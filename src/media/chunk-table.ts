// The resident chunk table: 16 bytes of RAM per chunk in typed arrays, and nothing per sector.
// Every change is persisted at once as one 32-byte checksummed slot write (see image-format.ts);
// that write is the commit point of a program or erase.
import { crc32c } from '@node-rs/crc32';
import { ChunkState, ChunkType } from './chunk-state.js';
import { BadMark } from './bad-blocks.js';
import { CHUNK_SLOT, SLOT_SIZE, SLOTS_PER_CHUNK } from './image-format.js';
import type { ByteStore } from './store.js';

const O = CHUNK_SLOT.offset;
const CRC_SPAN = O.crc;

/** Bytes of RAM the table keeps per chunk (state, type, mark, flags, wp, erase count, seq). */
export const RESIDENT_BYTES_PER_CHUNK = 16;

export interface ChunkRecord {
  state: ChunkState;
  type: ChunkType;
  mark: number;
  flags: number;
  wp: number;
  eraseCount: number;
}

export class ChunkTable {
  readonly state: Uint8Array;
  readonly type: Uint8Array;
  readonly mark: Uint8Array;
  readonly flags: Uint8Array;
  readonly wp: Uint32Array;
  readonly eraseCount: Uint32Array;
  /** Sequence number of the newest persisted slot; 0 = never persisted (defaults). */
  private readonly seq: Uint32Array;
  private readonly slot = new Uint8Array(SLOT_SIZE);
  private readonly slotView = new DataView(this.slot.buffer);

  constructor(
    readonly count: number,
    private readonly store: ByteStore,
    private readonly slotsOffset: number,
  ) {
    this.state = new Uint8Array(count); // FREE = 0
    this.type = new Uint8Array(count); // SEQUENTIAL = 0
    this.mark = new Uint8Array(count); // GOOD = 0
    this.flags = new Uint8Array(count);
    this.wp = new Uint32Array(count);
    this.eraseCount = new Uint32Array(count);
    this.seq = new Uint32Array(count);
  }

  /**
   * Loads every chunk from its newer valid slot. A chunk with no valid slot was never changed
   * and keeps the defaults. Returns how many slots failed their checksum (torn or corrupt).
   */
  load(): { torn: number } {
    const batch = 8192; // chunks per read: 512 KiB
    const buf = new Uint8Array(Math.min(batch, this.count) * SLOTS_PER_CHUNK * SLOT_SIZE);
    const dv = new DataView(buf.buffer);
    let torn = 0;
    for (let first = 0; first < this.count; first += batch) {
      const n = Math.min(batch, this.count - first);
      const bytes = buf.subarray(0, n * SLOTS_PER_CHUNK * SLOT_SIZE);
      this.store.read(bytes, this.slotsOffset + first * SLOTS_PER_CHUNK * SLOT_SIZE);
      for (let i = 0; i < n; i++) {
        let best = -1;
        let bestSeq = 0;
        for (let s = 0; s < SLOTS_PER_CHUNK; s++) {
          const at = (i * SLOTS_PER_CHUNK + s) * SLOT_SIZE;
          const seq = dv.getUint32(at + O.seq, true);
          if (seq === 0) continue; // never written
          if (crc32c(bytes.subarray(at, at + CRC_SPAN)) !== dv.getUint32(at + O.crc, true)) {
            torn++;
            continue;
          }
          if (best < 0 || ((seq - bestSeq) | 0) > 0) {
            best = at;
            bestSeq = seq;
          }
        }
        if (best < 0) continue;
        const c = first + i;
        this.seq[c] = bestSeq;
        this.state[c] = dv.getUint8(best + O.state);
        this.type[c] = dv.getUint8(best + O.type);
        this.mark[c] = dv.getUint8(best + O.mark);
        this.flags[c] = dv.getUint8(best + O.flags);
        this.wp[c] = dv.getUint32(best + O.wp, true);
        this.eraseCount[c] = dv.getUint32(best + O.eraseCount, true);
      }
    }
    return { torn };
  }

  /** Writes chunk c's current values to its next slot. */
  persist(c: number): void {
    let seq = (this.seq[c]! + 1) >>> 0;
    if (seq === 0) seq = 1; // 0 means "never written"
    this.seq[c] = seq;
    const dv = this.slotView;
    this.slot.fill(0);
    dv.setUint32(O.seq, seq, true);
    dv.setUint8(O.state, this.state[c]!);
    dv.setUint8(O.type, this.type[c]!);
    dv.setUint8(O.mark, this.mark[c]!);
    dv.setUint8(O.flags, this.flags[c]!);
    dv.setUint32(O.wp, this.wp[c]!, true);
    dv.setUint32(O.eraseCount, this.eraseCount[c]!, true);
    dv.setUint32(O.crc, crc32c(this.slot.subarray(0, CRC_SPAN)), true);
    this.store.write(this.slot, this.slotsOffset + (c * SLOTS_PER_CHUNK + (seq % SLOTS_PER_CHUNK)) * SLOT_SIZE);
  }

  get(c: number): ChunkRecord {
    return {
      state: this.state[c]! as ChunkState,
      type: this.type[c]! as ChunkType,
      mark: this.mark[c]!,
      flags: this.flags[c]!,
      wp: this.wp[c]!,
      eraseCount: this.eraseCount[c]!,
    };
  }

  /** Sets every field of chunk c and persists it (creation and configuration files only). */
  set(c: number, r: ChunkRecord): void {
    this.state[c] = r.state;
    this.type[c] = r.type;
    this.mark[c] = r.mark;
    this.flags[c] = r.flags;
    this.wp[c] = r.wp;
    this.eraseCount[c] = r.eraseCount;
    this.persist(c);
  }

  /** Counts per state, for summaries and the dashboard. */
  census(): { free: number; open: number; closed: number; offline: number; marked: number } {
    const n = [0, 0, 0, 0];
    let marked = 0;
    for (let c = 0; c < this.count; c++) {
      n[this.state[c]!]!++;
      if (this.mark[c] !== BadMark.GOOD) marked++;
    }
    return { free: n[ChunkState.FREE]!, open: n[ChunkState.OPEN]!, closed: n[ChunkState.CLOSED]!, offline: n[ChunkState.OFFLINE]!, marked };
  }
}
