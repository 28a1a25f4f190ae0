// An OCSSD 2.0 namespace on NandMedia: the geometry (admin 0xE2), Identify Namespace, chunk
// descriptors (log 0xCA), notifications (log 0xD0), open-chunk accounting (MAXOC / MAXOCPU), run
// time fault injection, and the chunk rules every I/O path shares (ocssd20-chunk-io.ts runs the
// reads, writes and resets). Command parsing lives in commands/ocssd20.ts.
//
// Addresses: an LBA packs sector | chunk | PU | group from bit 0 (specs.md 2.2). The media's flat
// chunk index (grp * num_pu + pu) * num_chk + chk is also the chunk log's order.
import {
  BadMark,
  ChunkState,
  ChunkType,
  FaultInjector,
  FaultKind,
  FAULT_KINDS,
  type FaultRule,
  type FaultTrigger,
  type NandMedia,
  wearIndex,
} from '../media/index.js';
import {
  DeallocatedReadValue,
  IDENTIFY_NAMESPACE,
  LBA_FORMAT,
  OCSSD20_CHUNK_DESCRIPTOR,
  OCSSD20_CHUNK_DESCRIPTOR_SIZE,
  OCSSD20_GEOMETRY,
  OCSSD20_MJR,
  OCSSD20_MNR,
  Ocssd20ChunkState,
  Ocssd20ChunkType,
  Ocssd20Mccap,
  Ocssd20NotificationMask,
  Ocssd20NotificationState,
  encode,
  lbaFormatBits,
  lbaFormatFor,
  lbafGeometryValues,
  type LbaAddress,
  type LbaFormat,
} from '../spec/index.js';
import type { CommandTable } from './command.js';
import { namespaceIds } from './conventional-region.js';
import type { Namespace } from './namespace.js';
import { Ocssd20ChunkIo } from './ocssd20-chunk-io.js';
import { ChunkNotifications } from './ocssd20-notifications.js';

/** NSFEAT bit 2: DULBE supported. MC bit 1: metadata in a separate buffer. */
const NSFEAT_DAE = 1 << 2;
const MC_SEPARATE = 1 << 1;
/** Identify Namespace byte 384 (vs[0]) = 1 marks an Open-Channel namespace for Linux. */
const VS_OCSSD = 1;
const U64_MAX = (1n << 64n) - 1n;

export interface Ocssd20Timing {
  /** Read, write (program) and chunk reset times in ns: typical and max. */
  readonly trdt: number;
  readonly trdm: number;
  readonly twrt: number;
  readonly twrm: number;
  readonly tcrst: number;
  readonly tcrsm: number;
}

/** QEMU's geometry timings (seed-emulator-behaviour.md 3.5). */
export const DEFAULT_OCSSD20_TIMING: Ocssd20Timing = { trdt: 70000, trdm: 100000, twrt: 1900000, twrm: 3500000, tcrst: 3000000, tcrsm: 3000000 };

export interface Ocssd20NamespaceOptions {
  readonly nsid: number;
  /** One plane per PU, a chunk = one erase block (Geometry.fromV20). */
  readonly media: NandMedia;
  readonly serial: string;
  readonly ieeeOui?: number;
  /** Ocssd20Mccap bits. */
  readonly mccap: number;
  /** Wear-level index delta threshold (0: no wear notifications). */
  readonly wit: number;
  readonly wsMin: number;
  readonly wsOpt: number;
  readonly mwCunits: number;
  /** Open chunk limits, in all and per PU (0: no limit). */
  readonly maxoc: number;
  readonly maxocpu: number;
  readonly timing?: Ocssd20Timing;
  /** What unwritten blocks read as without DULBE: DLFEAT 1 zeroes (default), 2 0xFF, 0 not reported (zeroes). */
  readonly dlfeat?: number;
  /** I/O commands (set by the command set, which builds the table from mccap). */
  readonly io: CommandTable;
  /** close() closes the media too (default true). */
  readonly ownsMedia?: boolean;
}

/** A chunk address; `sec` optional where a chunk is meant. */
export interface ChunkAddress {
  readonly grp: number;
  readonly pu: number;
  readonly chk: number;
}

