// A conventional NVM namespace (CSI 0) over a region of a media ByteStore, with the LBA formats,
// metadata and identity the original emulator offers (seed-emulator-behaviour.md 1.1) and its
// metadata bug fixed: I/O with metadata works, inline (extended LBA) or through MPTR. The region's
// layout and header are in conventional-region.ts, the per-block state in block-state-map.ts.
// Deallocated blocks read as zeroes; with DULBE on they fail reads instead.
import type { ByteStore } from '../media/index.js';
import { DeallocatedReadValue, IDENTIFY_NAMESPACE, LBA_FORMAT, encode, u128Bytes } from '../spec/index.js';
import { BlockState, BlockStateMap, SeenState } from './block-state-map.js';
import type { CommandTable } from './command.js';
import { type BlockNamespace, NVM_IO, NvmStatus } from './commands/nvm.js';
import { type LbaFormat, type Region, lbaFormats, namespaceIds, readRegionHeader, recordOf, regionOf, writeRegionHeader } from './conventional-region.js';
import { Direction, type DataMover } from './data-mover.js';

/** NSFEAT bit 2: Deallocated or Unwritten Logical Block error (DULBE) supported. */
const NSFEAT_DAE = 1 << 2;
/** DLFEAT: deallocated blocks read as zeroes (bits 2:0 = 1); Write Zeroes honours DEAC (bit 3). */
export const CONVENTIONAL_DLFEAT = DeallocatedReadValue.ZEROES | (1 << 3);
/** MC bits: metadata inline (extended LBA) or in a separate buffer. */
const MC_EXTENDED = 1 << 0;
const MC_SEPARATE = 1 << 1;

/** Blocks moved per store access: bounds the scratch buffer whatever the transfer. */
const CHUNK_BYTES = 1 << 20;
const ZEROES = new Uint8Array(1 << 16);

export interface ConventionalNamespaceOptions {
  /** 1..0xFFFFFFFE. */
  readonly nsid: number;
  readonly store: ByteStore;
  /** The namespace's region of the store: [offset, offset + bytes). */
  readonly offset: number;
  readonly bytes: number;
  /** LBA formats offered, 1..16 (the original's nlbaf; default 5). */
  readonly nlbaf?: number;
  /** Format of a new region (the original's lba_index; default 3, 4 KiB without metadata). A region remembers its format. */
  readonly lbaIndex?: number;
  /** Metadata bytes per block of the upper formats, 0..65535 (the original's meta; default 0). */
  readonly ms?: number;
  /** Metadata after each block's data (FLBAS bit 4) rather than in a separate buffer (default false). */
  readonly extended?: boolean;
  /** The controller's serial number: with the NSID it seeds NGUID and EUI64. */
  readonly serial: string;
  /** IEEE OUI in NGUID and EUI64 (default 0x0002B3, the original's). */
  readonly ieeeOui?: number;
  /** I/O commands (default: the NVM command set). */
  readonly io?: CommandTable;
  /** close() also closes the store (default false: a store may hold several regions). */
  readonly ownsStore?: boolean;
}

export class ConventionalNamespace implements BlockNamespace {
  readonly kind = 'nvm' as const;
  readonly csi = 0;
  readonly nsid: number;
  readonly io: CommandTable;
  readonly nguid: Uint8Array;
  readonly eui64: Uint8Array;
  readonly formats: readonly LbaFormat[];
  readonly extended: boolean;
  readonly region: Region;
  private readonly store: ByteStore;
  private readonly ownsStore: boolean;
  private format_ = 0;
  private lbaSize_ = 0;
  private ms_ = 0;
  private nsze_ = 0;
  /** lbaSize + ms: one block on disk. */
  private record = 0;
  private map: BlockStateMap;
  /** Transfer scratch: [records of a chunk][the same blocks in host form]. Grown, never shrunk. */
  private scratch = new Uint8Array(0);
  private closed = false;

