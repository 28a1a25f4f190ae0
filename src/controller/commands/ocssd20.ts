// The OCSSD 2.0 command set: Vector Chunk Reset / Write / Read / Copy (0x90-0x93) and the scalar
// Read, Write and Dataset Management of an OCSSD namespace on the I/O queue; the Geometry (0xE2),
// Chunk Information (log 0xCA), Chunk Notification (log 0xD0) and Media Feedback (feature 0xCA)
// on the admin queue (specs.md 2.1-2.7). Handlers parse the command, move the LBA list, data and
// OOB, and leave the chunk rules to Ocssd20ChunkIo.
//
// Lists: with a memory-based transport (DataMover.fromHostAddress) LBAL / DLBAL are host
// addresses, as the spec says. Over a fabric they cannot be (specs.md 2.8): the host sets the
// Inline Layout bit (CDW13 bit 0) and the lists travel in the data, or for a read in a list
// staged by 0x95 (docs/ocssd20.md "Fabrics"). NLB = 0 commands need neither and stay spec-exact.
import {
  DSM,
  DSM_MAX_RANGES,
  DSM_RANGE,
  MAX_STAGED_LBA_LISTS,
  NVM_OPCODE_NAMES,
  NVM_RW,
  NvmOpcode,
  OCSSD20_CHUNK_DESCRIPTOR_SIZE,
  OCSSD20_IO_OPCODE_NAMES,
  OCSSD20_LOG_PAGE_NAMES,
  OCSSD20_VECTOR,
  Ocssd20Feature,
  Ocssd20LogPage,
  Ocssd20MediaFeedback,
  Ocssd20Mccap,
  Ocssd20Opcode,
  Ocssd20VendorOpcode,
  getBits,
} from '../../spec/index.js';
import { ImmediateTiming } from '../../media/index.js';
import { AsyncEventType } from '../async-events.js';
import { CommandTable, Effect, type CommandContext, type CommandDef, type CommandSet } from '../command.js';
import { ALL_NAMESPACES, type Controller } from '../controller.js';
import { Direction } from '../data-mover.js';
import type { Namespace } from '../namespace.js';
import { Ocssd20CommandStatus, type Ocssd20ChunkIo } from '../ocssd20-chunk-io.js';
import type { Ocssd20Namespace } from '../ocssd20-namespace.js';
import { S } from '../statuses.js';
import { createAdminCommands, sliceLog, storeGet, type FeatureDef, type LogPageDef, type LogRequest } from './admin.js';
import { NVM_COMMANDS, type NvmControllerView } from './nvm.js';
import { OCSSD_IDENTITY_COMMAND } from './ocssd-identity.js';

/** What the OCSSD 2.0 I/O handlers need of the controller (Controller has all of it). */
export interface Ocssd20ControllerView extends NvmControllerView {
  readonly features: { get(fid: number, nsid?: number): number };
  readonly events: { post(e: { type: number; info: number; logPage: number }): void };
}

type Ctx = CommandContext<Ocssd20ControllerView>;

const TWO32 = 2 ** 32;
const LBA_BYTES = 8;

/** Per-command scratch, shared by every OCSSD 2.0 namespace (commands run one at a time). */
let bytes = new Uint8Array(64 * 4096);
let oobBytes = new Uint8Array(64 * 64);
const listBytes = new Uint8Array(2 * 64 * LBA_BYTES);
const listView = new DataView(listBytes.buffer);
const descBytes = new Uint8Array(64 * OCSSD20_CHUNK_DESCRIPTOR_SIZE);

function dataScratch(len: number): Uint8Array {
  if (bytes.length < len) {
    bytes = new Uint8Array(Math.max(len, bytes.length * 2));
  }
  return bytes;
}

function oobScratch(len: number): Uint8Array {
  if (oobBytes.length < len) oobBytes = new Uint8Array(Math.max(len, oobBytes.length * 2));
  return oobBytes;
}

const nsOf = (ctx: Ctx): Ocssd20Namespace => ctx.ns as Ocssd20Namespace;
const nlbOf = (ctx: Ctx): number => getBits(ctx.sqe.cdw12, OCSSD20_VECTOR.nlb0) + 1;
const inline = (ctx: Ctx): boolean => getBits(ctx.sqe.cdw13, OCSSD20_VECTOR.ilay) === 1;