/** A run time fault rule, addressed the OCSSD way (docs/ocssd20.md "Fault injection"). */
export interface Ocssd20FaultSpec {
  /** The media faults, plus write-next-unit: a program fails, the chunk stays open and WP skips the failed write unit. */
  readonly kind: FaultKind | 'write-next-unit';
  /** Absent: every chunk. */
  readonly chunk?: ChunkAddress;
  /** Sector in the chunk; needs chunk. */
  readonly sec?: number;
  readonly trigger: FaultTrigger;
}

export interface Ocssd20FaultRule extends Ocssd20FaultSpec {
  readonly id: number;
  readonly seen: number;
  readonly fired: number;
}

/** Starting state of a chunk, as the original's lchunkstate file gives it. */
export interface ChunkOverride {
  readonly state: 'FREE' | 'OPEN' | 'CLOSED' | 'OFFLINE';
  readonly type: 'SEQUENTIAL' | 'RANDOM';
  readonly wp: number;
  /** Wear-level index 0..255. */
  readonly wi: number;
}

export const WNU_KIND = 'write-next-unit';
/** Write-next-unit rule ids are offset so they never collide with media rule ids. */
const WNU_ID_BASE = 1_000_000;

const STATE_BITS: readonly number[] = [Ocssd20ChunkState.FREE, Ocssd20ChunkState.OPEN, Ocssd20ChunkState.CLOSED, Ocssd20ChunkState.OFFLINE];

export class Ocssd20Namespace implements Namespace {
  readonly kind = 'ocssd20' as const;
  readonly csi = 0;
  readonly nsid: number;
  readonly io: CommandTable;
  readonly nguid: Uint8Array;
  readonly eui64: Uint8Array;
  readonly media: NandMedia;
  readonly lbaf: LbaFormat;
  readonly numGrp: number;
  readonly numPu: number;
  readonly numChk: number;
  readonly clba: number;
  readonly lbaSize: number;
  /** OOB bytes per sector (LBAF[0].MS). */
  readonly ms: number;
  readonly mccap: number;
  readonly wit: number;
  readonly wsMin: number;
  readonly wsOpt: number;
  readonly mwCunits: number;
  readonly maxoc: number;
  readonly maxocpu: number;
  readonly timing: Ocssd20Timing;
  readonly dlfeat: number;
  /** 2^(bits of the LBA format): the whole address space (NSZE). */
  readonly nsze: number;
  readonly notifications: ChunkNotifications;
  /** Write-next-unit rules: checked by the write path before the media program. */
  readonly wnuFaults: FaultInjector;
  /** Uncorrectable media rules laid over write units that failed with write-next-unit, per chunk (dropped at reset). */
  readonly wnuMarks = new Map<number, number[]>();
  /** Lists staged for inline-layout reads (fabrics), by tag. */
  readonly staged = new Map<number, Float64Array>();
  /** The chunk rules over a decoded LBA list, with the command's scratch buffers. */
  readonly chunkIo: Ocssd20ChunkIo;

  private readonly mulChk: number;
  private readonly mulPu: number;
  private readonly mulGrp: number;
  private readonly ownsMedia: boolean;
  private openTotal = 0;
  private readonly openPerPu: Uint32Array;
  private wliSum = 0;
  private logBuf = new Uint8Array(0);
  private closed = false;

