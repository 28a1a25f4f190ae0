// An OCSSD 1.2 namespace (kind 'ocssd12') on a NandMedia: the 1.2 Device Identification, the
// bad block table, and the physical erase / write / read of PPAs (commands/ocssd12.ts parses the
// commands and calls the execute* methods here), plus plain NVMe block access to the same bytes
// over the whole NSZE (BlockNamespace), as the original emulator had it
// (seed-emulator-behaviour.md 2.1, 3.1-3.4).
//
// Sector index of a PPA = the media's disk sector (ch, lun, blk, pg, pln, sec from the top), so
// plain LBA i and the PPA whose linear index is i name the same bytes. NSZE (ns_blks) is larger
// than what PPAs reach; the rest is plain-LBA only. Chunks are RANDOM-type media chunks: like the
// original, a sector must be erased before it is written, but pages need not go in order.
import { ImmediateTiming, MediaStatus, type NandMedia } from '../media/index.js';
import {
  IDENTIFY_NAMESPACE,
  LBA_FORMAT,
  OCSSD12_BBT_HEADER,
  OCSSD12_BBT_HEADER_SIZE,
  OCSSD12_BBT_TBLID,
  OCSSD12_BBT_VERID,
  OCSSD12_GROUP,
  OCSSD12_GROUP_OFFSET,
  OCSSD12_IDENTITY,
  OCSSD12_MPOS_BY_PLANES,
  OCSSD12_VER_ID,
  Ocssd12BbtEntry,
  Ocssd12Cap,
  Ocssd12Mccap,
  Ocssd12PlaneAccess,
  type PpaFormat,
  encode,
  ppaFormatFor,
  ppafIdentityValues,
  u128Bytes,
} from '../spec/index.js';
import type { CommandTable } from './command.js';
import { type BlockNamespace, NvmStatus } from './commands/nvm.js';
import { lbaFormats, namespaceIds } from './conventional-region.js';
import type { DataMover } from './data-mover.js';
import { type Bitmap64, Ppa12Codec, PpaProblem, describePpa12, newPpa12, type Ppa12 } from './ocssd12-address.js';
import { LbaMarks } from './lba-marks.js';
import { Ocssd12Errors as E, eraseStatus, readStatus, writeStatus } from './ocssd12-status.js';

/** Where a namespace's bad block table is kept besides the media (the original's lbbtable file). */
export interface Ocssd12BbtStore {
  /** The saved table (one byte per chunk, entry = chunk index), or undefined when there is none yet. */
  load(): Uint8Array | undefined;
  /** Replaces the saved table (atomically). Throws on failure. */
  save(table: Uint8Array): void;
  /** For messages. */
  readonly label: string;
}

export interface Ocssd12Settings {
  /** Identity DOM (the original's ll2pmode: bit 0 = device-side L2P). */
  readonly dom: number;
  /** Identity MTYPE / FMTYPE (lmtype, lfmtype). */
  readonly mtype: number;
  readonly fmtype: number;
  /** Most PPAs per vector command, 1..64 (lmax_sec_per_rq). */
  readonly maxPpas: number;
  /** lstrict: an erase with more than one PPA is refused. */
  readonly strict: boolean;
  /** lb_err_write / ln_err_write: after every `threshold` sectors written, fail `count` of them (0 = off). */
  readonly errWriteThreshold: number;
  readonly errWriteCount: number;
  /** ldebug: log every PPA command's addresses through `log`. */
  readonly debug: boolean;
}

export const DEFAULT_OCSSD12_SETTINGS: Ocssd12Settings = { dom: 0, mtype: 0, fmtype: 0, maxPpas: 64, strict: false, errWriteThreshold: 0, errWriteCount: 0, debug: false };