/** Decodes n little-endian u64 LBAs from src[at..] into out[0..n). */
function decodeList(src: DataView, at: number, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i] = src.getUint32(at + 8 * i, true) + src.getUint32(at + 8 * i + 4, true) * TWO32;
}

/**
 * The LBA list of a spec-layout command into io.lbas: the LBA itself when n = 1, else n u64 at
 * the host address in CDW `dword` (10: LBAL, 14: DLBAL). A fabric cannot reach host memory:
 * Invalid Field (the host must use the inline layout).
 */
function fetchList(ctx: Ctx, io: Ocssd20ChunkIo, n: number, dword: 10 | 14): number {
  const addr = ctx.sqe.u64(4 * dword);
  if (n === 1) {
    io.lbas[0] = addr;
    return 0;
  }
  const read = ctx.data.fromHostAddress;
  if (read === undefined) return io.failAll(n, S.INVALID_FIELD);
  const st = read(addr, listBytes, 0, n * LBA_BYTES);
  if (st !== 0) return io.failAll(n, st);
  decodeList(listView, 0, n, io.lbas);
  return 0;
}

/** The list staged by 0x95 under the tag in CDW10 (inline layout), consumed; Invalid Field when there is none of n LBAs. */
function takeStaged(ctx: Ctx, ns: Ocssd20Namespace, io: Ocssd20ChunkIo, n: number): number {
  const tag = ctx.sqe.cdw10;
  const list = ns.staged.get(tag);
  if (list === undefined || list.length !== n) return io.failAll(n, S.INVALID_FIELD);
  ns.staged.delete(tag);
  io.lbas.set(list);
  return 0;
}

/** Posts the vendor Asynchronous Event for log 0xD0 when the command queued notifications. */
function finish(ctx: Ctx, ns: Ocssd20Namespace, st: number, bitmap: boolean): number {
  const io = ns.chunkIo;
  if (bitmap) {
    ctx.result.dw0 = io.bm0;
    ctx.result.dw1 = io.bm1;
  }
  // Media times are command times only with a timing model (the device gives media and
  // controller one clock then); timing off, they carry nothing to wait for.
  if (!(ns.media.timing instanceof ImmediateTiming) && io.completesAt > ctx.result.completesAt) ctx.result.completesAt = io.completesAt;
  if (ns.notifications.takeEvent()) ctx.ctrl.events.post({ type: AsyncEventType.VENDOR, info: 0, logPage: Ocssd20LogPage.CHUNK_NOTIFICATION });
  return st;
}

function begin(ctx: Ctx, ns: Ocssd20Namespace, n: number): Ocssd20ChunkIo {
  const io = ns.chunkIo;
  io.reserve(n);
  io.begin(ctx.result.completesAt);
  return io;
}

function highEccReported(ctx: Ctx): boolean {
  return (ctx.ctrl.features.get(Ocssd20Feature.MEDIA_FEEDBACK) & (Ocssd20MediaFeedback.HECC | Ocssd20MediaFeedback.VHECC)) !== 0;
}

// ---- shared bodies: programs and reads of io.lbas[0..n) ----

/** Receives n sectors (+ OOB) and programs them. `at` = where the sectors start in the data (inline layout). */
function receiveAndWrite(ctx: Ctx, ns: Ocssd20Namespace, n: number, ilay: boolean, at: number): number {
  const io = ns.chunkIo;
  const ss = ns.lbaSize;
  const ms = ns.ms;
  const d = ctx.data;
  const data = dataScratch(n * ss);
  const oob = ms > 0 ? oobScratch(n * ms) : undefined;
  let st = d.fromHost(data, 0, at, n * ss);
  if (st === 0 && oob !== undefined) st = ilay ? d.fromHost(oob, 0, at + n * ss, n * ms) : d.prepareMeta(ctx.sqe, n * ms, Direction.FROM_HOST) || d.metaFromHost(oob, 0, 0, n * ms);
  if (st !== 0) return io.failAll(n, st);
  st = io.write(n, data, 0, oob, 0);
  countWrite(ctx, ns, n);
  return st;
}