  constructor(o: ConventionalNamespaceOptions) {
    const nlbaf = o.nlbaf ?? 5;
    const ms = o.ms ?? 0;
    const lbaIndex = o.lbaIndex ?? 3;
    const what = `namespace ${o.nsid}`;
    need(Number.isInteger(o.nsid) && o.nsid >= 1 && o.nsid <= 0xfffffffe, `${what}: nsid = ${o.nsid}: allowed 1..4294967294`);
    need(Number.isInteger(nlbaf) && nlbaf >= 1 && nlbaf <= 16, `${what}: nlbaf = ${nlbaf}: allowed 1..16`);
    need(Number.isInteger(lbaIndex) && lbaIndex >= 0 && lbaIndex < nlbaf, `${what}: lba_index = ${lbaIndex}: allowed 0..${nlbaf - 1} (below nlbaf)`);
    need(Number.isInteger(ms) && ms >= 0 && ms <= 0xffff, `${what}: ms = ${ms}: allowed 0..65535 bytes`);
    need(Number.isInteger(o.offset) && o.offset >= 0, `${what}: offset = ${o.offset}: must be a byte offset >= 0`);
    need(Number.isInteger(o.bytes) && o.bytes > 0, `${what}: bytes = ${o.bytes}: must be > 0`);
    this.nsid = o.nsid;
    this.store = o.store;
    this.ownsStore = o.ownsStore ?? false;
    this.extended = o.extended ?? false;
    this.io = o.io ?? NVM_IO;
    this.formats = lbaFormats(nlbaf, ms);
    this.region = regionOf(o.offset, o.bytes, nlbaf, ms, this.formats);
    need(this.region.dataBytes > 0, `${what}: bytes = ${o.bytes}: too small, the header and block state take ${this.region.stateBytes}`);
    const saved = readRegionHeader(this.store, this.region, o.nsid);
    const lbaf = saved ?? lbaIndex;
    need(this.capacityOf(lbaf) >= 1, `${what}: bytes = ${o.bytes}: no room for one ${recordOf(this.formats[lbaf]!)}-byte block of format ${lbaf}`);
    this.use(lbaf);
    this.map = new BlockStateMap(this.store, this.region.bitmapAt, this.nsze);
    this.map.load();
    if (saved === undefined) {
      // A new region: whatever its bytes held before, every block starts deallocated.
      if (!this.map.isClear()) this.map.clear();
      writeRegionHeader(this.store, this.region, lbaf);
    }
    ({ nguid: this.nguid, eui64: this.eui64 } = namespaceIds(o.serial, o.nsid, o.ieeeOui ?? 0x0002b3));
  }

  /** The LBA format in use. */
  get lbaf(): number {
    return this.format_;
  }
  get lbaSize(): number {
    return this.lbaSize_;
  }
  get ms(): number {
    return this.ms_;
  }
  /** NSZE = NCAP: whole records that fit the data area. */
  get nsze(): number {
    return this.nsze_;
  }
  /** NUSE: blocks mapped (written and not deallocated since). */
  get nuse(): number {
    return this.map.mapped;
  }
  /** Memory held for transfers and for the block state map. */
  get scratchBytes(): number {
    return this.scratch.length;
  }
  get stateResidentBytes(): number {
    return this.map.residentBytes;
  }

  identify(buf: Uint8Array): void {
    const nsze = BigInt(this.nsze);
    const ms = this.ms;
    encode(
      IDENTIFY_NAMESPACE,
      {
        nsze,
        ncap: nsze,
        nuse: BigInt(this.nuse),
        nsfeat: NSFEAT_DAE,
        nlbaf: this.formats.length - 1,
        flbas: this.format_ | (this.extended ? 1 << 4 : 0),
        mc: ms === 0 ? 0 : this.extended ? MC_EXTENDED : MC_SEPARATE,
        dlfeat: CONVENTIONAL_DLFEAT,
        nvmcap: u128Bytes(nsze * BigInt(this.lbaSize)),
        nguid: this.nguid,
        eui64: this.eui64,
      },
      buf,
    );
    this.formats.forEach((fmt, k) => encode(LBA_FORMAT, { ms: fmt.ms, lbads: fmt.lbads }, buf, IDENTIFY_NAMESPACE.offset.lbaf0 + 4 * k));
  }

  /** The NVM-specific Identify Namespace (CNS 5, CSI 0): no PI, no extended formats, all zero. */
  identifyCsi(csi: number): boolean {
    return csi === 0;
  }

  flush(): void {
    this.store.sync();
  }

  /**
   * Format NVM. Any change of format, and any secure erase (ses 1 or 2), deallocates every block
   * (reads return zeroes); ses 0 to the format in use changes nothing.
   */
  format(lbaf: number, ses: number): number {
    if (!Number.isInteger(lbaf) || lbaf < 0 || lbaf >= this.formats.length || this.capacityOf(lbaf) < 1) return NvmStatus.INVALID_FORMAT;
    if (lbaf === this.format_ && ses === 0) return 0;
    const nsze = this.capacityOf(lbaf);
    const old = this.map.lbas;
    // Clear the bits before the header names the new format: a crash in between leaves the old
    // format with every block deallocated, never marks laid over the wrong blocks.
    this.map = new BlockStateMap(this.store, this.region.bitmapAt, nsze);
    this.map.clear(Math.max(old, nsze));
    this.use(lbaf);
    writeRegionHeader(this.store, this.region, lbaf);
    return 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.store.sync();
    if (this.ownsStore) this.store.close();
  }

