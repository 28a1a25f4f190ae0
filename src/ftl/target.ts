// Targets: creating one over a PU range (every chunk reset, capacity by the pblk rule, the
// first line's smeta written at once so the target is on the media from the start), bringing
// one back after a restart or a crash (recovery), finding the targets a device holds, and
// removing one.
//
// Recovery: every line whose chunks are not all free has its smeta read (first sector of its
// first written chunk). Lines with this target's smeta are replayed oldest first (smeta seq):
// closed lines from their emeta, the others (open at the crash, or emeta lost) by reading the
// OOB of every sector up to each chunk's write pointer; within a line, data positions are in
// write order, so replaying position by position leaves every LBA at its newest copy. Lines
// without a valid smeta hold no data (data is written only after smeta completed) and are reset.
import { randomInt } from 'node:crypto';
import { checkVolumeRange, type BlockVolume } from '../host/index.js';
import { DEFAULT_OP, checkOp, pblkCapacity, CAPACITY_RULES, type CapacityRule } from './capacity.js';
import { ChunkIoStatus, ChunkReportState, checkChunkGeometry, deviceAddress, type ChunkDescriptor, type ChunkDevice, type VectorResult } from './chunk-device.js';
import { Ftl } from './ftl.js';
import type { FtlTuning, TargetInfo } from './ftl-types.js';
import { LineLayout, emetaUnits, targetShape, type TargetShape } from './line-layout.js';
import { LineState } from './line-state.js';
import { padOpenChunks, padSmetaChunks } from './recovery-pad.js';
import { resetChunks } from './chunk-reset.js';
import { NO_LBA, decodeSmeta, type Smeta } from './meta-format.js';

export interface CreateTargetOptions extends FtlTuning {
  readonly name: string;
  /** First and last PU (global, group-major): lnvm create -b / -e. */
  readonly puBegin: number;
  readonly puEnd: number;
  /** Over-provisioning percent (-o), default 11. */
  readonly op?: number;
  /** Capacity rule, default '4.20'. */
  readonly rule?: CapacityRule;
}

