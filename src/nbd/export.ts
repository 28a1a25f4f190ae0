// One NBD export: a BlockVolume under a name, with what NBD asks of it that the volume does
// not give: byte-granular requests (the partial blocks at either end are read, patched and
// written back), requests larger than the volume's maxTransfer (split, run concurrently),
// FUA on trim and write-zeroes (a flush after), and the transmission flags. Partial-block
// updates of one block are serialised by a per-block lock shared by every connection to the
// export, so two clients' non-overlapping sub-block writes cannot undo each other.
import type { BlockVolume } from '../host/index.js';
import { NbdTransmissionFlag as TF } from '../spec/index.js';

export interface NbdExportOptions {
  /** Export name (default: the volume's name). */
  readonly name?: string;
  readonly description?: string;
  /** Writes, trims and write-zeroes get EPERM. */
  readonly readOnly?: boolean;
}

/** Counters of one export over all its connections (for the dashboard and `lsblk`-like listings). */
export interface NbdExportStats {
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  flushes: number;
  trims: number;
  writeZeroes: number;
  /** Requests answered with an error. */
  errors: number;
}

export class NbdExport {
  readonly stats: NbdExportStats = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, flushes: 0, trims: 0, writeZeroes: 0, errors: 0 };
  readonly name: string;
  readonly description: string;
  readonly readOnly: boolean;
  /** Largest piece handed to the volume at once: maxTransfer rounded down to whole blocks. */
  private readonly piece: number;
  private readonly locks = new Map<number, Promise<void>>();

  constructor(
    readonly volume: BlockVolume,
    options: NbdExportOptions = {},
  ) {
    this.name = options.name ?? volume.name;
    this.description = options.description ?? '';
    this.readOnly = options.readOnly ?? false;
    const bs = volume.blockSize;
    if (!Number.isInteger(bs) || bs < 1) throw new RangeError(`export ${this.name}: volume blockSize ${bs}: must be a positive integer`);
    if (!Number.isSafeInteger(volume.size) || volume.size < 0 || volume.size % bs !== 0) throw new RangeError(`export ${this.name}: volume size ${volume.size}: must be a multiple of the block size ${bs}`);
    const mt = Number.isFinite(volume.maxTransfer) ? volume.maxTransfer : 32 << 20;
    this.piece = Math.max(bs, Math.floor(mt / bs) * bs);
    if (Buffer.byteLength(this.name, 'utf8') > 4096) throw new RangeError(`export name of ${Buffer.byteLength(this.name, 'utf8')} bytes: NBD allows at most 4096`);
  }

  get size(): number {
    return this.volume.size;
  }

  get blockSize(): number {
    return this.volume.blockSize;
  }

  /**
   * HAS_FLAGS, FLUSH, FUA, TRIM, WRITE_ZEROES, CAN_MULTI_CONN (a flush covers every connection's
   * writes); a read-only export has READ_ONLY instead of the write-side flags.
   */
  get transmissionFlags(): number {
    if (this.readOnly) return TF.HAS_FLAGS | TF.READ_ONLY | TF.SEND_FLUSH | TF.CAN_MULTI_CONN;
    return TF.HAS_FLAGS | TF.SEND_FLUSH | TF.SEND_FUA | TF.SEND_TRIM | TF.SEND_WRITE_ZEROES | TF.CAN_MULTI_CONN;
  }

  /** Reads `into.length` bytes at any byte offset (the caller checked the range). */
  async read(offset: number, into: Uint8Array): Promise<void> {
    if (this.direct(offset, into.length)) return this.volume.read(offset, into);
    const bs = this.blockSize;
    const end = offset + into.length;
    const alignedStart = ceil(offset, bs);
    const alignedEnd = floor(end, bs);
    const work: Promise<void>[] = [];
    if (alignedStart > alignedEnd) {
      // Inside one block.
      work.push(this.readPartial(floor(offset, bs), offset, into));
    } else {
      if (offset < alignedStart) work.push(this.readPartial(alignedStart - bs, offset, into.subarray(0, alignedStart - offset)));
      for (let at = alignedStart; at < alignedEnd; at += this.piece) {
        const n = Math.min(this.piece, alignedEnd - at);
        work.push(this.volume.read(at, into.subarray(at - offset, at - offset + n)));
      }
      if (alignedEnd < end) work.push(this.readPartial(alignedEnd, alignedEnd, into.subarray(alignedEnd - offset)));
    }
    await all(work);
  }

  /** Writes `data` at any byte offset; partial blocks are read-modify-written under their block lock. */
  async write(offset: number, data: Uint8Array, fua: boolean): Promise<void> {
    if (this.direct(offset, data.length)) return this.volume.write(offset, data, fua ? FUA : NO_FUA);
    await this.update(offset, data.length, fua, (at, n) => this.volume.write(at, data.subarray(at - offset, at - offset + n), fua ? FUA : NO_FUA), (block, from, to, buf) => {
      buf.set(data.subarray(from - offset, to - offset), from - block);
    });
  }

  /** The range reads as zeroes afterwards. */
  async writeZeroes(offset: number, length: number, fua: boolean): Promise<void> {
    await this.update(offset, length, fua, (at, n) => this.volume.writeZeroes(at, n), (block, from, to, buf) => {
      buf.fill(0, from - block, to - block);
    });
    if (fua) await this.volume.flush();
  }

  /** Deallocates the whole blocks of the range (NBD lets the server ignore the partial ones). */
  async trim(offset: number, length: number, fua: boolean): Promise<void> {
    const bs = this.blockSize;
    const start = ceil(offset, bs);
    const end = floor(offset + length, bs);
    if (end > start) await this.volume.trim(start, end - start);
    if (fua) await this.volume.flush();
  }

  flush(): Promise<void> {
    return this.volume.flush();
  }

  /** Aligned and within one piece: the common case goes straight to the volume (no arrays, no closures). */
  private direct(offset: number, length: number): boolean {
    const bs = this.blockSize;
    return offset % bs === 0 && length % bs === 0 && length <= this.piece;
  }

  /**
   * Splits [offset, offset+length) into partial head/tail blocks (patched in a block-sized
   * buffer and written back under the block's lock) and whole blocks (`whole`, in pieces).
   */
  private async update(offset: number, length: number, fua: boolean, whole: (at: number, n: number) => Promise<void>, patch: (block: number, from: number, to: number, buf: Uint8Array) => void): Promise<void> {
    const bs = this.blockSize;
    const end = offset + length;
    const alignedStart = ceil(offset, bs);
    const alignedEnd = floor(end, bs);
    const work: Promise<void>[] = [];
    if (alignedStart > alignedEnd) {
      work.push(this.modify(floor(offset, bs), offset, end, fua, patch));
    } else {
      if (offset < alignedStart) work.push(this.modify(alignedStart - bs, offset, alignedStart, fua, patch));
      for (let at = alignedStart; at < alignedEnd; at += this.piece) work.push(whole(at, Math.min(this.piece, alignedEnd - at)));
      if (alignedEnd < end) work.push(this.modify(alignedEnd, alignedEnd, end, fua, patch));
    }
    await all(work);
  }

  private async readPartial(block: number, from: number, into: Uint8Array): Promise<void> {
    const buf = new Uint8Array(this.blockSize);
    await this.volume.read(block, buf);
    into.set(buf.subarray(from - block, from - block + into.length));
  }

  /** Read-modify-write of the block at byte `block`, bytes [from, to) patched. */
  private modify(block: number, from: number, to: number, fua: boolean, patch: (block: number, from: number, to: number, buf: Uint8Array) => void): Promise<void> {
    return this.locked(block, async () => {
      const buf = new Uint8Array(this.blockSize);
      await this.volume.read(block, buf);
      patch(block, from, to, buf);
      await this.volume.write(block, buf, fua ? FUA : NO_FUA);
    });
  }

  /** Runs `fn` once every earlier holder of the block's lock is done. */
  private async locked(block: number, fn: () => Promise<void>): Promise<void> {
    const before = this.locks.get(block);
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.locks.set(block, mine);
    try {
      if (before !== undefined) await before;
      await fn();
    } finally {
      release();
      if (this.locks.get(block) === mine) this.locks.delete(block);
    }
  }

  /** Partial-block locks held or waited for (tests check none leak). */
  get lockedBlocks(): number {
    return this.locks.size;
  }
}

const FUA = { fua: true } as const;
const NO_FUA = { fua: false } as const;

const floor = (x: number, bs: number): number => x - (x % bs);
const ceil = (x: number, bs: number): number => (x % bs === 0 ? x : x - (x % bs) + bs);

/** Waits for every piece; the first failure rejects, but only once all have settled (no I/O left running into a reused buffer). */
async function all(work: Promise<void>[]): Promise<void> {
  if (work.length === 1) return work[0];
  const results = await Promise.allSettled(work);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