  constructor(o: Ocssd20NamespaceOptions) {
    const g = o.media.geometry;
    const what = `ocssd20 namespace ${o.nsid}`;
    need(g.planes === 1 && g.sectorsPerPage === 1, `${what}: the media must have the 2.0 shape (1 plane, 1 sector per page), not ${g.describe()}`);
    need(Number.isInteger(o.nsid) && o.nsid >= 1 && o.nsid <= 0xfffffffe, `${what}: nsid = ${o.nsid}: allowed 1..4294967294`);
    this.nsid = o.nsid;
    this.media = o.media;
    this.io = o.io;
    this.numGrp = g.groups;
    this.numPu = g.pusPerGroup;
    this.numChk = g.chunksPerPu;
    this.clba = g.sectorsPerChunk;
    this.lbaSize = g.sectorSize;
    this.ms = g.oobSize;
    need(Number.isInteger(o.mccap) && o.mccap >= 0 && o.mccap <= 0x7, `${what}: mccap = ${o.mccap}: allowed 0..7 (bit 0 copy, 1 multiple resets, 2 early reset)`);
    need(Number.isInteger(o.wit) && o.wit >= 0 && o.wit <= 255, `${what}: wit = ${o.wit}: allowed 0..255`);
    need(Number.isInteger(o.wsMin) && o.wsMin >= 1 && this.clba % o.wsMin === 0, `${what}: ws_min = ${o.wsMin}: must be >= 1 and divide clba = ${this.clba}`);
    need(Number.isInteger(o.wsOpt) && o.wsOpt >= o.wsMin && o.wsOpt % o.wsMin === 0 && o.wsOpt <= this.clba, `${what}: ws_opt = ${o.wsOpt}: must be a multiple of ws_min = ${o.wsMin}, at most clba = ${this.clba}`);
    need(Number.isInteger(o.mwCunits) && o.mwCunits >= 0 && o.mwCunits < this.clba, `${what}: mw_cunits = ${o.mwCunits}: allowed 0..${this.clba - 1} (below clba)`);
    need(Number.isInteger(o.maxoc) && o.maxoc >= 0 && o.maxoc <= g.totalChunks, `${what}: maxoc = ${o.maxoc}: allowed 0..${g.totalChunks} (0 = no limit)`);
    need(Number.isInteger(o.maxocpu) && o.maxocpu >= 0 && o.maxocpu <= this.numChk, `${what}: maxocpu = ${o.maxocpu}: allowed 0..${this.numChk} (0 = no limit)`);
    const dlfeat = o.dlfeat ?? DeallocatedReadValue.ZEROES;
    need(dlfeat === 0 || dlfeat === 1 || dlfeat === 2, `${what}: dlfeat = ${dlfeat}: allowed 0, 1 (zeroes), 2 (0xFF)`);
    this.mccap = o.mccap;
    this.wit = o.wit;
    this.wsMin = o.wsMin;
    this.wsOpt = o.wsOpt;
    this.mwCunits = o.mwCunits;
    this.maxoc = o.maxoc;
    this.maxocpu = o.maxocpu;
    this.timing = o.timing ?? DEFAULT_OCSSD20_TIMING;
    this.dlfeat = dlfeat;
    this.ownsMedia = o.ownsMedia ?? true;
    this.lbaf = lbaFormatFor({ grp: this.numGrp, pu: this.numPu, chk: this.numChk, sec: this.clba });
    const f = this.lbaf;
    this.mulChk = 2 ** f.lbaLen;
    this.mulPu = 2 ** (f.lbaLen + f.chkLen);
    this.mulGrp = 2 ** (f.lbaLen + f.chkLen + f.puLen);
    need(lbaFormatBits(f) <= 52, `${what}: the LBA format needs ${lbaFormatBits(f)} bits; at most 52 are supported`);
    this.nsze = 2 ** lbaFormatBits(f);
    this.notifications = new ChunkNotifications(o.nsid);
    this.wnuFaults = new FaultInjector(g.totalChunks, this.clba);
    this.chunkIo = new Ocssd20ChunkIo(this);
    this.openPerPu = new Uint32Array(g.totalPus);
    for (let c = 0; c < g.totalChunks; c++) {
      if (this.media.chunkState(c) === ChunkState.OPEN) this.countOpen(c, 1);
      this.wliSum += this.wearIndexOf(c);
    }
    ({ nguid: this.nguid, eui64: this.eui64 } = namespaceIds(o.serial, o.nsid, o.ieeeOui ?? 0x0002b3));
  }

  get totalChunks(): number {
    return this.media.geometry.totalChunks;
  }
  /** Usable logical blocks (NCAP). */
  get ncap(): number {
    return this.media.geometry.totalSectors;
  }
  get openChunks(): number {
    return this.openTotal;
  }

  // ---- identity ----