export interface Ocssd12NamespaceOptions {
  readonly nsid: number;
  /** The namespace's NAND array (1.2 view: groups = channels, PUs = LUNs per channel). */
  readonly media: NandMedia;
  /** NSZE in logical blocks (the original's ns_blks); at least the sectors PPAs reach. */
  readonly nsze: number;
  /** LBA formats offered (nlbaf) and the one in use (lba_index): its size must be the sector size. */
  readonly nlbaf: number;
  readonly lbaIndex: number;
  readonly serial: string;
  readonly ieeeOui?: number;
  readonly settings?: Partial<Ocssd12Settings>;
  /** The lbbtable file: loaded at construction (its marks go into the media), saved on Set BBT. */
  readonly bbt?: Ocssd12BbtStore;
  readonly io: CommandTable;
  /** Debug lines (ldebug) and problems worth a line (a BBT file that could not be written). */
  readonly log?: (line: string) => void;
  /** close() also closes the media (default true). */
  readonly ownsMedia?: boolean;
}

/** Bytes moved per store access in plain block I/O. */
const CHUNK_BYTES = 1 << 20;
const ZEROES = new Uint8Array(1 << 16);
const TWO32 = 2 ** 32;

export class Ocssd12Namespace implements BlockNamespace {
  readonly kind = 'ocssd12' as const;
  readonly csi = 0;
  readonly ms = 0;
  readonly extended = false;
  readonly nsid: number;
  readonly io: CommandTable;
  readonly nsze: number;
  readonly lbaSize: number;
  readonly nguid: Uint8Array;
  readonly eui64: Uint8Array;
  readonly media: NandMedia;
  readonly ppaFormat: PpaFormat;
  readonly codec: Ppa12Codec;
  readonly settings: Ocssd12Settings;
  readonly nlbaf: number;
  readonly lbaIndex: number;
  /** Sectors PPAs reach (the rest of NSZE is plain-LBA only). */
  readonly ppaSectors: number;

  /** Write-error injection counter (sectors written since the last injected failure). */
  errWriteCounter = 0;
  /** Emulated time (ns) the last execute* call's media work completes (the timing model's answer), on the media's clock. */
  completesAt = 0;

  /** A timing model prices media work (else every operation completes at once). */
  get timed(): boolean {
    return !(this.media.timing instanceof ImmediateTiming);
  }

  private readonly bbt: Ocssd12BbtStore | undefined;
  private readonly log: (line: string) => void;
  private readonly ownsMedia: boolean;
  /** LBAs marked by Write Uncorrectable (kept in memory, as the original did). */
  private readonly uncorrectable: LbaMarks;
  /** Per-command scratch, sized once for maxPpas. */
  readonly ppaLo: Uint32Array;
  readonly ppaHi: Uint32Array;
  private readonly chunkOf: Int32Array;
  private readonly sectorOf: Int32Array;
  private readonly data: Uint8Array;
  private readonly oob: Uint8Array;
  private readonly addr: Ppa12 = newPpa12();
  private plain = new Uint8Array(0);
  private closed = false;

