// NVMe over Fabrics commands (opcode 0x7F) as an FCTYPE-keyed table, like the opcode tables of
// the other command sets: Property Get / Set over the controller registers (CAP, VS, CC, CSTS
// ...), Disconnect, and Connect on a queue that is already connected (a sequence error). Connect
// itself creates the association, so the transport runs it before a controller exists; what it
// checks of the command and its 1024-byte data lives here (parseConnect), as does the KATO it sets.
import {
  CNTLID_DYNAMIC,
  CONNECT_COMMAND,
  CONNECT_DATA,
  ConnectIattr,
  FABRICS_OPCODE,
  FABRICS_TYPE_NAMES,
  FabricsStatus,
  FabricsType,
  FeatureId,
  PropertySize,
  SCT,
  status,
} from '../../spec/index.js';
import type { CommandDef, CommandSet } from '../command.js';
import type { Controller } from '../controller.js';
import type { SqeView } from '../sqe-view.js';
import { S } from '../statuses.js';
import type { AdminContext } from './admin-common.js';

const dnr = { dnr: true };

/** The Connect statuses (SCT 1), all final. */
export const ConnectStatus = {
  INCOMPATIBLE_FORMAT: status(SCT.COMMAND_SPECIFIC, FabricsStatus.CONNECT_INCOMPATIBLE_FORMAT, dnr),
  CONTROLLER_BUSY: status(SCT.COMMAND_SPECIFIC, FabricsStatus.CONNECT_CONTROLLER_BUSY, dnr),
  INVALID_PARAMETERS: status(SCT.COMMAND_SPECIFIC, FabricsStatus.CONNECT_INVALID_PARAMETERS, dnr),
  INVALID_HOST: status(SCT.COMMAND_SPECIFIC, FabricsStatus.CONNECT_INVALID_HOST, dnr),
} as const;

/** NQN length limits (NVMe base spec 4.5: at most 223 bytes; "nqn." plus a date and a name). */
export const NQN_MIN = 11;
export const NQN_MAX = 223;

export interface FabricsCommandDef {
  readonly fctype: number;
  readonly name: string;
  /** The queues that may carry it. */
  readonly queues: 'admin' | 'any';
  handler(ctx: AdminContext): number;
}

const C = CONNECT_COMMAND.offset;
const D = CONNECT_DATA.offset;

// Property Get / Set: ATTRIB is CDW10 bits 2:0, OFST CDW11, VALUE CDW12-13.
function propertySize(sqe: SqeView): 4 | 8 | undefined {
  const size = sqe.cdw10 & 0x7;
  return size === PropertySize.FOUR ? 4 : size === PropertySize.EIGHT ? 8 : undefined;
}

function propertyGet(ctx: AdminContext): number {
  const size = propertySize(ctx.sqe);
  if (size === undefined) return S.INVALID_FIELD;
  const v = ctx.ctrl.registers.read(ctx.sqe.cdw11, size);
  if (v === undefined) return S.INVALID_FIELD;
  ctx.result.dw0 = Number(v & 0xffffffffn);
  ctx.result.dw1 = Number(v >> 32n);
  return 0;
}

function propertySet(ctx: AdminContext): number {
  const size = propertySize(ctx.sqe);
  if (size === undefined) return S.INVALID_FIELD;
  const sqe = ctx.sqe;
  const value = size === 8 ? BigInt(sqe.cdw12) | (BigInt(sqe.cdw13) << 32n) : BigInt(sqe.cdw12);
  return ctx.ctrl.registers.write(sqe.cdw11, size, value) ? 0 : S.INVALID_FIELD;
}

/** Connect on a queue that already belongs to an association. */
const connectAgain = (): number => S.COMMAND_SEQUENCE_ERROR;

/** The transport ends the queue (or the association, on the admin queue) once the response is out. */
const disconnect = (ctx: AdminContext): number => (ctx.sqe.cdw10 & 0xffff) === 0 ? 0 : ConnectStatus.INCOMPATIBLE_FORMAT;

const fdef = (fctype: number, queues: FabricsCommandDef['queues'], handler: (ctx: AdminContext) => number): FabricsCommandDef => ({ fctype, name: FABRICS_TYPE_NAMES[fctype]!, queues, handler });

export const FABRICS_TYPES: readonly FabricsCommandDef[] = [
  fdef(FabricsType.PROPERTY_SET, 'admin', propertySet),
  fdef(FabricsType.CONNECT, 'any', connectAgain),
  fdef(FabricsType.PROPERTY_GET, 'admin', propertyGet),
  fdef(FabricsType.DISCONNECT, 'any', disconnect),
];

const BY_FCTYPE: readonly (FabricsCommandDef | undefined)[] = (() => {
  const t = new Array<FabricsCommandDef | undefined>(256).fill(undefined);
  for (const d of FABRICS_TYPES) t[d.fctype] = d;
  return t;
})();

