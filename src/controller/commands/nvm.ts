// The NVM command set on I/O queues: Flush, Write, Read, Write Uncorrectable, Compare, Write
// Zeroes, Dataset Management and Verify (specs.md 3.3, 3.4). Handlers parse and check the
// command (fields, LBA range, transfer sizes through the DataMover) and leave what the blocks do
// to the namespace, through BlockNamespace, so another personality can reuse this table with its
// own namespace. Nothing here allocates per command.
import {
  CommandSpecificStatus as CS,
  DSM,
  DSM_MAX_RANGES,
  DSM_RANGE,
  MediaStatus as M,
  NVM_OPCODE_NAMES,
  NVM_RW,
  NvmOpcode,
  SCT,
  WRITE_ZEROES,
  getBits,
  status,
  type BitField,
} from '../../spec/index.js';
import { CommandTable, Effect, type CommandContext, type CommandDef, type CommandSet } from '../command.js';
import { Direction, type DataMover } from '../data-mover.js';
import type { Namespace } from '../namespace.js';
import { S } from '../statuses.js';

const dnr = { dnr: true };

/** Statuses of the NVM command set beyond the core's S table. All final: a retry reads the same blocks. */
export const NvmStatus = {
  UNRECOVERED_READ_ERROR: status(SCT.MEDIA, M.UNRECOVERED_READ_ERROR, dnr),
  COMPARE_FAILURE: status(SCT.MEDIA, M.COMPARE_FAILURE, dnr),
  DEALLOCATED_OR_UNWRITTEN: status(SCT.MEDIA, M.DEALLOCATED_OR_UNWRITTEN_BLOCK, dnr),
  /** Format NVM to an LBA format the namespace does not offer. */
  INVALID_FORMAT: status(SCT.COMMAND_SPECIFIC, CS.INVALID_FORMAT, dnr),
} as const;

/** SMART / Health counters the NVM commands keep (Log 0x02). */
export interface NvmSmartCounters {
  /** Thousands of 512-byte units, rounded up (what the log reports). */
  dataUnitsRead: number;
  dataUnitsWritten: number;
  hostReadCommands: number;
  hostWriteCommands: number;
  mediaErrors: number;
  /** The exact 512-byte unit totals behind dataUnitsRead / dataUnitsWritten, so rounding up stays exact. */
  units512Read: number;
  units512Written: number;
}

/** What the NVM handlers need of the controller. */
export interface NvmControllerView {
  readonly smart: NvmSmartCounters;
  /** VWC present and Feature 0x06 WCE set: Flush and FUA must make writes durable. */
  writeCacheEnabled(): boolean;
  /** Feature 0x05 (Error Recovery) DULBE bit for `nsid`. Called once per Read, Compare and Verify: keep it cheap. */
  dulbe(nsid: number): boolean;
  /** Active namespaces, for Flush to NSID 0xFFFFFFFF. */
  readonly namespaces: ReadonlyMap<number, Namespace>;
}

/**
 * A namespace of logical blocks, as the NVM commands see it. Ranges arrive checked against
 * NSZE; data transfers arrive prepared (data of nlb * (lbaSize + (extended ? ms : 0)) bytes,
 * and metadata of nlb * ms bytes through MPTR when ms > 0 and not extended). Each operation
 * returns 0 or a status.
 */
export interface BlockNamespace extends Namespace {
  /** Metadata bytes per block in the current format, and whether they travel after each block's data (FLBAS bit 4). */
  readonly ms: number;
  readonly extended: boolean;
  /** Sends blocks to the host. Uncorrectable blocks fail it; deallocated ones read as zeroes, or fail it when `dulbe`. */
  readBlocks(data: DataMover, slba: number, nlb: number, dulbe: boolean): number;
  /** Stores blocks from the host; they become mapped and lose any uncorrectable mark. */
  writeBlocks(data: DataMover, slba: number, nlb: number): number;
  /** Compares the host's data (and metadata) with the blocks, as readBlocks reads them: Compare Failure on a difference. */
  compareBlocks(data: DataMover, slba: number, nlb: number, dulbe: boolean): number;
  /** Checks that the blocks can be read, as readBlocks would, without a transfer. */
  verifyBlocks(slba: number, nlb: number, dulbe: boolean): number;
  /** Zeroes blocks (data and metadata), or deallocates them when `deallocate` (reads then return zeroes: DLFEAT). */
  writeZeroes(slba: number, nlb: number, deallocate: boolean): number;
  deallocate(slba: number, nlb: number): number;
  /** Marks blocks so that reads fail with Unrecovered Read Error until they are written again. */
  writeUncorrectable(slba: number, nlb: number): number;
}

type NvmContext = CommandContext<NvmControllerView>;

const nsOf = (ctx: NvmContext): BlockNamespace => ctx.ns as BlockNamespace;

const maskOf = (fields: readonly BitField[]): number => fields.reduce((m, f) => (m | (((2 ** f.bits - 1) << f.shift) >>> 0)) >>> 0, 0);

