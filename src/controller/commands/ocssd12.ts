// The OCSSD 1.2 command sets (specs.md 1.1-1.5; seed-emulator-behaviour.md 2.1, 3.3):
// admin 0xE2 Device Identification (shared with 2.0), 0xF2 Get Bad Block Table, 0xF1 Set Bad
// Block Table; I/O: the NVM commands (plain LBA access to the same bytes) plus 0x90 Physical
// Block Erase, 0x91 Physical Page Write and 0x92 Physical Page Read. Handlers parse and check
// the command (PPA count, plane mode, the PPA list, every PPA field) and leave the media work to
// Ocssd12Namespace. The per-PPA result bitmap goes to CQE DW0-DW1.
import {
  OCSSD12_ADMIN_OPCODE_NAMES,
  OCSSD12_IO_OPCODE_NAMES,
  OCSSD12_SET_BBT,
  Ocssd12AdminOpcode,
  Ocssd12Opcode,
  Ocssd12PlaneAccess,
  getBits,
} from '../../spec/index.js';
import { CommandTable, Effect, type CommandContext, type CommandDef, type CommandSet } from '../command.js';
import type { Controller } from '../controller.js';
import { Direction } from '../data-mover.js';
import { Ocssd12Namespace, isOcssd12BbtValue } from '../ocssd12-namespace.js';
import { Ocssd12Errors as E } from '../ocssd12-status.js';
import { Bitmap64, PPA_PROBLEM_NAMES } from '../ocssd12-address.js';
import { S } from '../statuses.js';
import { sendToHost } from './admin-common.js';
import { NVM_COMMANDS, type NvmControllerView } from './nvm.js';
import { OCSSD_IDENTITY_COMMAND } from './ocssd-identity.js';

/** The PPA list of one command (64 PPAs at most: the bitmap's width). */
const LIST = new Uint8Array(64 * 8);
const LIST_VIEW = new DataView(LIST.buffer);
const BITMAP = new Bitmap64();
/** Get BBT reply buffer, grown to the largest LUN table asked for. */
let BBT = new Uint8Array(4096);

const nlbOf = (cdw12: number): number => (cdw12 & 0xffff) + 1;
const controlOf = (cdw12: number): number => cdw12 >>> 16;

/**
 * Fills ns.ppaLo/ppaHi with the command's n PPAs: CDW10-11 itself when n = 1, else the list at
 * the host address CDW10-11 names. Over a fabric the controller cannot reach host memory, so a
 * list there is refused with Invalid Field (specs.md 2.8).
 */
function loadPpas(ctx: CommandContext<unknown>, ns: Ocssd12Namespace, n: number): number {
  const sqe = ctx.sqe;
  if (n === 1) {
    ns.ppaLo[0] = sqe.cdw10;
    ns.ppaHi[0] = sqe.cdw11;
    return 0;
  }
  const read = ctx.data.fromHostAddress;
  if (read === undefined) return E.INVALID_FIELD;
  const st = read(sqe.slba, LIST, 0, n * 8);
  if (st !== 0) return E.DATA_TRANSFER_ERROR;
  for (let i = 0; i < n; i++) {
    ns.ppaLo[i] = LIST_VIEW.getUint32(8 * i, true);
    ns.ppaHi[i] = LIST_VIEW.getUint32(8 * i + 4, true);
  }
  return 0;
}

/** Resolves the loaded PPAs; an address that names no sector fails the command with its bit set. */
function resolvePpas(ns: Ocssd12Namespace, n: number): number {
  const bad = ns.resolve(n);
  if (bad < 0) return 0;
  BITMAP.set(bad);
  if (ns.settings.debug) ns.debugLog(`ocssd12 nsid ${ns.nsid}: PPA ${bad} refused: ${PPA_PROBLEM_NAMES[ns.problem]}`);
  return E.OUT_OF_RANGE;
}

/** Dual plane access needs 2 planes and quad needs 4 (the original's rule); mode 3 is reserved. */
function planeModeOk(ns: Ocssd12Namespace, mode: number): boolean {
  const planes = ns.media.geometry.planes;
  return mode === Ocssd12PlaneAccess.SINGLE || (mode === Ocssd12PlaneAccess.DUAL && planes === 2) || (mode === Ocssd12PlaneAccess.QUAD && planes === 4);
}