  // ---- BlockNamespace ----

  readBlocks(data: DataMover, slba: number, nlb: number, dulbe: boolean): number {
    const seen = this.map.scan(slba, nlb);
    const st = readable(seen, dulbe);
    if (st !== 0) return st;
    const rec = this.record;
    const k = this.chunkOf(nlb);
    const buf = this.scratchFor(k);
    const host = k * rec;
    for (let done = 0; done < nlb; ) {
      const n = Math.min(k, nlb - done);
      // A transport holding the data in one buffer takes the records in place (no scratch copy).
      const direct = this.separate ? undefined : data.view?.(done * rec, n * rec, Direction.TO_HOST);
      if (direct !== undefined) {
        this.readRecords(direct, slba + done, n, (seen & SeenState.DEALLOCATED) !== 0);
        done += n;
        continue;
      }
      this.readRecords(buf, slba + done, n, (seen & SeenState.DEALLOCATED) !== 0);
      let s: number;
      if (!this.separate) s = data.toHost(buf, 0, done * rec, n * rec);
      else {
        this.split(buf, n, host);
        const ls = this.lbaSize;
        const ms = this.ms;
        s = data.toHost(buf, host, done * ls, n * ls) || data.metaToHost(buf, host + n * ls, done * ms, n * ms);
      }
      if (s !== 0) return s;
      done += n;
    }
    return 0;
  }

  writeBlocks(data: DataMover, slba: number, nlb: number): number {
    const rec = this.record;
    const k = this.chunkOf(nlb);
    const buf = this.scratchFor(k);
    const host = k * rec;
    for (let done = 0; done < nlb; ) {
      const n = Math.min(k, nlb - done);
      const direct = this.separate ? undefined : data.view?.(done * rec, n * rec, Direction.FROM_HOST);
      if (direct !== undefined) {
        this.store.write(direct, this.recordAt(slba + done), 0, n * rec);
        this.map.set(slba + done, n, BlockState.MAPPED);
        done += n;
        continue;
      }
      let s: number;
      if (!this.separate) s = data.fromHost(buf, 0, done * rec, n * rec);
      else {
        const ls = this.lbaSize;
        const ms = this.ms;
        s = data.fromHost(buf, host, done * ls, n * ls) || data.metaFromHost(buf, host + n * ls, done * ms, n * ms);
        if (s === 0) this.join(buf, n, host);
      }
      if (s !== 0) return s;
      // Data first, then the state: a crash in between leaves the blocks as they were mapped before.
      this.store.write(buf, this.recordAt(slba + done), 0, n * rec);
      this.map.set(slba + done, n, BlockState.MAPPED);
      done += n;
    }
    return 0;
  }

  compareBlocks(data: DataMover, slba: number, nlb: number, dulbe: boolean): number {
    const seen = this.map.scan(slba, nlb);
    const st = readable(seen, dulbe);
    if (st !== 0) return st;
    const rec = this.record;
    const ls = this.lbaSize;
    const ms = this.ms;
    const k = this.chunkOf(nlb);
    const buf = this.scratchFor(k);
    const host = k * rec;
    for (let done = 0; done < nlb; ) {
      const n = Math.min(k, nlb - done);
      let s: number;
      if (!this.separate) s = data.fromHost(buf, host, done * rec, n * rec);
      else s = data.fromHost(buf, host, done * ls, n * ls) || data.metaFromHost(buf, host + n * ls, done * ms, n * ms);
      if (s !== 0) return s;
      this.readRecords(buf, slba + done, n, (seen & SeenState.DEALLOCATED) !== 0);
      if (!(this.separate ? this.sameSeparate(buf, n, host) : same(buf, 0, host, n * rec))) return NvmStatus.COMPARE_FAILURE;
      done += n;
    }
    return 0;
  }

  verifyBlocks(slba: number, nlb: number, dulbe: boolean): number {
    const st = readable(this.map.scan(slba, nlb), dulbe);
    if (st !== 0) return st;
    // Read the blocks through, so a backing file that cannot be read fails here too (Internal Error).
    const k = this.chunkOf(nlb);
    const buf = this.scratchFor(k);
    for (let done = 0; done < nlb; done += k) this.store.read(buf, this.recordAt(slba + done), 0, Math.min(k, nlb - done) * this.record);
    return 0;
  }