/**
 * CDW12 fields each command refuses with Invalid Field: no namespace has protection information
 * (DPC = 0) or storage tags, so PRINFO and STC must be 0, and no directive is enabled, so DTYPE
 * must be 0. Other reserved bits are not checked (the spec does not require it).
 */
const REFUSED = {
  read: maskOf([NVM_RW.prinfo, NVM_RW.stc]),
  write: maskOf([NVM_RW.prinfo, NVM_RW.stc, NVM_RW.dtype]),
  writeZeroes: maskOf([WRITE_ZEROES.prinfo, WRITE_ZEROES.stc]),
  none: 0,
} as const;

/** Number of logical blocks (CDW12 15:0 is 0's based in every command here). */
const nlbOf = (ctx: NvmContext): number => getBits(ctx.sqe.cdw12, NVM_RW.nlb0) + 1;

/** Invalid Field for a refused CDW12 field, LBA Out of Range for SLBA + NLB past NSZE, else 0. */
function checkRange(ctx: NvmContext, ns: BlockNamespace, refused: number): number {
  if ((ctx.sqe.cdw12 & refused) >>> 0 !== 0) return S.INVALID_FIELD;
  return ctx.sqe.slba + nlbOf(ctx) > ns.nsze ? S.LBA_OUT_OF_RANGE : 0;
}

/** Prepares the data (and separate metadata) transfer of nlb blocks. MDTS and pointer errors come from the DataMover. */
function prepareBlocks(ctx: NvmContext, ns: BlockNamespace, nlb: number, dir: Direction): number {
  const ms = ns.ms;
  const st = ctx.data.prepare(ctx.sqe, nlb * (ns.lbaSize + (ns.extended ? ms : 0)), dir);
  if (st !== 0 || ms === 0 || ns.extended) return st;
  return ctx.data.prepareMeta(ctx.sqe, nlb * ms, dir);
}

// SMART: data units exclude metadata; Read, Compare and Verify are host read commands; Write,
// Write Uncorrectable and Write Zeroes are host write commands, of which only Write moves data
// units (NVM Command Set spec, SMART / Health Information).
function countRead(ctx: NvmContext, ns: BlockNamespace, nlb: number): number {
  const s = ctx.ctrl.smart;
  s.hostReadCommands++;
  s.units512Read += (nlb * ns.lbaSize) / 512;
  s.dataUnitsRead = Math.ceil(s.units512Read / 1000);
  return 0;
}

function countWrite(ctx: NvmContext, ns: BlockNamespace, nlb: number): number {
  const s = ctx.ctrl.smart;
  s.hostWriteCommands++;
  s.units512Written += (nlb * ns.lbaSize) / 512;
  s.dataUnitsWritten = Math.ceil(s.units512Written / 1000);
  return 0;
}

/** Counts unrecovered data integrity errors; passes every status through. */
function failed(ctx: NvmContext, st: number): number {
  if (st === NvmStatus.UNRECOVERED_READ_ERROR) ctx.ctrl.smart.mediaErrors++;
  return st;
}

/** FUA: the written blocks reach non-volatile media before completion; only a write cache can hold them back. */
function forceUnitAccess(ctx: NvmContext, ns: BlockNamespace): void {
  if (getBits(ctx.sqe.cdw12, NVM_RW.fua) === 1 && ctx.ctrl.writeCacheEnabled()) ns.flush();
}

function flush(ctx: NvmContext): number {
  // Without an enabled volatile write cache every completed write is already as durable as the
  // store makes it (the original does the same).
  if (!ctx.ctrl.writeCacheEnabled()) return 0;
  if (ctx.ns !== undefined) ctx.ns.flush();
  else for (const ns of ctx.ctrl.namespaces.values()) ns.flush();
  return 0;
}

function write(ctx: NvmContext): number {
  const ns = nsOf(ctx);
  const nlb = nlbOf(ctx);
  const st = checkRange(ctx, ns, REFUSED.write) || prepareBlocks(ctx, ns, nlb, Direction.FROM_HOST) || ns.writeBlocks(ctx.data, ctx.sqe.slba, nlb);
  if (st !== 0) return st;
  forceUnitAccess(ctx, ns);
  return countWrite(ctx, ns, nlb);
}

function read(ctx: NvmContext): number {
  const ns = nsOf(ctx);
  const nlb = nlbOf(ctx);
  const st = checkRange(ctx, ns, REFUSED.read) || prepareBlocks(ctx, ns, nlb, Direction.TO_HOST) || ns.readBlocks(ctx.data, ctx.sqe.slba, nlb, ctx.ctrl.dulbe(ns.nsid));
  return st !== 0 ? failed(ctx, st) : countRead(ctx, ns, nlb);
}

function writeUncorrectable(ctx: NvmContext): number {
  const ns = nsOf(ctx);
  const st = checkRange(ctx, ns, REFUSED.none) || ns.writeUncorrectable(ctx.sqe.slba, nlbOf(ctx));
  if (st !== 0) return st;
  ctx.ctrl.smart.hostWriteCommands++;
  return 0;
}