  constructor(o: Ocssd12NamespaceOptions) {
    const g = o.media.geometry;
    const what = `namespace ${o.nsid}`;
    need(Number.isInteger(o.nsid) && o.nsid >= 1 && o.nsid <= 0xfffffffe, `${what}: nsid = ${o.nsid}: allowed 1..4294967294`);
    need(Number.isInteger(o.nlbaf) && o.nlbaf >= 1 && o.nlbaf <= 16, `${what}: nlbaf = ${o.nlbaf}: allowed 1..16`);
    need(Number.isInteger(o.lbaIndex) && o.lbaIndex >= 0 && o.lbaIndex < o.nlbaf, `${what}: lba_index = ${o.lbaIndex}: allowed 0..${o.nlbaf - 1} (below nlbaf)`);
    need(512 * 2 ** o.lbaIndex === g.sectorSize, `${what}: lba_index = ${o.lbaIndex} gives ${512 * 2 ** o.lbaIndex}-byte blocks, but the sector size (lsec_size) is ${g.sectorSize}`);
    need(Number.isInteger(o.nsze) && o.nsze >= g.totalSectors, `${what}: nsze = ${o.nsze}: must hold the ${g.totalSectors} sectors PPAs reach`);
    need(g.sectorSize * g.sectorsPerPage <= 0xffff, `${what}: flash page of ${g.sectorSize * g.sectorsPerPage} bytes does not fit the identity's u16 FPG_SZ`);
    need(g.groups <= 0xff && g.pusPerGroup <= 0xff && g.blocksPerPlane <= 0xffff && g.pagesPerBlock <= 0xffff, `${what}: geometry ${g.describe()} does not fit the 1.2 identity (u8 channels and LUNs, u16 blocks and pages)`);
    const settings = { ...DEFAULT_OCSSD12_SETTINGS, ...o.settings };
    need(Number.isInteger(settings.maxPpas) && settings.maxPpas >= 1 && settings.maxPpas <= 64, `${what}: maxPpas = ${settings.maxPpas}: allowed 1..64 (the completion bitmap has 64 bits)`);
    this.nsid = o.nsid;
    this.media = o.media;
    this.io = o.io;
    this.nsze = o.nsze;
    this.lbaSize = g.sectorSize;
    this.nlbaf = o.nlbaf;
    this.lbaIndex = o.lbaIndex;
    this.settings = settings;
    this.ppaSectors = g.totalSectors;
    this.bbt = o.bbt;
    this.log = o.log ?? ((line) => process.stdout.write(`${line}\n`));
    this.ownsMedia = o.ownsMedia ?? true;
    this.ppaFormat = ppaFormatFor({ ch: g.groups, lun: g.pusPerGroup, pln: g.planes, blk: g.blocksPerPlane, pg: g.pagesPerBlock, sec: g.sectorsPerPage });
    this.codec = new Ppa12Codec(this.ppaFormat, g);
    this.uncorrectable = new LbaMarks(o.nsze);
    const n = settings.maxPpas;
    this.ppaLo = new Uint32Array(n);
    this.ppaHi = new Uint32Array(n);
    this.chunkOf = new Int32Array(n);
    this.sectorOf = new Int32Array(n);
    this.data = new Uint8Array(n * g.sectorSize);
    this.oob = new Uint8Array(Math.max(1, n * g.oobSize));
    ({ nguid: this.nguid, eui64: this.eui64 } = namespaceIds(o.serial, o.nsid, o.ieeeOui ?? 0x0002b3));
    if (this.bbt !== undefined) this.applyBbt(this.bbt.load());
  }

  // ---- Namespace ----

  identify(buf: Uint8Array): void {
    const nsze = BigInt(this.nsze);
    encode(IDENTIFY_NAMESPACE, { nsze, ncap: nsze, nuse: nsze, nlbaf: this.nlbaf - 1, flbas: this.lbaIndex, nvmcap: u128Bytes(nsze * BigInt(this.lbaSize)), nguid: this.nguid, eui64: this.eui64 }, buf);
    lbaFormats(this.nlbaf, 0).forEach((fmt, k) => encode(LBA_FORMAT, { ms: fmt.ms, lbads: fmt.lbads }, buf, IDENTIFY_NAMESPACE.offset.lbaf0 + 4 * k));
    // vs[0] = 1: with the CNEX PCI IDs, what makes Linux register the namespace as LightNVM.
    buf[IDENTIFY_NAMESPACE.offset.vs] = 1;
  }

  identifyCsi(csi: number): boolean {
    return csi === 0;
  }

  /** The 4096-byte 1.2 Device Identification (specs.md 1.2, seed-emulator-behaviour.md 3.1). */
  ocssdIdentity(buf: Uint8Array): void {
    const g = this.media.geometry;
    const s = this.settings;
    encode(OCSSD12_IDENTITY, { ver_id: OCSSD12_VER_ID, vmnt: 0, cgrps: 1, cap: Ocssd12Cap.BAD_BLOCK_MGMT | Ocssd12Cap.HYBRID_ECC, dom: s.dom, ...ppafIdentityValues(this.ppaFormat) }, buf);
    encode(
      OCSSD12_GROUP,
      {
        mtype: s.mtype,
        fmtype: s.fmtype,
        num_ch: g.groups,
        num_lun: g.pusPerGroup,
        num_pln: g.planes,
        num_blk: g.blocksPerPlane,
        num_pg: g.pagesPerBlock,
        fpg_sz: g.sectorSize * g.sectorsPerPage,
        csecs: g.sectorSize,
        sos: g.oobSize,
        // The original's "realistic timings" (ns): typical / max read, program, erase.
        trdt: 70_000,
        trdm: 100_000,
        tprt: 1_900_000,
        tprm: 3_500_000,
        tbet: 3_000_000,
        tbem: 3_000_000,
        mpos: OCSSD12_MPOS_BY_PLANES[g.planes as 1 | 2 | 4],
        mccap: Ocssd12Mccap.SLC,
        cpar: 0,
      },
      buf,
      OCSSD12_GROUP_OFFSET,
    );
  }