type IoContext = CommandContext<NvmControllerView>;

/** Count, plane mode and list checks every physical command shares. Returns 0 or a status. */
function prologue(ctx: IoContext | CommandContext<Controller>, ns: Ocssd12Namespace, name: string, n: number, mode: number): number {
  BITMAP.clear();
  if (n > ns.settings.maxPpas || !planeModeOk(ns, mode)) return E.INVALID_FIELD;
  const st = loadPpas(ctx, ns, n);
  if (st !== 0) return st;
  if (ns.settings.debug) ns.debugLog(ns.describeCommand(name, n, mode));
  return resolvePpas(ns, n);
}

function epilogue(ctx: { result: { dw0: number; dw1: number } }, st: number): number {
  ctx.result.dw0 = BITMAP.lo;
  ctx.result.dw1 = BITMAP.hi;
  return st;
}

/**
 * The completion waits for the media work a timing model priced. With no timing model (the
 * default) there is nothing to wait for; with one, the media and the controller share a clock
 * (createOcssd12Controller sees to it), so the media's completion time is the command's.
 */
function timed(ctx: IoContext, ns: Ocssd12Namespace, st: number): number {
  if (ns.timed && ns.completesAt > ctx.result.completesAt) ctx.result.completesAt = ns.completesAt;
  return epilogue(ctx, st);
}

function erase(ctx: IoContext): number {
  const ns = ctx.ns as Ocssd12Namespace;
  const cdw12 = ctx.sqe.cdw12;
  const n = nlbOf(cdw12);
  const mode = controlOf(cdw12) & 0x3;
  // lstrict: pblk erases one PPA with a plane mode; a list is a host bug there.
  if (ns.settings.strict && n > 1) {
    BITMAP.clear();
    return epilogue(ctx, E.INVALID_FIELD);
  }
  ns.completesAt = 0;
  const st = prologue(ctx, ns, 'erase', n, mode) || ns.executeErase(n, mode, BITMAP);
  return timed(ctx, ns, st);
}

function pwrite(ctx: IoContext): number {
  const ns = ctx.ns as Ocssd12Namespace;
  const cdw12 = ctx.sqe.cdw12;
  const n = nlbOf(cdw12);
  const g = ns.media.geometry;
  ns.completesAt = 0;
  let st = prologue(ctx, ns, 'write', n, controlOf(cdw12) & 0x3);
  // Host-based FTL mode (DOM bit 0 clear): the smallest write is one page on every plane.
  if (st === 0 && (ns.settings.dom & 1) === 0 && n < g.sectorsPerPage * g.planes) st = E.INVALID_FIELD;
  const withOob = ctx.sqe.mptr !== 0 && g.oobSize > 0;
  if (st === 0) st = ctx.data.prepare(ctx.sqe, n * g.sectorSize, Direction.FROM_HOST);
  if (st === 0 && withOob) st = ctx.data.prepareMeta(ctx.sqe, n * g.oobSize, Direction.FROM_HOST);
  if (st === 0) st = ns.executeWrite(ctx.data, n, withOob, BITMAP);
  if (st === 0 || st === E.FAIL_WRITE) countIo(ctx, n * g.sectorSize, true);
  return timed(ctx, ns, st);
}

function pread(ctx: IoContext): number {
  const ns = ctx.ns as Ocssd12Namespace;
  const cdw12 = ctx.sqe.cdw12;
  const n = nlbOf(cdw12);
  const g = ns.media.geometry;
  ns.completesAt = 0;
  let st = prologue(ctx, ns, 'read', n, controlOf(cdw12) & 0x3);
  const withOob = ctx.sqe.mptr !== 0 && g.oobSize > 0;
  if (st === 0) st = ctx.data.prepare(ctx.sqe, n * g.sectorSize, Direction.TO_HOST);
  if (st === 0 && withOob) st = ctx.data.prepareMeta(ctx.sqe, n * g.oobSize, Direction.TO_HOST);
  if (st === 0) {
    st = ns.executeRead(ctx.data, n, withOob, BITMAP);
    countIo(ctx, n * g.sectorSize, false);
    if (st === E.FAIL_ECC) ctx.ctrl.smart.mediaErrors++;
  }
  return timed(ctx, ns, st);
}