function compare(ctx: NvmContext): number {
  const ns = nsOf(ctx);
  const nlb = nlbOf(ctx);
  const st = checkRange(ctx, ns, REFUSED.read) || prepareBlocks(ctx, ns, nlb, Direction.FROM_HOST) || ns.compareBlocks(ctx.data, ctx.sqe.slba, nlb, ctx.ctrl.dulbe(ns.nsid));
  return st !== 0 ? failed(ctx, st) : countRead(ctx, ns, nlb);
}

function writeZeroes(ctx: NvmContext): number {
  const ns = nsOf(ctx);
  const deallocate = getBits(ctx.sqe.cdw12, WRITE_ZEROES.deac) === 1;
  const st = checkRange(ctx, ns, REFUSED.writeZeroes) || ns.writeZeroes(ctx.sqe.slba, nlbOf(ctx), deallocate);
  if (st !== 0) return st;
  forceUnitAccess(ctx, ns);
  ctx.ctrl.smart.hostWriteCommands++;
  return 0;
}

/** The ranges of one Dataset Management command (256 at most), reused by every command. */
const RANGES = new Uint8Array(DSM_MAX_RANGES * DSM_RANGE.size);
const RANGES_VIEW = new DataView(RANGES.buffer);
const rangeSlba = (i: number): number => {
  const at = i * DSM_RANGE.size + DSM_RANGE.offset.slba;
  return RANGES_VIEW.getUint32(at, true) + RANGES_VIEW.getUint32(at + 4, true) * 2 ** 32;
};
const rangeNlb = (i: number): number => RANGES_VIEW.getUint32(i * DSM_RANGE.size + DSM_RANGE.offset.nlb, true);

function datasetManagement(ctx: NvmContext): number {
  const count = getBits(ctx.sqe.cdw10, DSM.nr) + 1;
  const length = count * DSM_RANGE.size;
  const d = ctx.data;
  const st = d.prepare(ctx.sqe, length, Direction.FROM_HOST) || d.fromHost(RANGES, 0, 0, length);
  if (st !== 0) return st;
  // IDR / IDW (and each range's context attributes) are access hints we have no use for.
  if (getBits(ctx.sqe.cdw11, DSM.ad) === 0) return 0;
  const ns = nsOf(ctx);
  // All or nothing: a range past the end fails the command before any block is deallocated.
  for (let i = 0; i < count; i++) if (rangeSlba(i) + rangeNlb(i) > ns.nsze) return S.LBA_OUT_OF_RANGE;
  for (let i = 0; i < count; i++) {
    const nlb = rangeNlb(i);
    if (nlb === 0) continue;
    const s = ns.deallocate(rangeSlba(i), nlb);
    if (s !== 0) return s;
  }
  return 0;
}

function verify(ctx: NvmContext): number {
  const ns = nsOf(ctx);
  const nlb = nlbOf(ctx);
  const st = checkRange(ctx, ns, REFUSED.read) || ns.verifyBlocks(ctx.sqe.slba, nlb, ctx.ctrl.dulbe(ns.nsid));
  return st !== 0 ? failed(ctx, st) : countRead(ctx, ns, nlb);
}

const def = (
  opcode: number,
  handler: (ctx: NvmContext) => number,
  effects: number,
  nsid: CommandDef['nsid'],
  oncsBit?: number,
): CommandDef<NvmControllerView> => ({
  opcode,
  name: NVM_OPCODE_NAMES[opcode]!,
  handler,
  effects,
  nsid,
  ...(oncsBit !== undefined ? { capability: { field: 'oncs' as const, bit: oncsBit } } : {}),
});

/** The NVM I/O command set: opcode, handler, Commands Supported and Effects bits, NSID use, ONCS bit. */
export const NVM_COMMANDS: CommandSet<NvmControllerView> = {
  name: 'nvm',
  queue: 'io',
  commands: [
    def(NvmOpcode.FLUSH, flush, 0, 'active-or-all'),
    def(NvmOpcode.WRITE, write, Effect.LBCC, 'active'),
    def(NvmOpcode.READ, read, 0, 'active'),
    def(NvmOpcode.WRITE_UNCORRECTABLE, writeUncorrectable, Effect.LBCC, 'active', 1),
    def(NvmOpcode.COMPARE, compare, 0, 'active', 0),
    def(NvmOpcode.WRITE_ZEROES, writeZeroes, Effect.LBCC, 'active', 3),
    def(NvmOpcode.DATASET_MANAGEMENT, datasetManagement, Effect.LBCC, 'active', 2),
    def(NvmOpcode.VERIFY, verify, 0, 'active', 7),
  ],
};

/** The I/O table of a conventional namespace (and the controller's, for Flush to every namespace). */
export const NVM_IO = new CommandTable('io', [NVM_COMMANDS as CommandSet]);