  flush(): void {
    this.media.sync();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsMedia) this.media.close();
    else this.media.sync();
  }

  // ---- PPA resolution ----

  /**
   * Resolves ppaLo/ppaHi[0..n) into chunks and sectors. Returns -1, or the index of the first
   * PPA that names no sector of this namespace (`problem` says why).
   */
  resolve(n: number): number {
    const g = this.media.geometry;
    const a = this.addr;
    for (let i = 0; i < n; i++) {
      const p = this.codec.decode(this.ppaLo[i]!, this.ppaHi[i]!, a);
      if (p !== PpaProblem.NONE) {
        this.problem = p;
        return i;
      }
      this.chunkOf[i] = g.chunkOf12(a.ch, a.lun, a.blk, a.pln);
      this.sectorOf[i] = a.pg * g.sectorsPerPage + a.sec;
    }
    return -1;
  }

  /** Why the last resolve() failed. */
  problem: PpaProblem = PpaProblem.NONE;

  // ---- physical commands (the handlers in commands/ocssd12.ts parse, these execute) ----

  /**
   * Physical Page Write of the n resolved PPAs: data (and OOB when `withOob`) come from the
   * DataMover, already prepared. Returns the status; `bitmap` holds the failed PPAs.
   */
  executeWrite(data: DataMover, n: number, withOob: boolean, bitmap: Bitmap64): number {
    const g = this.media.geometry;
    const ss = g.sectorSize;
    const sos = g.oobSize;
    let st = data.fromHost(this.data, 0, 0, n * ss);
    if (st === 0 && withOob) st = data.metaFromHost(this.oob, 0, 0, n * sos);
    if (st !== 0) return st;
    const oob = withOob && sos > 0 ? this.oob : undefined;
    this.completesAt = 0;
    for (let i = 0; i < n; ) {
      const run = this.runAt(i, n);
      const c = this.chunkOf[i]!;
      const s = this.sectorOf[i]!;
      let op = this.media.program(c, s, run, this.data, i * ss, oob, i * sos);
      if (op.completesAt > this.completesAt) this.completesAt = op.completesAt;
      let done = op.status === MediaStatus.OK ? run : op.done;
      // A random-write chunk refuses the whole run when one sector is not erased: write the clean part before it.
      if (op.status === MediaStatus.NOT_ERASED && done > 0) {
        const status = op.status;
        op = this.media.program(c, s, done, this.data, i * ss, oob, i * sos);
        if (op.status !== MediaStatus.OK) done = op.done;
        else op.status = status;
      }
      this.clearUncorrectable(i, done);
      if (op.status !== MediaStatus.OK) {
        bitmap.setRange(i + done, n);
        return writeStatus(op.status);
      }
      i += run;
    }
    return this.injectWriteError(n, bitmap);
  }

  /** Physical Page Read of the n resolved PPAs into the host's data (and OOB). Failed PPAs read as zeroes. */
  executeRead(data: DataMover, n: number, withOob: boolean, bitmap: Bitmap64): number {
    const g = this.media.geometry;
    const ss = g.sectorSize;
    const sos = g.oobSize;
    const oob = withOob && sos > 0 ? this.oob : undefined;
    let first = 0;
    this.completesAt = 0;
    for (let i = 0; i < n; ) {
      const run = this.runAt(i, n);
      const op = this.media.read(this.chunkOf[i]!, this.sectorOf[i]!, run, this.data, i * ss, oob, i * sos);
      if (op.completesAt > this.completesAt) this.completesAt = op.completesAt;
      if (op.status === MediaStatus.OK) {
        i += run;
        continue;
      }
      const at = i + op.done;
      const st = readStatus(op.status);
      bitmap.set(at);
      if (first === 0 || (first === E.WARN_HIGH_ECC && st !== E.WARN_HIGH_ECC)) first = st;
      if (op.status !== MediaStatus.HIGH_ECC) {
        this.data.fill(0, at * ss, (at + 1) * ss);
        if (oob !== undefined) oob.fill(0, at * sos, (at + 1) * sos);
      }
      // Go on after the failed sector: every PPA gets its own verdict in the bitmap.
      i = at + 1;
    }
    if (this.uncorrectable.count > 0) {
      for (let i = 0; i < n; i++) {
        if (this.uncorrectable.has(this.linear(i))) {
          bitmap.set(i);
          this.data.fill(0, i * ss, (i + 1) * ss);
          if (first === 0 || first === E.WARN_HIGH_ECC || first === E.EMPTY_PAGE) first = E.FAIL_ECC;
        }
      }
    }
    const st = data.toHost(this.data, 0, 0, n * ss) || (oob !== undefined ? data.metaToHost(oob, 0, 0, n * sos) : 0);
    return st !== 0 ? st : first;
  }

  /**
   * Physical Block Erase of the n resolved PPAs: the PPA's plane, or every plane of its block in
   * dual / quad plane mode (the handler checked the mode against the planes). A block the BBT
   * marks, or one that is offline, fails; the others are erased.
   */
  executeErase(n: number, planeMode: number, bitmap: Bitmap64): number {
    const g = this.media.geometry;
    let first = 0;
    let retired = false;
    this.completesAt = 0;
    for (let i = 0; i < n; i++) {
      const c = this.chunkOf[i]!;
      const planes = planeMode === Ocssd12PlaneAccess.SINGLE ? 1 : g.planes;
      const base = planeMode === Ocssd12PlaneAccess.SINGLE ? c : c - (c % g.planes);
      for (let p = 0; p < planes; p++) {
        const chunk = base + p;
        let st: number = E.BAD_BLOCK;
        if (this.media.badMark(chunk) === Ocssd12BbtEntry.GOOD) {
          const op = this.media.erase(chunk);
          if (op.completesAt > this.completesAt) this.completesAt = op.completesAt;
          st = eraseStatus(op.status);
          // The media retired the block (grown bad): the lbbtable file must say so too.
          if (st === E.WRITE_FAULT) retired = true;
        }
        if (st !== 0) {
          bitmap.set(i);
          if (first === 0) first = st;
        }
      }
    }
    if (retired) this.saveBbt();
    return first;
  }

  /** The debug line for a command (ldebug): its name, plane mode and each PPA's fields. */
  describeCommand(name: string, n: number, planeMode: number): string {
    const parts: string[] = [];
    const a = newPpa12();
    for (let i = 0; i < n; i++) {
      const p = this.codec.decode(this.ppaLo[i]!, this.ppaHi[i]!, a);
      const raw = `0x${(this.ppaHi[i]! * TWO32 + this.ppaLo[i]!).toString(16)}`;
      parts.push(p === PpaProblem.NONE ? `${raw} (${describePpa12(a)})` : `${raw} (invalid)`);
    }
    return `ocssd12 nsid ${this.nsid} ${name} ${n} PPA(s)${planeMode !== 0 ? `, plane mode ${planeMode}` : ''}: ${parts.join(', ')}`;
  }

  debugLog(line: string): void {
    this.log(line);
  }

  // ---- bad block table ----

  /** Entries of one LUN: index blk * num_pln + pln, the Get BBT order. */
  lunTable(ch: number, lun: number, out: Uint8Array, at: number): { fact: number; grown: number; dev: number; host: number } {
    const g = this.media.geometry;
    const base = g.chunkIndex(ch, lun, 0);
    const counts = { fact: 0, grown: 0, dev: 0, host: 0 };
    for (let k = 0; k < g.chunksPerPu; k++) {
      const v = this.media.badMark(base + k);
      out[at + k] = v;
      if (v === Ocssd12BbtEntry.FACTORY_BAD) counts.fact++;
      else if (v === Ocssd12BbtEntry.GROWN_BAD) counts.grown++;
      else if (v === Ocssd12BbtEntry.DEVICE_RESERVED) counts.dev++;
      else if (v === Ocssd12BbtEntry.HOST_RESERVED) counts.host++;
    }
    return counts;
  }

  /** Fills the Get BBT reply for a LUN into `out` (64-byte header + entries); returns its length. */
  encodeBbt(ch: number, lun: number, out: Uint8Array): number {
    const g = this.media.geometry;
    const c = this.lunTable(ch, lun, out, OCSSD12_BBT_HEADER_SIZE);
    encode(OCSSD12_BBT_HEADER, { tblid: OCSSD12_BBT_TBLID, verid: OCSSD12_BBT_VERID, revid: 0, tblks: g.chunksPerPu, tfact: c.fact, tgrown: c.grown, tdresv: c.dev, thresv: c.host }, out, 0, true);
    return OCSSD12_BBT_HEADER_SIZE + g.chunksPerPu;
  }

  /** Sets the BBT entry of every resolved PPA (block, plane) to `value`, then saves the table. Returns a status. */
  setBadBlocks(n: number, value: number): number {
    for (let i = 0; i < n; i++) this.media.setBadMark(this.chunkOf[i]!, value as Ocssd12BbtEntry);
    return this.saveBbt() ? 0 : E.INTERNAL_ERROR;
  }

  /** Rewrites the lbbtable file from the media's marks; false (and a log line) when that failed. */
  private saveBbt(): boolean {
    if (this.bbt === undefined) return true;
    try {
      this.bbt.save(this.wholeTable());
      return true;
    } catch (e) {
      this.log(`ocssd12 nsid ${this.nsid}: could not save the bad block table to ${this.bbt.label}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  /** The whole table in the lbbtable file's order: one byte per chunk, (ch x luns + lun) x B x P + blk x P + pln. */
  wholeTable(): Uint8Array {
    const total = this.media.geometry.totalChunks;
    const out = new Uint8Array(total);
    for (let c = 0; c < total; c++) out[c] = this.media.badMark(c);
    return out;
  }

  private applyBbt(table: Uint8Array | undefined): void {
    if (table === undefined) return;
    const total = this.media.geometry.totalChunks;
    const label = this.bbt?.label ?? 'bad block table';
    if (table.length !== total) {
      throw new RangeError(`${label}: ${table.length} bytes, but namespace ${this.nsid} needs exactly ${total} (num_ch x num_lun x num_blk x num_pln = ${this.media.geometry.describe()})`);
    }
    for (let c = 0; c < total; c++) {
      const v = table[c]!;
      if (!isBbtValue(v)) throw new RangeError(`${label}: entry ${c} is ${v}; allowed 0 (good), 1 (factory bad), 2 (grown bad), 4 (device reserved), 8 (host reserved)`);
      if (this.media.badMark(c) !== v) this.media.setBadMark(c, v as Ocssd12BbtEntry);
    }
  }

  // ---- BlockNamespace: plain NVMe access to the same bytes ----

  readBlocks(data: DataMover, slba: number, nlb: number): number {
    if (this.uncorrectable.any(slba, nlb)) return NvmStatus.UNRECOVERED_READ_ERROR;
    const ls = this.lbaSize;
    const k = this.pieceOf(nlb);
    const buf = this.plain;
    for (let done = 0; done < nlb; done += k) {
      const n = Math.min(k, nlb - done);
      this.media.dataStore.read(buf, (slba + done) * ls, 0, n * ls);
      const st = data.toHost(buf, 0, done * ls, n * ls);
      if (st !== 0) return st;
    }
    return 0;
  }

  writeBlocks(data: DataMover, slba: number, nlb: number): number {
    const ls = this.lbaSize;
    const k = this.pieceOf(nlb);
    const buf = this.plain;
    for (let done = 0; done < nlb; done += k) {
      const n = Math.min(k, nlb - done);
      const st = data.fromHost(buf, 0, done * ls, n * ls);
      if (st !== 0) return st;
      this.media.dataStore.write(buf, (slba + done) * ls, 0, n * ls);
    }
    this.uncorrectable.set(slba, nlb, false);
    return 0;
  }

  compareBlocks(data: DataMover, slba: number, nlb: number): number {
    if (this.uncorrectable.any(slba, nlb)) return NvmStatus.UNRECOVERED_READ_ERROR;
    const ls = this.lbaSize;
    const k = this.pieceOf(nlb);
    const buf = this.plain;
    const half = k * ls;
    for (let done = 0; done < nlb; done += k) {
      const n = Math.min(k, nlb - done);
      const st = data.fromHost(buf, half, done * ls, n * ls);
      if (st !== 0) return st;
      this.media.dataStore.read(buf, (slba + done) * ls, 0, n * ls);
      for (let i = 0; i < n * ls; i++) if (buf[i] !== buf[half + i]) return NvmStatus.COMPARE_FAILURE;
    }
    return 0;
  }

  verifyBlocks(slba: number, nlb: number): number {
    return this.uncorrectable.any(slba, nlb) ? NvmStatus.UNRECOVERED_READ_ERROR : 0;
  }

  writeZeroes(slba: number, nlb: number): number {
    const start = slba * this.lbaSize;
    const end = (slba + nlb) * this.lbaSize;
    for (let at = start; at < end; at += ZEROES.length) this.media.dataStore.write(ZEROES, at, 0, Math.min(ZEROES.length, end - at));
    this.uncorrectable.set(slba, nlb, false);
    return 0;
  }

  /** Deallocation is advisory here (DLFEAT 0: reads of deallocated blocks return what they hold). */
  deallocate(): number {
    return 0;
  }

  writeUncorrectable(slba: number, nlb: number): number {
    this.uncorrectable.set(slba, nlb, true);
    return 0;
  }

  // ---- internals ----

  /** PPAs from i that continue one chunk sector by sector (one media call). */
  private runAt(i: number, n: number): number {
    const c = this.chunkOf[i]!;
    let s = this.sectorOf[i]!;
    let k = i + 1;
    while (k < n && this.chunkOf[k] === c && this.sectorOf[k] === s + 1) {
      s++;
      k++;
    }
    return k - i;
  }

  /** Linear sector index (= plain LBA) of resolved PPA i. */
  private linear(i: number): number {
    return this.media.geometry.diskSector(this.chunkOf[i]!, this.sectorOf[i]!);
  }

  private clearUncorrectable(i: number, count: number): void {
    if (this.uncorrectable.count === 0) return;
    for (let k = i; k < i + count; k++) this.uncorrectable.set(this.linear(k), 1, false);
  }

  /**
   * lb_err_write / ln_err_write (seed-emulator-behaviour.md 4): a counter adds up the sectors of
   * each physical write; when this write takes it past the threshold, `count` PPAs from the first
   * one past it are reported failed (status 0x40FF, bits in DW0-1; the original also set bits past
   * the command's last PPA, we stop there) and the counter restarts with this command's count. The
   * data has been written all the same, as in the original.
   */
  private injectWriteError(n: number, bitmap: Bitmap64): number {
    const s = this.settings;
    if (s.errWriteThreshold === 0 || s.errWriteCount === 0) return 0;
    if (this.errWriteCounter + n <= s.errWriteThreshold) {
      this.errWriteCounter += n;
      return 0;
    }
    const first = s.errWriteThreshold - this.errWriteCounter;
    bitmap.setRange(first, Math.min(n, first + s.errWriteCount));
    if (s.debug) this.log(`ocssd12 nsid ${this.nsid}: injected write error: counter ${this.errWriteCounter} + ${n} > lb_err_write ${s.errWriteThreshold}, bitmap 0x${bitmap.value().toString(16)}`);
    // The original resets the counter and then adds this command's sectors, like every write's.
    this.errWriteCounter = n;
    return E.FAIL_WRITE;
  }

  /** Blocks per piece of a plain transfer (at most CHUNK_BYTES), with `plain` grown to hold two pieces. */
  private pieceOf(nlb: number): number {
    const ls = this.lbaSize;
    const k = Math.max(1, Math.min(nlb, Math.floor(CHUNK_BYTES / ls)));
    if (this.plain.length < 2 * k * ls) this.plain = new Uint8Array(2 * k * ls);
    return k;
  }

}

const isBbtValue = (v: number): boolean => v === 0 || v === 1 || v === 2 || v === 4 || v === 8;
export const isOcssd12BbtValue = isBbtValue;

function need(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}