/** Reads n sectors (+ OOB) and sends them. */
function readAndSend(ctx: Ctx, ns: Ocssd20Namespace, n: number, ilay: boolean): number {
  const io = ns.chunkIo;
  const ss = ns.lbaSize;
  const ms = ns.ms;
  const d = ctx.data;
  const data = dataScratch(n * ss);
  const oob = ms > 0 ? oobScratch(n * ms) : undefined;
  const st = io.read(n, data, oob, ctx.ctrl.dulbe(ns.nsid), highEccReported(ctx));
  let t = d.toHost(data, 0, 0, n * ss);
  if (t === 0 && oob !== undefined) t = ilay ? d.toHost(oob, 0, n * ss, n * ms) : d.metaToHost(oob, 0, 0, n * ms);
  if (t !== 0) return io.failAll(n, t);
  countRead(ctx, ns, n, st);
  return st;
}

/** FUA: what was programmed reaches stable storage before the completion, when a write cache could hold it back. */
function forceUnitAccess(ctx: Ctx, ns: Ocssd20Namespace, fua: number): void {
  if (fua === 1 && ctx.ctrl.writeCacheEnabled()) ns.flush();
}

function countWrite(ctx: Ctx, ns: Ocssd20Namespace, n: number): void {
  const s = ctx.ctrl.smart;
  s.hostWriteCommands++;
  s.units512Written += (n * ns.lbaSize) / 512;
  s.dataUnitsWritten = Math.ceil(s.units512Written / 1000);
}

function countRead(ctx: Ctx, ns: Ocssd20Namespace, n: number, st: number): void {
  const s = ctx.ctrl.smart;
  s.hostReadCommands++;
  s.units512Read += (n * ns.lbaSize) / 512;
  s.dataUnitsRead = Math.ceil(s.units512Read / 1000);
  if (st === Ocssd20CommandStatus.UNRECOVERED_READ_ERROR) s.mediaErrors++;
}

// ---- vector commands ----

function vectorReset(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const n = nlbOf(ctx);
  const io = begin(ctx, ns, n);
  const ilay = inline(ctx);
  // Reset moves no data (opcode bits 1:0 = 00): an inline list is a staged one, as for reads.
  let st = ilay && n > 1 ? takeStaged(ctx, ns, io, n) : fetchList(ctx, io, n, 10);
  if (st !== 0) return finish(ctx, ns, st, true);
  st = io.decode(n);
  if (st !== 0) return finish(ctx, ns, st, true);
  // MPTR, when set, receives each chunk's descriptor after the reset (not with the inline layout).
  const wantDesc = !ilay && ctx.sqe.mptr !== 0;
  if (wantDesc) {
    const t = ctx.data.prepareMeta(ctx.sqe, n * OCSSD20_CHUNK_DESCRIPTOR_SIZE, Direction.TO_HOST);
    if (t !== 0) return finish(ctx, ns, io.failAll(n, t), true);
  }
  st = io.reset(n, wantDesc ? descBytes : undefined);
  if (wantDesc) {
    const t = ctx.data.metaToHost(descBytes, 0, 0, n * OCSSD20_CHUNK_DESCRIPTOR_SIZE);
    if (t !== 0) return finish(ctx, ns, io.failAll(n, t), true);
  }
  return finish(ctx, ns, st, true);
}

function vectorWrite(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const n = nlbOf(ctx);
  const io = begin(ctx, ns, n);
  const ilay = inline(ctx);
  const listLen = ilay && n > 1 ? n * LBA_BYTES : 0;
  const d = ctx.data;
  let st = d.prepare(ctx.sqe, listLen + n * ns.lbaSize + (ilay ? n * ns.ms : 0), Direction.FROM_HOST);
  if (st !== 0) return finish(ctx, ns, io.failAll(n, st), true);
  if (listLen > 0) {
    st = d.fromHost(listBytes, 0, 0, listLen);
    if (st !== 0) return finish(ctx, ns, io.failAll(n, st), true);
    decodeList(listView, 0, n, io.lbas);
  } else {
    st = fetchList(ctx, io, n, 10);
    if (st !== 0) return finish(ctx, ns, st, true);
  }
  st = io.decode(n) || receiveAndWrite(ctx, ns, n, ilay, listLen);
  forceUnitAccess(ctx, ns, getBits(ctx.sqe.cdw12, OCSSD20_VECTOR.fua));
  return finish(ctx, ns, st, true);
}