  identify(buf: Uint8Array): void {
    const nsze = BigInt(this.nsze);
    encode(
      IDENTIFY_NAMESPACE,
      {
        nsze,
        ncap: BigInt(this.ncap),
        nuse: BigInt(this.ncap),
        nsfeat: NSFEAT_DAE,
        nlbaf: 0,
        flbas: 0,
        mc: this.ms > 0 ? MC_SEPARATE : 0,
        dlfeat: this.dlfeat,
        nguid: this.nguid,
        eui64: this.eui64,
      },
      buf,
    );
    encode(LBA_FORMAT, { ms: this.ms, lbads: Math.log2(this.lbaSize) }, buf, IDENTIFY_NAMESPACE.offset.lbaf0);
    buf[IDENTIFY_NAMESPACE.offset.vs] = VS_OCSSD;
  }

  identifyCsi(csi: number): boolean {
    return csi === 0;
  }

  /** The 4096-byte Geometry (admin 0xE2). */
  ocssdIdentity(buf: Uint8Array): void {
    const t = this.timing;
    encode(
      OCSSD20_GEOMETRY,
      {
        mjr: OCSSD20_MJR,
        mnr: OCSSD20_MNR,
        ...lbafGeometryValues(this.lbaf),
        mccap: this.mccap,
        wit: this.wit,
        num_grp: this.numGrp,
        num_pu: this.numPu,
        num_chk: this.numChk,
        clba: this.clba,
        ws_min: this.wsMin,
        ws_opt: this.wsOpt,
        mw_cunits: this.mwCunits,
        maxoc: this.maxoc,
        maxocpu: this.maxocpu,
        trdt: t.trdt,
        trdm: t.trdm,
        twrt: t.twrt,
        twrm: t.twrm,
        tcrst: t.tcrst,
        tcrsm: t.tcrsm,
      },
      buf,
    );
  }

  // ---- addresses ----

  /** Flat chunk index of an LBA, or -1 when the LBA is outside the address space. `secOut[0]` gets the sector. */
  chunkOfLba(lba: number, secOut: Float64Array): number {
    if (!(lba >= 0 && lba < this.nsze)) return -1;
    const sec = lba % this.mulChk;
    const chk = Math.floor(lba / this.mulChk) % (this.mulPu / this.mulChk);
    const pu = Math.floor(lba / this.mulPu) % (this.mulGrp / this.mulPu);
    const grp = Math.floor(lba / this.mulGrp);
    if (sec >= this.clba || chk >= this.numChk || pu >= this.numPu || grp >= this.numGrp) return -1;
    secOut[0] = sec;
    return (grp * this.numPu + pu) * this.numChk + chk;
  }

  /** The LBA of sector `sec` of flat chunk `c`. */
  lbaOf(c: number, sec = 0): number {
    const chk = c % this.numChk;
    const pu = Math.floor(c / this.numChk) % this.numPu;
    const grp = Math.floor(c / (this.numChk * this.numPu));
    return grp * this.mulGrp + pu * this.mulPu + chk * this.mulChk + sec;
  }

  chunkIndex(a: ChunkAddress): number {
    const what = `chunk address ${JSON.stringify(a)}`;
    need(Number.isInteger(a.grp) && a.grp >= 0 && a.grp < this.numGrp, `${what}: grp allowed 0..${this.numGrp - 1}`);
    need(Number.isInteger(a.pu) && a.pu >= 0 && a.pu < this.numPu, `${what}: pu allowed 0..${this.numPu - 1}`);
    need(Number.isInteger(a.chk) && a.chk >= 0 && a.chk < this.numChk, `${what}: chk allowed 0..${this.numChk - 1}`);
    return (a.grp * this.numPu + a.pu) * this.numChk + a.chk;
  }

  addressOf(c: number): LbaAddress {
    return { grp: Math.floor(c / (this.numChk * this.numPu)), pu: Math.floor(c / this.numChk) % this.numPu, chk: c % this.numChk, sec: 0 };
  }

  // ---- chunk descriptors (log 0xCA) ----

  /** Bytes of the Chunk Information log: 32 per chunk. */
  get chunkLogBytes(): number {
    return this.totalChunks * OCSSD20_CHUNK_DESCRIPTOR_SIZE;
  }