export interface OpenTargetOptions extends FtlTuning {
  readonly puBegin: number;
  readonly puEnd: number;
  /** When given, the target found must have this name. */
  readonly name?: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function checkDevice(dev: ChunkDevice): void {
  const p = checkChunkGeometry(dev.geometry);
  if (p.length > 0) throw new RangeError(`${dev.name}: cannot host an FTL: ${p.join('; ')}`);
}

const reportIndex = (dev: ChunkDevice, shape: TargetShape, pu: number, line: number): number => (shape.puBegin + pu) * dev.geometry.numChunk + line;

/** smeta sectors and full-line emeta sectors, for the capacity rule. */
export function metaSectors(shape: TargetShape): { smeta: number; emeta: number } {
  return { smeta: shape.unit, emeta: emetaUnits(shape, shape.nPus) * shape.unit };
}

/** Creates a target: resets its chunks and writes the first smeta. */
export async function createTarget(dev: ChunkDevice, o: CreateTargetOptions): Promise<FtlVolume> {
  checkDevice(dev);
  if (!NAME_RE.test(o.name)) throw new RangeError(`target name (-n) '${o.name}': 1-63 characters of letters, digits, '.', '_', '-', starting with a letter or digit`);
  const op = o.op ?? DEFAULT_OP;
  const opProblem = checkOp(op);
  if (opProblem) throw new RangeError(opProblem);
  const rule = o.rule ?? '4.20';
  if (!CAPACITY_RULES.includes(rule)) throw new RangeError(`capacity rule '${rule}': allowed ${CAPACITY_RULES.join(', ')}`);
  const shape = targetShape(dev.geometry, o.puBegin, o.puEnd);
  const report = await dev.chunkReport();
  const bad = new Uint8Array(shape.lines * shape.nPus);
  const dirty: [number, number][] = [];
  for (let line = 0; line < shape.lines; line++) {
    for (let pu = 0; pu < shape.nPus; pu++) {
      const st = report[reportIndex(dev, shape, pu, line)]!.state;
      if (st === ChunkReportState.OFFLINE) bad[line * shape.nPus + pu] = 1;
      else if (st !== ChunkReportState.FREE) dirty.push([line, pu]);
    }
  }
  await resetChunks(dev, shape, dirty, bad);
  let freeChunks = 0;
  let lines = 0;
  const usable: boolean[] = [];
  for (let line = 0; line < shape.lines; line++) {
    const good = goodOf(shape, bad, line);
    const ok = new LineLayout(shape, line, good).usable;
    usable.push(ok);
    if (ok) {
      freeChunks += good.length;
      lines++;
    }
  }
  const m = metaSectors(shape);
  const capacity = pblkCapacity({ freeChunks, lines, clba: shape.clba, smetaSectors: m.smeta, emetaSectors: m.emeta, op, rule });
  if (capacity <= 0 || lines < 2) throw new RangeError(`target '${o.name}' on PUs ${o.puBegin}-${o.puEnd}: ${lines} usable lines of ${freeChunks} good chunks leave no user capacity at ${op}% over-provisioning`);
  const info: TargetInfo = { name: o.name, instance: randomInt(1, 0xffffffff), puBegin: o.puBegin, puEnd: o.puEnd, op, rule, capacity };
  const ftl = new Ftl(dev, shape, info, o);
  ftl.chunkBad.set(bad);
  for (let line = 0; line < shape.lines; line++) {
    if (usable[line]) ftl.freeQueue.push(line);
    else ftl.lines[line]!.state = LineState.BAD;
  }
  await ftl.openFirstLine();
  await dev.flush();
  ftl.start();
  return new FtlVolume(ftl);
}

function goodOf(shape: TargetShape, bad: Uint8Array, line: number): number[] {
  const good: number[] = [];
  for (let pu = 0; pu < shape.nPus; pu++) if (!bad[line * shape.nPus + pu]) good.push(pu);
  return good;
}

async function readSmeta(dev: ChunkDevice, globalPu: number, chunk: number, sector: Uint8Array): Promise<Smeta | undefined> {
  const r = await dev.read(Float64Array.of(deviceAddress(dev.geometry, globalPu, chunk, 0)), 1, sector).catch((): VectorResult => ({ status: ChunkIoStatus.ERROR, failed: 1n }));
  if (r.status !== ChunkIoStatus.OK && r.status !== ChunkIoStatus.HIGH_ECC) return undefined;
  return decodeSmeta(sector);
}

const infoOf = (s: Smeta): TargetInfo => ({ name: s.name, instance: s.instance, puBegin: s.puBegin, puEnd: s.puEnd, op: s.op, rule: s.rule === 1 ? '4.12' : '4.20', capacity: s.capacity });

/** Brings a target back from the media: the L2P rebuilt from emeta and OOB (see the file comment). */
export async function openTarget(dev: ChunkDevice, o: OpenTargetOptions): Promise<FtlVolume> {
  checkDevice(dev);
  const shape = targetShape(dev.geometry, o.puBegin, o.puEnd);
  let report = await dev.chunkReport();
  const bad = new Uint8Array(shape.lines * shape.nPus);
  const sector = new Uint8Array(4096);
  const found: (Smeta | undefined)[] = [];
  const first: number[] = [];
  for (let line = 0; line < shape.lines; line++) {
    let f = -1;
    for (let pu = 0; pu < shape.nPus; pu++) {
      const st = report[reportIndex(dev, shape, pu, line)]!.state;
      if (st === ChunkReportState.OFFLINE) bad[line * shape.nPus + pu] = 1;
      else if (st !== ChunkReportState.FREE && f < 0) f = pu;
    }
    first.push(f);
  }
  const smetaPad = await padSmetaChunks(dev, shape, first, report, (pu, line) => reportIndex(dev, shape, pu, line));
  if (smetaPad > 0) report = await dev.chunkReport();
  for (let line = 0; line < shape.lines; line++) {
    const s = first[line]! >= 0 ? await readSmeta(dev, shape.puBegin + first[line]!, line, sector) : undefined;
    found.push(s && s.line === line && s.puBegin === o.puBegin && s.puEnd === o.puEnd && s.clba === shape.clba && s.wsOpt === shape.unit ? s : undefined);
  }
  let newest: Smeta | undefined;
  for (const s of found) if (s && (!newest || s.seq > newest.seq)) newest = s;
  if (!newest) throw new Error(`${dev.name}: no FTL target on PUs ${o.puBegin}-${o.puEnd}`);
  if (o.name !== undefined && newest.name !== o.name) throw new Error(`${dev.name}: PUs ${o.puBegin}-${o.puEnd} hold target '${newest.name}', not '${o.name}'`);
  const info = infoOf(newest);
  const ftl = new Ftl(dev, shape, info, o);
  ftl.chunkBad.set(bad);
  let padded = smetaPad;
  const data: Smeta[] = [];
  const garbage: [number, number][] = [];
  for (let line = 0; line < shape.lines; line++) {
    const s = found[line];
    if (s && s.instance === info.instance) data.push(s);
    else if (first[line]! >= 0) {
      for (let pu = 0; pu < shape.nPus; pu++) {
        const st = report[reportIndex(dev, shape, pu, line)]!.state;
        if (st !== ChunkReportState.FREE && st !== ChunkReportState.OFFLINE) garbage.push([line, pu]);
      }
    }
  }
  await resetChunks(dev, shape, garbage, ftl.chunkBad);
  data.sort((a, b) => a.seq - b.seq);
  for (const s of data) {
    const line = ftl.lines[s.line]!;
    line.layout = new LineLayout(shape, s.line, s.good);
    line.seq = s.seq;
    line.state = LineState.CLOSED;
    let wpOf = (pu: number): number => report[reportIndex(dev, shape, pu, s.line)]!.wp;
    const emeta = await ftl.readEmeta(line);
    const open = !emeta && s === data[data.length - 1];
    if (open) {
      // The newest line without emeta was open at the crash: its chunks' last mw_cunits sectors
      // become readable once padded (recovery-pad.ts), and the FTL keeps appending to it.
      const pad = await padOpenChunks(dev, shape, line.layout, s.seq, wpOf);
      if (pad > 0) {
        padded += pad;
        const fresh = await dev.chunkReport();
        wpOf = (pu: number): number => fresh[reportIndex(dev, shape, pu, s.line)]!.wp;
      }
    }
    const lbas = emeta ?? (await ftl.scanOob(line, wpOf));
    if (open) ftl.resumeLine(line, lbas, wpOf);
    for (let d = 0; d < lbas.length; d++) {
      const lba = lbas[d]!;
      if (lba !== NO_LBA && lba < info.capacity) ftl.setL2p(lba, line.layout.dataPaddr(d));
    }
    ftl.nextSeq = Math.max(ftl.nextSeq, s.seq + 1);
  }
  ftl.stats.padSectors += padded;
  ftl.stats.mediaSectors += padded;
  const isData = new Set(data.map((s) => s.line));
  for (let line = 0; line < shape.lines; line++) {
    if (isData.has(line)) continue;
    if (new LineLayout(shape, line, goodOf(shape, ftl.chunkBad, line)).usable) ftl.freeQueue.push(line);
    else ftl.lines[line]!.state = LineState.BAD;
  }
  ftl.start();
  return new FtlVolume(ftl);
}

/** The targets whose smeta the device holds (one read per PU in the common case). */
export async function discoverTargets(dev: ChunkDevice): Promise<TargetInfo[]> {
  const g = dev.geometry;
  const report: ChunkDescriptor[] = await dev.chunkReport();
  const out: TargetInfo[] = [];
  const sector = new Uint8Array(4096);
  const total = g.numGroups * g.numPu;
  for (let gp = 0; gp < total; gp++) {
    for (let c = 0; c < g.numChunk; c++) {
      const st = report[gp * g.numChunk + c]!.state;
      if (st === ChunkReportState.FREE || st === ChunkReportState.OFFLINE) continue;
      const s = await readSmeta(dev, gp, c, sector);
      if (s && s.line === c && s.puBegin <= gp && gp <= s.puEnd && s.puEnd < total) {
        out.push(infoOf(s));
        gp = s.puEnd;
        break;
      }
    }
  }
  return out;
}

/** lnvm remove: closes the target and resets its chunks, so it does not come back. */
export async function removeTarget(volume: FtlVolume): Promise<void> {
  const ftl = volume.ftl;
  await volume.close();
  const report = await ftl.dev.chunkReport();
  const dirty: [number, number][] = [];
  // smeta chunks first (lowest written PU of each line), so a crash midway leaves only garbage.
  for (const first of [true, false]) {
    for (let line = 0; line < ftl.shape.lines; line++) {
      let seen = false;
      for (let pu = 0; pu < ftl.shape.nPus; pu++) {
        const st = report[reportIndex(ftl.dev, ftl.shape, pu, line)]!.state;
        if (st === ChunkReportState.FREE || st === ChunkReportState.OFFLINE) continue;
        if (!seen === first) dirty.push([line, pu]);
        seen = true;
      }
    }
    await resetChunks(ftl.dev, ftl.shape, dirty.splice(0), new Uint8Array(ftl.shape.lines * ftl.shape.nPus));
  }
  await ftl.dev.flush();
}

const ZERO_BYTES = 1 << 20;

/** A target as a block volume (what the NBD layer exports). */
export class FtlVolume implements BlockVolume {
  readonly name: string;
  readonly size: number;
  readonly blockSize = 4096;
  readonly maxTransfer = 1 << 20;
  private zeros: Uint8Array | undefined;