function vectorRead(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const n = nlbOf(ctx);
  const io = begin(ctx, ns, n);
  const ilay = inline(ctx);
  let st = ilay && n > 1 ? takeStaged(ctx, ns, io, n) : fetchList(ctx, io, n, 10);
  if (st !== 0) return finish(ctx, ns, st, true);
  st = ctx.data.prepare(ctx.sqe, n * ns.lbaSize + (ilay ? n * ns.ms : 0), Direction.TO_HOST);
  if (st === 0 && !ilay && ns.ms > 0) st = ctx.data.prepareMeta(ctx.sqe, n * ns.ms, Direction.TO_HOST);
  if (st !== 0) return finish(ctx, ns, io.failAll(n, st), true);
  st = io.decode(n) || readAndSend(ctx, ns, n, ilay);
  return finish(ctx, ns, st, true);
}

/** Reads the source LBAs into a bounce buffer (with their OOB), then writes them at the destination LBAs. */
function vectorCopy(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const n = nlbOf(ctx);
  const io = begin(ctx, ns, n);
  const ilay = inline(ctx);
  const dst = COPY_DST;
  let st: number;
  if (ilay && n > 1) {
    const d = ctx.data;
    st = d.prepare(ctx.sqe, 2 * n * LBA_BYTES, Direction.FROM_HOST) || d.fromHost(listBytes, 0, 0, 2 * n * LBA_BYTES);
    if (st !== 0) return finish(ctx, ns, io.failAll(n, st), true);
    decodeList(listView, 0, n, io.lbas);
    decodeList(listView, n * LBA_BYTES, n, dst);
  } else {
    st = fetchList(ctx, io, n, 14);
    if (st !== 0) return finish(ctx, ns, st, true);
    dst.set(io.lbas.subarray(0, n));
    st = fetchList(ctx, io, n, 10);
    if (st !== 0) return finish(ctx, ns, st, true);
  }
  const ss = ns.lbaSize;
  const ms = ns.ms;
  const data = dataScratch(n * ss);
  const oob = ms > 0 ? oobScratch(n * ms) : undefined;
  st = io.decode(n);
  if (st !== 0) return finish(ctx, ns, st, true);
  const rd = io.read(n, data, oob, ctx.ctrl.dulbe(ns.nsid), highEccReported(ctx));
  // A source that could not be read fails the copy before anything is written.
  if (rd !== 0 && rd !== Ocssd20CommandStatus.HIGH_ECC) return finish(ctx, ns, rd, true);
  io.lbas.set(dst.subarray(0, n));
  st = io.decode(n) || io.write(n, data, 0, oob, 0);
  return finish(ctx, ns, st || rd, true);
}

const COPY_DST = new Float64Array(64);

/** ocssd fabrics extension: stores NLB + 1 LBAs under the tag in CDW10 for an inline-layout read. */
function stageLbaList(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const n = nlbOf(ctx);
  const d = ctx.data;
  const st = d.prepare(ctx.sqe, n * LBA_BYTES, Direction.FROM_HOST) || d.fromHost(listBytes, 0, 0, n * LBA_BYTES);
  if (st !== 0) return st;
  const list = new Float64Array(n);
  decodeList(listView, 0, n, list);
  const tag = ctx.sqe.cdw10;
  ns.staged.delete(tag);
  if (ns.staged.size >= MAX_STAGED_LBA_LISTS) ns.staged.delete(ns.staged.keys().next().value!);
  ns.staged.set(tag, list);
  return 0;
}

// ---- scalar commands on the OCSSD LBA space ----

/** Scalar LBAs slba..slba+nlb-1 into io.lbas. */
function scalarList(ctx: Ctx, ns: Ocssd20Namespace, nlb: number): Ocssd20ChunkIo {
  const io = begin(ctx, ns, nlb);
  const slba = ctx.sqe.slba;
  for (let i = 0; i < nlb; i++) io.lbas[i] = slba + i;
  return io;
}

function scalarWrite(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const nlb = getBits(ctx.sqe.cdw12, NVM_RW.nlb0) + 1;
  const io = scalarList(ctx, ns, nlb);
  const st = ctx.data.prepare(ctx.sqe, nlb * ns.lbaSize, Direction.FROM_HOST) || io.decode(nlb) || receiveAndWrite(ctx, ns, nlb, false, 0);
  forceUnitAccess(ctx, ns, getBits(ctx.sqe.cdw12, NVM_RW.fua));
  return finish(ctx, ns, st, false);
}