  /** Encodes chunk c's descriptor at out[at..]. */
  encodeChunkDescriptor(c: number, out: Uint8Array, at: number): void {
    const m = this.media;
    const state = m.chunkState(c);
    const offline = state === ChunkState.OFFLINE;
    encode(
      OCSSD20_CHUNK_DESCRIPTOR,
      {
        cs: STATE_BITS[state]!,
        ct: m.chunkType(c) === ChunkType.RANDOM ? Ocssd20ChunkType.RANDOM : Ocssd20ChunkType.SEQUENTIAL,
        wli: this.wearIndexOf(c),
        slba: BigInt(this.lbaOf(c)),
        cnlb: BigInt(this.clba),
        // QEMU reports all ones for an offline chunk's WP.
        wp: offline ? U64_MAX : BigInt(m.writePointer(c)),
      },
      out,
      at,
    );
  }

  /** Bytes [offset, offset + length) of the Chunk Information log (offset inside the log). */
  chunkLog(offset: number, length: number): Uint8Array {
    const size = OCSSD20_CHUNK_DESCRIPTOR_SIZE;
    const end = Math.min(this.chunkLogBytes, offset + length);
    const first = Math.floor(offset / size);
    const last = Math.ceil(end / size);
    const need = (last - first) * size;
    if (this.logBuf.length < need) this.logBuf = new Uint8Array(need);
    for (let c = first; c < last; c++) this.encodeChunkDescriptor(c, this.logBuf, (c - first) * size);
    return this.logBuf.subarray(offset - first * size, end - first * size);
  }

  wearIndexOf(c: number): number {
    return wearIndex(this.media.eraseCount(c), this.media.endurance);
  }

  // ---- state bookkeeping used by the I/O paths ----

  /** Open chunks would exceed MAXOC / MAXOCPU if chunk c (FREE) were opened with `extraTotal` / `extraPu` others opening in the same command. */
  wouldExceedOpenLimit(c: number, extraTotal: number, extraPu: number): boolean {
    if (this.maxoc !== 0 && this.openTotal + extraTotal + 1 > this.maxoc) return true;
    return this.maxocpu !== 0 && this.openPerPu[Math.floor(c / this.numChk)]! + extraPu + 1 > this.maxocpu;
  }

  /** Call after an operation moved chunk c from state `before`. */
  noteStateChange(c: number, before: ChunkState): void {
    const after = this.media.chunkState(c);
    if (before === after) return;
    if (before === ChunkState.OPEN) this.countOpen(c, -1);
    if (after === ChunkState.OPEN) this.countOpen(c, 1);
    if (after === ChunkState.OFFLINE) this.notifications.add(this.lbaOf(c), Ocssd20NotificationState.UNRECOVERABLE, Ocssd20NotificationMask.CHUNK);
  }

  /** After a successful reset: the wear index moved from `wliBefore`; notify when it left avg +- WIT. */
  noteWear(c: number, wliBefore: number): void {
    const wli = this.wearIndexOf(c);
    if (wli === wliBefore) return;
    this.wliSum += wli - wliBefore;
    if (this.wit === 0) return;
    const avg = this.wliSum / this.totalChunks;
    if (Math.abs(wli - avg) > this.wit) this.notifications.add(this.lbaOf(c), Ocssd20NotificationState.WLI_OUT_OF_RANGE, Ocssd20NotificationMask.CHUNK);
  }

  /** Drops the write-next-unit uncorrectable marks of chunk c (its data is gone after a reset). */
  clearWnuMarks(c: number): void {
    const ids = this.wnuMarks.get(c);
    if (ids === undefined) return;
    for (const id of ids) this.media.faults.remove(id);
    this.wnuMarks.delete(c);
  }

  /** Chunk c carries a bad mark or is offline: no command may use it. */
  isDead(c: number): boolean {
    return this.media.chunkState(c) === ChunkState.OFFLINE || this.media.badMark(c) !== BadMark.GOOD;
  }

  get multipleResets(): boolean {
    return (this.mccap & Ocssd20Mccap.MULTIPLE_RESETS) !== 0;
  }
  get earlyReset(): boolean {
    return (this.mccap & Ocssd20Mccap.EARLY_RESET) !== 0;
  }

  // ---- configuration and fault injection (server, control API) ----