/** The FCTYPE of a Fabrics command. */
export const fctypeOf = (sqe: SqeView): number => sqe.cdw(1) & 0xff;

const fabricsCommand: CommandDef<Controller> = {
  opcode: FABRICS_OPCODE,
  name: 'Fabrics',
  nsid: 'none',
  effects: 0,
  handler(ctx) {
    const d = BY_FCTYPE[fctypeOf(ctx.sqe)];
    if (d === undefined || (d.queues === 'admin' && ctx.sqid !== 0)) return S.INVALID_OPCODE;
    return d.handler(ctx);
  },
};

/** The admin-queue command set a fabrics controller adds to its admin sets. */
export const FABRICS_COMMANDS: CommandSet<Controller> = { name: 'NVMe over Fabrics', queue: 'admin', commands: [fabricsCommand] };

// ---- Connect ----

export interface ConnectRequest {
  readonly qid: number;
  /** Entries of the submission queue (SQSIZE + 1). */
  readonly entries: number;
  readonly cattr: number;
  /** Keep Alive Timeout in ms (admin queue; 0 = none). */
  readonly kato: number;
  readonly hostid: Uint8Array;
  readonly cntlid: number;
  readonly subnqn: string;
  readonly hostnqn: string;
}

/** A refused Connect: its status and completion DW0 (IPO / IATTR for Invalid Parameters). */
export interface ConnectRefusal {
  readonly status: number;
  readonly dw0: number;
}

/** Connect Invalid Parameters naming the bad field: byte `ipo` of the command (IATTR 0) or of the data (IATTR 1). */
export function invalidConnectParameter(ipo: number, inData: boolean): ConnectRefusal {
  return { status: ConnectStatus.INVALID_PARAMETERS, dw0: (ipo & 0xffff) | ((inData ? ConnectIattr.DATA : ConnectIattr.COMMAND) << 16) };
}

/** Connect Invalid Host, naming HOSTNQN. */
export const INVALID_HOST_REFUSAL: ConnectRefusal = { status: ConnectStatus.INVALID_HOST, dw0: D.hostnqn | (ConnectIattr.DATA << 16) };

function nqnAt(data: Uint8Array, off: number): string | undefined {
  const raw = data.subarray(off, off + 256);
  const end = raw.indexOf(0);
  // Not NUL terminated within the field, or out of the allowed length: not an NQN.
  if (end < NQN_MIN || end > NQN_MAX) return undefined;
  return Buffer.from(raw.buffer, raw.byteOffset, end).toString('utf8');
}

/**
 * Checks a Connect command and its data (which must be the 1024 in-capsule bytes) on their own:
 * record format, queue size, controller ID rule per queue type, and the two NQNs. Whether the
 * subsystem, host and controller exist is the caller's to check.
 */
export function parseConnect(sqe: SqeView, data: Uint8Array | undefined, mqes: number): ConnectRequest | ConnectRefusal {
  const e = sqe.entry();
  const dv = new DataView(e.buffer, e.byteOffset, 64);
  if (dv.getUint16(C.recfmt, true) !== 0) return { status: ConnectStatus.INCOMPATIBLE_FORMAT, dw0: C.recfmt };
  if (data === undefined || data.length !== CONNECT_DATA.size) return { status: S.INVALID_FIELD, dw0: 0 };
  const qid = dv.getUint16(C.qid, true);
  const sqsize = dv.getUint16(C.sqsize, true);
  if (sqsize === 0 || sqsize > mqes) return invalidConnectParameter(C.sqsize, false);
  const ddv = new DataView(data.buffer, data.byteOffset, data.length);
  const cntlid = ddv.getUint16(D.cntlid, true);
  if (qid === 0 && cntlid !== CNTLID_DYNAMIC) return invalidConnectParameter(D.cntlid, true);
  const subnqn = nqnAt(data, D.subnqn);
  if (subnqn === undefined) return invalidConnectParameter(D.subnqn, true);
  const hostnqn = nqnAt(data, D.hostnqn);
  if (hostnqn === undefined) return invalidConnectParameter(D.hostnqn, true);
  return {
    qid,
    entries: sqsize + 1,
    cattr: e[C.cattr]!,
    kato: qid === 0 ? dv.getUint32(C.kato, true) : 0,
    hostid: data.slice(D.hostid, D.hostid + 16),
    cntlid,
    subnqn,
    hostnqn,
  };
}

export const isConnectRefusal = (r: ConnectRequest | ConnectRefusal): r is ConnectRefusal => 'status' in r;

/** The Keep Alive Timer feature takes the KATO the host asked for at Connect. */
export function applyConnectKato(ctrl: Controller, katoMs: number): void {
  ctrl.features.set(FeatureId.KEEP_ALIVE_TIMER, katoMs >>> 0);
}

/** The Keep Alive Timeout in force (ms; 0 = none). */
export function keepAliveTimeout(ctrl: Controller): number {
  return ctrl.features.get(FeatureId.KEEP_ALIVE_TIMER);
}