  writeZeroes(slba: number, nlb: number, deallocate: boolean): number {
    if (deallocate) return this.deallocate(slba, nlb);
    const end = this.recordAt(slba + nlb);
    for (let at = this.recordAt(slba); at < end; at += ZEROES.length) this.store.write(ZEROES, at, 0, Math.min(ZEROES.length, end - at));
    this.map.set(slba, nlb, BlockState.MAPPED);
    return 0;
  }

  deallocate(slba: number, nlb: number): number {
    this.map.set(slba, nlb, BlockState.DEALLOCATED);
    return 0;
  }

  writeUncorrectable(slba: number, nlb: number): number {
    this.map.set(slba, nlb, BlockState.UNCORRECTABLE);
    return 0;
  }

  // ---- internals ----

  /** Metadata travels in its own buffer (MPTR), so host form and record form differ. */
  private get separate(): boolean {
    return !this.extended && this.ms_ !== 0;
  }

  private use(lbaf: number): void {
    const fmt = this.formats[lbaf]!;
    this.format_ = lbaf;
    this.lbaSize_ = 2 ** fmt.lbads;
    this.ms_ = fmt.ms;
    this.record = recordOf(fmt);
    this.nsze_ = this.capacityOf(lbaf);
  }

  private capacityOf(lbaf: number): number {
    return Math.floor(this.region.dataBytes / recordOf(this.formats[lbaf]!));
  }

  private recordAt(lba: number): number {
    return this.region.dataStart + lba * this.record;
  }

  /** Blocks per chunk for a transfer of nlb blocks. */
  private chunkOf(nlb: number): number {
    return Math.min(nlb, Math.max(1, Math.floor(CHUNK_BYTES / this.record)));
  }

  /** Scratch for k blocks: records, then the same blocks in host form. */
  private scratchFor(k: number): Uint8Array {
    const need = 2 * k * this.record;
    if (this.scratch.length < need) this.scratch = new Uint8Array(need);
    return this.scratch;
  }

  /** Reads n records into buf[0..]; deallocated blocks read as zeroes (DLFEAT). */
  private readRecords(buf: Uint8Array, lba: number, n: number, someDeallocated: boolean): void {
    const rec = this.record;
    this.store.read(buf, this.recordAt(lba), 0, n * rec);
    if (!someDeallocated) return;
    for (let i = 0; i < n; i++) if (this.map.get(lba + i) === BlockState.DEALLOCATED) buf.fill(0, i * rec, (i + 1) * rec);
  }

  /** Records at buf[0..] to host form at buf[to..]: n blocks of data, then n blocks of metadata. */
  private split(buf: Uint8Array, n: number, to: number): void {
    const ls = this.lbaSize;
    const rec = this.record;
    const meta = to + n * ls;
    for (let i = 0; i < n; i++) {
      buf.copyWithin(to + i * ls, i * rec, i * rec + ls);
      buf.copyWithin(meta + i * this.ms, i * rec + ls, (i + 1) * rec);
    }
  }

  /** Records at buf[0..] against host form at buf[host..], data and metadata. */
  private sameSeparate(buf: Uint8Array, n: number, host: number): boolean {
    const ls = this.lbaSize;
    const ms = this.ms;
    const rec = this.record;
    const meta = host + n * ls;
    for (let i = 0; i < n; i++) if (!same(buf, i * rec, host + i * ls, ls) || !same(buf, i * rec + ls, meta + i * ms, ms)) return false;
    return true;
  }

  /** Host form at buf[from..] to records at buf[0..]. */
  private join(buf: Uint8Array, n: number, from: number): void {
    const ls = this.lbaSize;
    const ms = this.ms;
    const rec = this.record;
    const meta = from + n * ls;
    for (let i = 0; i < n; i++) {
      buf.copyWithin(i * rec, from + i * ls, from + (i + 1) * ls);
      buf.copyWithin(i * rec + ls, meta + i * ms, meta + (i + 1) * ms);
    }
  }
}

function same(buf: Uint8Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Uncorrectable blocks fail a read; deallocated ones fail it only with DULBE on. */
function readable(seen: number, dulbe: boolean): number {
  if ((seen & SeenState.UNCORRECTABLE) !== 0) return NvmStatus.UNRECOVERED_READ_ERROR;
  if (dulbe && (seen & SeenState.DEALLOCATED) !== 0) return NvmStatus.DEALLOCATED_OR_UNWRITTEN;
  return 0;
}

function need(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}