  constructor(readonly ftl: Ftl) {
    this.name = ftl.info.name;
    this.size = ftl.capacity * 4096;
  }

  get info(): TargetInfo {
    return this.ftl.info;
  }

  async read(offset: number, into: Uint8Array): Promise<void> {
    checkVolumeRange(this, offset, into.length);
    await this.ftl.readBlocks(offset / 4096, into.length / 4096, into);
  }

  async write(offset: number, data: Uint8Array, options?: { readonly fua?: boolean }): Promise<void> {
    checkVolumeRange(this, offset, data.length);
    await this.ftl.writeBlocks(offset / 4096, data.length / 4096, data);
    if (options?.fua) await this.ftl.flush();
  }

  flush(): Promise<void> {
    return this.ftl.flush();
  }

  async trim(offset: number, length: number): Promise<void> {
    checkVolumeRange(this, offset, length);
    this.ftl.trimBlocks(offset / 4096, length / 4096);
  }

  /** Written as zeroes (not trimmed), so the range reads as zeroes after a crash too. */
  async writeZeroes(offset: number, length: number): Promise<void> {
    checkVolumeRange(this, offset, length);
    this.zeros ??= new Uint8Array(ZERO_BYTES);
    for (let at = 0; at < length; at += ZERO_BYTES) {
      const n = Math.min(ZERO_BYTES, length - at);
      await this.ftl.writeBlocks((offset + at) / 4096, n / 4096, this.zeros);
    }
  }

  close(): Promise<void> {
    return this.ftl.close();
  }
}