function scalarRead(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const nlb = getBits(ctx.sqe.cdw12, NVM_RW.nlb0) + 1;
  const io = scalarList(ctx, ns, nlb);
  let st = ctx.data.prepare(ctx.sqe, nlb * ns.lbaSize, Direction.TO_HOST);
  if (st === 0 && ns.ms > 0) st = ctx.data.prepareMeta(ctx.sqe, nlb * ns.ms, Direction.TO_HOST);
  st ||= io.decode(nlb) || readAndSend(ctx, ns, nlb, false);
  return finish(ctx, ns, st, false);
}

const RANGES = new Uint8Array(DSM_MAX_RANGES * DSM_RANGE.size);
const RANGES_VIEW = new DataView(RANGES.buffer);

/** Deallocate = chunk reset: each range must be one whole chunk (sector 0, NLB = CNLB), as QEMU requires. */
function datasetManagement(ctx: Ctx): number {
  const ns = nsOf(ctx);
  const count = getBits(ctx.sqe.cdw10, DSM.nr) + 1;
  const d = ctx.data;
  let st = d.prepare(ctx.sqe, count * DSM_RANGE.size, Direction.FROM_HOST) || d.fromHost(RANGES, 0, 0, count * DSM_RANGE.size);
  if (st !== 0 || getBits(ctx.sqe.cdw11, DSM.ad) === 0) return st;
  const io = begin(ctx, ns, count);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const at = i * DSM_RANGE.size;
    const nlb = RANGES_VIEW.getUint32(at + DSM_RANGE.offset.nlb, true);
    if (nlb === 0) continue;
    const slba = RANGES_VIEW.getUint32(at + DSM_RANGE.offset.slba, true) + RANGES_VIEW.getUint32(at + DSM_RANGE.offset.slba + 4, true) * TWO32;
    io.lbas[n++] = slba;
    if (nlb !== ns.clba) return finish(ctx, ns, S.INVALID_FIELD, false);
  }
  st = io.decode(n);
  if (st !== 0) return finish(ctx, ns, st, false);
  for (let i = 0; i < n; i++) if (io.secs[i] !== 0) return finish(ctx, ns, S.INVALID_FIELD, false);
  return finish(ctx, ns, io.reset(n, undefined), false);
}

// ---- tables ----

const flushDef = NVM_COMMANDS.commands.find((c) => c.opcode === NvmOpcode.FLUSH)! as unknown as CommandDef<Ocssd20ControllerView>;

const io = (opcode: number, name: string, handler: (ctx: Ctx) => number, effects: number, oncsBit?: number): CommandDef<Ocssd20ControllerView> => ({
  opcode,
  name,
  handler,
  effects,
  nsid: 'active',
  ...(oncsBit !== undefined ? { capability: { field: 'oncs' as const, bit: oncsBit } } : {}),
});

/** The I/O command set of an OCSSD 2.0 namespace with capabilities `mccap` (Vector Copy only with MCCAP bit 0). */
export function ocssd20IoCommands(mccap: number): CommandSet<Ocssd20ControllerView> {
  const O = Ocssd20Opcode;
  return {
    name: 'ocssd20',
    queue: 'io',
    commands: [
      flushDef,
      io(NvmOpcode.WRITE, NVM_OPCODE_NAMES[NvmOpcode.WRITE]!, scalarWrite, Effect.LBCC),
      io(NvmOpcode.READ, NVM_OPCODE_NAMES[NvmOpcode.READ]!, scalarRead, 0),
      io(NvmOpcode.DATASET_MANAGEMENT, NVM_OPCODE_NAMES[NvmOpcode.DATASET_MANAGEMENT]!, datasetManagement, Effect.LBCC, 2),
      io(O.VECTOR_RESET, OCSSD20_IO_OPCODE_NAMES[O.VECTOR_RESET]!, vectorReset, Effect.LBCC),
      io(O.VECTOR_WRITE, OCSSD20_IO_OPCODE_NAMES[O.VECTOR_WRITE]!, vectorWrite, Effect.LBCC),
      io(O.VECTOR_READ, OCSSD20_IO_OPCODE_NAMES[O.VECTOR_READ]!, vectorRead, 0),
      ...((mccap & Ocssd20Mccap.VECTOR_COPY) !== 0 ? [io(O.VECTOR_COPY, OCSSD20_IO_OPCODE_NAMES[O.VECTOR_COPY]!, vectorCopy, Effect.LBCC)] : []),
      io(Ocssd20VendorOpcode.STAGE_LBA_LIST, OCSSD20_IO_OPCODE_NAMES[Ocssd20VendorOpcode.STAGE_LBA_LIST]!, stageLbaList, 0),
    ],
  };
}