function countIo(ctx: IoContext, bytes: number, write: boolean): void {
  const s = ctx.ctrl.smart;
  if (write) {
    s.hostWriteCommands++;
    s.units512Written += bytes / 512;
    s.dataUnitsWritten = Math.ceil(s.units512Written / 1000);
  } else {
    s.hostReadCommands++;
    s.units512Read += bytes / 512;
    s.dataUnitsRead = Math.ceil(s.units512Read / 1000);
  }
}

const io = (opcode: number, handler: (ctx: IoContext) => number, effects: number): CommandDef<NvmControllerView> => ({
  opcode,
  name: OCSSD12_IO_OPCODE_NAMES[opcode]!,
  handler,
  effects,
  nsid: 'active',
});

/** The 1.2 physical I/O commands. */
export const OCSSD12_IO_COMMANDS: CommandSet<NvmControllerView> = {
  name: 'OCSSD 1.2 I/O',
  queue: 'io',
  commands: [io(Ocssd12Opcode.ERASE, erase, Effect.LBCC), io(Ocssd12Opcode.PWRITE, pwrite, Effect.LBCC), io(Ocssd12Opcode.PREAD, pread, 0)],
};

/** The I/O table of a 1.2 namespace: plain NVM commands and the physical ones. */
export const OCSSD12_IO = new CommandTable('io', [NVM_COMMANDS as CommandSet, OCSSD12_IO_COMMANDS as CommandSet]);

// ---- admin ----

type AdminCtx = CommandContext<Controller>;

function getBbt(ctx: AdminCtx): number {
  const ns = ctx.ns;
  if (!(ns instanceof Ocssd12Namespace)) return S.INVALID_NAMESPACE;
  const a = { ch: 0, lun: 0, pln: 0, blk: 0, pg: 0, sec: 0 };
  const p = ns.codec.decode(ctx.sqe.cdw10, ctx.sqe.cdw11, a);
  if (p !== 0) return E.OUT_OF_RANGE;
  const need = 64 + ns.media.geometry.chunksPerPu;
  if (BBT.length < need) BBT = new Uint8Array(need);
  BBT.fill(0, 0, need);
  const len = ns.encodeBbt(a.ch, a.lun, BBT);
  return sendToHost(ctx, BBT.subarray(0, len));
}

function setBbt(ctx: AdminCtx): number {
  const ns = ctx.ns;
  if (!(ns instanceof Ocssd12Namespace)) return S.INVALID_NAMESPACE;
  const cdw12 = ctx.sqe.cdw12;
  const n = getBits(cdw12, OCSSD12_SET_BBT.nlb0) + 1;
  const value = getBits(cdw12, OCSSD12_SET_BBT.value);
  BITMAP.clear();
  if (!isOcssd12BbtValue(value)) return epilogue(ctx, E.INVALID_FIELD);
  // All or nothing: every PPA is checked before any mark changes.
  const st = prologue(ctx, ns, `set bad block table to ${value} for`, n, Ocssd12PlaneAccess.SINGLE) || ns.setBadBlocks(n, value);
  return epilogue(ctx, st);
}

const admin = (opcode: number, handler: (ctx: AdminCtx) => number, effects = 0): CommandDef<Controller> => ({
  opcode,
  name: OCSSD12_ADMIN_OPCODE_NAMES[opcode]!,
  handler,
  effects,
  nsid: 'active',
});

/** The 1.2 admin extension: identity, Get and Set Bad Block Table. Add it beside the base admin set. */
export const OCSSD12_ADMIN_COMMANDS: CommandSet<Controller> = {
  name: 'OCSSD 1.2 admin',
  queue: 'admin',
  commands: [OCSSD_IDENTITY_COMMAND, admin(Ocssd12AdminOpcode.GET_BBT, getBbt), admin(Ocssd12AdminOpcode.SET_BBT, setBbt)],
};