  /** Sets a chunk's state as the original's lchunkstate does (bypassing the rules). */
  overrideChunk(a: ChunkAddress, o: ChunkOverride): void {
    const c = this.chunkIndex(a);
    need(Number.isInteger(o.wi) && o.wi >= 0 && o.wi <= 255, `chunk ${JSON.stringify(a)}: wi = ${o.wi}: allowed 0..255`);
    const offline = o.state === 'OFFLINE';
    need(offline || (Number.isInteger(o.wp) && o.wp >= 0 && o.wp <= this.clba), `chunk ${JSON.stringify(a)}: wp = ${o.wp}: allowed 0..${this.clba}`);
    const state = { FREE: ChunkState.FREE, OPEN: ChunkState.OPEN, CLOSED: ChunkState.CLOSED, OFFLINE: ChunkState.OFFLINE }[o.state];
    need(state !== undefined, `chunk ${JSON.stringify(a)}: state = ${o.state}: allowed FREE, OPEN, CLOSED, OFFLINE`);
    const before = this.media.chunkState(c);
    const wliBefore = this.wearIndexOf(c);
    const endurance = this.media.endurance;
    const eraseCount = endurance > 0 ? Math.ceil((o.wi * endurance) / 255) : 0;
    this.media.overrideChunk(c, {
      state,
      type: o.type === 'RANDOM' ? ChunkType.RANDOM : ChunkType.SEQUENTIAL,
      wp: offline || o.state === 'FREE' ? 0 : o.wp,
      eraseCount,
      mark: offline ? BadMark.GROWN : BadMark.GOOD,
      flags: 0,
    });
    if (before === ChunkState.OPEN) this.countOpen(c, -1);
    if (state === ChunkState.OPEN) this.countOpen(c, 1);
    this.wliSum += this.wearIndexOf(c) - wliBefore;
  }

  /** Arms a fault rule; returns its id. Throws a RangeError naming the bad field. */
  injectFault(spec: Ocssd20FaultSpec): number {
    if (spec.kind !== WNU_KIND && !FAULT_KINDS.includes(spec.kind)) throw new RangeError(`fault kind '${String(spec.kind)}': allowed ${[...FAULT_KINDS, WNU_KIND].join(', ')}`);
    if (spec.sec !== undefined && spec.chunk === undefined) throw new RangeError('fault sec needs a chunk');
    const media = { kind: spec.kind === WNU_KIND ? FaultKind.PROGRAM_FAIL : spec.kind, trigger: spec.trigger } as { kind: FaultKind; trigger: FaultTrigger; chunk?: number; sector?: number };
    if (spec.chunk !== undefined) media.chunk = this.chunkIndex(spec.chunk);
    if (spec.sec !== undefined) media.sector = spec.sec;
    return spec.kind === WNU_KIND ? WNU_ID_BASE + this.wnuFaults.add(media) : this.media.faults.add(media);
  }

  removeFault(id: number): boolean {
    return id >= WNU_ID_BASE ? this.wnuFaults.remove(id - WNU_ID_BASE) : this.media.faults.remove(id);
  }

  clearFaults(): void {
    this.wnuFaults.clear();
    this.media.faults.clear();
    this.wnuMarks.clear();
  }

  /** Armed rules, with their chunk addresses (write-next-unit marks laid by earlier failures are listed too). */
  faults(): Ocssd20FaultRule[] {
    const conv = (r: FaultRule, kind: Ocssd20FaultSpec['kind'], id: number): Ocssd20FaultRule => {
      const a = r.chunk === undefined ? undefined : this.addressOf(r.chunk);
      return {
        id,
        kind,
        trigger: r.trigger,
        seen: r.seen,
        fired: r.fired,
        ...(a !== undefined ? { chunk: { grp: a.grp, pu: a.pu, chk: a.chk } } : {}),
        ...(r.sector !== undefined ? { sec: r.sector } : {}),
      };
    };
    return [...this.media.faults.list().map((r) => conv(r, r.kind, r.id)), ...this.wnuFaults.list().map((r) => conv(r, WNU_KIND, WNU_ID_BASE + r.id))];
  }

  // ---- Namespace ----

  flush(): void {
    this.media.sync();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsMedia) this.media.close();
    else this.media.sync();
  }

  private countOpen(c: number, d: number): void {
    this.openTotal += d;
    this.openPerPu[Math.floor(c / this.numChk)]! += d;
  }
}

function need(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}