export function ocssd20IoTable(mccap: number): CommandTable {
  return new CommandTable('io', [ocssd20IoCommands(mccap) as CommandSet]);
}

// ---- admin: logs and the feature ----

function ocssd20Namespaces(req: LogRequest): Ocssd20Namespace[] | number {
  const ctrl = req.ctrl;
  if (req.nsid === ALL_NAMESPACES || req.nsid === 0) return [...ctrl.namespaces.values()].filter(isOcssd20);
  const ns = ctrl.namespaces.get(req.nsid);
  if (ns === undefined) return S.INVALID_NAMESPACE;
  return isOcssd20(ns) ? [ns] : S.INVALID_FIELD;
}

const isOcssd20 = (ns: Namespace): ns is Ocssd20Namespace => ns.kind === 'ocssd20';

export const CHUNK_INFORMATION_LOG: LogPageDef = {
  lid: Ocssd20LogPage.CHUNK_INFO,
  name: OCSSD20_LOG_PAGE_NAMES[Ocssd20LogPage.CHUNK_INFO]!,
  read(req) {
    // One namespace's chunks: NSID must name it.
    if (req.nsid === ALL_NAMESPACES || req.nsid === 0) return S.INVALID_FIELD;
    const list = ocssd20Namespaces(req);
    if (typeof list === 'number') return list;
    const ns = list[0]!;
    if (req.offset >= ns.chunkLogBytes) return S.INVALID_FIELD;
    return ns.chunkLog(req.offset, req.length);
  },
};

export const CHUNK_NOTIFICATION_LOG: LogPageDef = {
  lid: Ocssd20LogPage.CHUNK_NOTIFICATION,
  name: OCSSD20_LOG_PAGE_NAMES[Ocssd20LogPage.CHUNK_NOTIFICATION]!,
  read(req) {
    const list = ocssd20Namespaces(req);
    if (typeof list === 'number') return list;
    if (list.length === 0) return S.INVALID_FIELD;
    // Several namespaces (NSID all): their logs one after another, 4096 bytes each.
    const out = new Uint8Array(4096 * list.length);
    list.forEach((ns, i) => out.set(ns.notifications.log(), 4096 * i));
    return sliceLog(out, req);
  },
  consume(req) {
    const list = ocssd20Namespaces(req);
    if (typeof list !== 'number') for (const ns of list) ns.notifications.consume();
  },
};

export const MEDIA_FEEDBACK_FEATURE: FeatureDef = {
  fid: Ocssd20Feature.MEDIA_FEEDBACK,
  attributes: { saveable: false, namespaceSpecific: false, changeable: true },
  ops: {
    get: storeGet,
    set(ctx, fid) {
      // Only HECC and VHECC are defined.
      const v = ctx.sqe.cdw11;
      if ((v & ~(Ocssd20MediaFeedback.HECC | Ocssd20MediaFeedback.VHECC)) !== 0) return S.INVALID_FIELD;
      ctx.ctrl.features.set(fid, v);
      return 0;
    },
  },
};

/** The admin sets of a controller with OCSSD 2.0 namespaces: the base set with logs 0xCA / 0xD0 and feature 0xCA, and 0xE2. */
export function ocssd20AdminCommands(): CommandSet<Controller>[] {
  return [
    createAdminCommands({ logPages: [CHUNK_INFORMATION_LOG, CHUNK_NOTIFICATION_LOG], features: [MEDIA_FEEDBACK_FEATURE] }),
    { name: 'ocssd20 admin', queue: 'admin', commands: [OCSSD_IDENTITY_COMMAND] },
  ];
}
