// One NVMe/TCP connection on the target side: one queue of one association. It reads PDUs with
// the streaming reader, negotiates ICReq / ICResp, hands Connect to the target (which owns
// associations), and runs every other capsule through the association's Controller with a
// TcpDataMover: in-capsule data, R2T + H2CData for larger writes, C2HData then CapsuleResp for
// reads. A protocol error sends a C2HTermReq and closes this connection only.
//
// Limits per connection: queue entries (SQSIZE + 1) bound the commands in flight; in-capsule
// data, H2CData PDUs and whole transfers have size limits; all data buffers come from one
// BufferBudget. A command whose buffer does not fit yet waits (FIFO) for one to come back.
import type { Socket } from 'node:net';
import { DEFERRED, Direction, S, SqeView, type Controller } from '../../controller/index.js';
import {
  CAPSULE_CMD,
  FABRICS_OPCODE,
  FabricsType,
  Fes,
  GenericStatus,
  H2C_DATA,
  IC_REQ,
  NVME_TCP_PFV,
  PduFlag,
  PduType,
  SGL_ID_TCP_IN_CAPSULE,
  SGL_ID_TCP_TRANSPORT,
  SCT,
  status,
} from '../../spec/index.js';
import { BufferBudget } from './buffer-budget.js';
import { type PduHeader, PduReader, type PduSink } from './pdu-reader.js';
import { capsuleResp, dataDigest, dataPdu, icResp, NO_DIGESTS, r2t, termReq, type Digests } from './pdu-writer.js';
import { TcpDataMover } from './tcp-data-mover.js';

export const ConnState = { AWAIT_ICREQ: 0, AWAIT_CONNECT: 1, CONNECTED: 2, CLOSED: 3 } as const;
export type ConnState = (typeof ConnState)[keyof typeof ConnState];
export const CONN_STATE_NAMES: Readonly<Record<ConnState, string>> = { 0: 'awaiting ICReq', 1: 'awaiting Connect', 2: 'connected', 3: 'closed' };
/** CONN_TRANSITIONS[from] lists the states a connection may move to. */
export const CONN_TRANSITIONS: Readonly<Record<ConnState, readonly ConnState[]>> = {
  0: [ConnState.AWAIT_CONNECT, ConnState.CLOSED],
  1: [ConnState.CONNECTED, ConnState.CLOSED],
  2: [ConnState.CLOSED],
  3: [],
};

/** What a connection needs of the target. */
export interface ConnectionHost {
  readonly limits: ConnectionLimits;
  /** Runs a Connect capsule (SQE at `sqe`, 1024-byte data): binds the connection or refuses it. */
  connect(conn: TargetConnection, sqe: SqeView, data: Uint8Array | undefined): { status: number; dw0: number };
  /** The connection is gone. */
  closed(conn: TargetConnection): void;
  log(message: string): void;
}

export interface ConnectionLimits {
  /** MAXH2CDATA offered in ICResp. */
  readonly maxH2CData: number;
  /** In-capsule data bytes on I/O queues (admin and Connect: 8 KiB). */
  readonly inCapsuleData: number;
  /** Data bytes per C2HData PDU. */
  readonly maxC2HData: number;
  /** Bytes of data buffers one connection may hold. */
  readonly bufferBudget: number;
  /** Most bytes one command may move (also bounded by the controller's MDTS). */
  readonly maxTransfer: number;
  /** Time to receive ICReq, then Connect (ms). */
  readonly handshakeTimeoutMs: number;
  /** Unsent answer bytes beyond `bufferBudget` at which reading stops until the socket drains. */
  readonly sendBacklog: number;
}

/** Fabrics commands and the admin queue take 8 KiB in capsule (Linux NVME_TCP_ADMIN_CCSZ). */
export const ADMIN_IN_CAPSULE = 8192;

const SlotState = { FREE: 0, AWAIT_BUFFER: 1, AWAIT_H2C: 2, RUNNING: 3, DEFERRED: 4 } as const;
type SlotState = (typeof SlotState)[keyof typeof SlotState];

interface Slot {
  readonly tag: number;
  state: SlotState;
  readonly sqe: Uint8Array;
  cid: number;
  dir: Direction;
  /** SGL1 length: the bytes the command's data has. */
  length: number;
  buf: Buffer | undefined;
  /** The budget `buf` came from. */
  pool: BufferBudget | undefined;
  received: number;
  digestBad: boolean;
}

const SQE_OFF = CAPSULE_CMD.offset.sqe;
const TRANSIENT_TRANSPORT_ERROR = status(SCT.GENERIC, GenericStatus.TRANSIENT_TRANSPORT_ERROR);

export class TargetConnection implements PduSink {
  state: ConnState = ConnState.AWAIT_ICREQ;
  /** Set by the target once Connect succeeds. */
  ctrl: Controller | undefined;
  qid = -1;
  /** Queue entries (SQSIZE + 1) the host asked for at Connect. */
  entries = 0;
  /**
   * SQ flow control is on unless the host's Connect disabled it (CATTR bit 2). Without it, a
   * successful read with an all-zero result ends with a C2HData SUCCESS flag and no CapsuleResp.
   */
  sqFlowControl = true;
  /** Opaque to the connection: the target's association. */
  association: unknown;
  readonly reader: PduReader;
  private digests: Digests = NO_DIGESTS;
  private slots: Slot[] = [];
  private readonly freeTags: number[] = [];
  private readonly waiting: Slot[] = [];
  private readonly budget: BufferBudget;
  /** In-capsule data buffers: one per queue entry at most, apart from the transfer budget. */
  private capsuleBudget = new BufferBudget(2 * ADMIN_IN_CAPSULE);
  private readonly mover: TcpDataMover;
  private readonly sqe = new SqeView();
  private current: Slot | undefined;
  private capsuleData: Buffer | undefined;
  private sqhd = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** performance.now() of the last admin command (keep-alive accounting). */
  lastCommandAt = performance.now();

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
    readonly id: number,
  ) {
    const l = host.limits;
    this.budget = new BufferBudget(l.bufferBudget);
    this.mover = new TcpDataMover(l.maxTransfer);
    this.reader = new PduReader(this, { accept: [PduType.IC_REQ], maxData: 0 });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A peer that sends commands but never reads their answers must not grow our send buffer
    // without bound: stop reading until the socket drains.
    socket.on('drain', () => {
      if (this.state !== ConnState.CLOSED) socket.resume();
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.handshakeTimer = setTimeout(() => this.close(), l.handshakeTimeoutMs);
    this.handshakeTimer.unref();
  }

  private move(next: ConnState): void {
    if (!CONN_TRANSITIONS[this.state].includes(next)) throw new Error(`connection ${this.id}: ${CONN_STATE_NAMES[this.state]} -> ${CONN_STATE_NAMES[next]} is not a legal move`);
    this.state = next;
  }

  private onData(chunk: Buffer): void {
    if (this.state === ConnState.CLOSED) return;
    if (!this.reader.push(chunk) && (this.state as ConnState) !== ConnState.CLOSED) {
      const f = this.reader.failure!;
      this.terminate(f.fes, f.fei, f.header);
      return;
    }
    if (this.socket.writableLength > this.host.limits.bufferBudget + this.host.limits.sendBacklog) this.socket.pause();
  }

  /** Sends a C2HTermReq and closes this connection. */
  terminate(fes: number, fei: number, header: Uint8Array): void {
    if (this.state === ConnState.CLOSED) return;
    this.host.log(`connection ${this.id}: protocol error FES ${fes} FEI ${fei}; sending C2HTermReq and closing`);
    this.socket.end(termReq(PduType.C2H_TERM_REQ, fes, fei, header));
    this.close(false);
  }

  /** Closes the connection (and fails what it had in flight). */
  close(destroy = true): void {
    if (this.state === ConnState.CLOSED) return;
    this.move(ConnState.CLOSED);
    if (this.handshakeTimer !== undefined) clearTimeout(this.handshakeTimer);
    if (destroy) this.socket.destroy();
    else setTimeout(() => this.socket.destroy(), 1000).unref();
    for (const s of this.slots) if (s.buf !== undefined) this.releaseBuffer(s);
    this.waiting.length = 0;
    this.host.closed(this);
  }

  // ---- PduSink ----

  header(h: PduHeader): Uint8Array | undefined | number {
    // Closed while a chunk is still being read (Disconnect, a refused Connect): the rest is ignored.
    if (this.state === ConnState.CLOSED) return Fes.PDU_SEQUENCE_ERROR;
    switch (h.type) {
      case PduType.IC_REQ:
        return undefined;
      case PduType.CAPSULE_CMD:
        return this.capsuleHeader(h);
      case PduType.H2C_DATA:
        return this.h2cHeader(h);
      default:
        return undefined;
    }
  }

  pdu(h: PduHeader, data: Uint8Array | undefined): void {
    if (this.state === ConnState.CLOSED) return;
    switch (h.type) {
      case PduType.IC_REQ:
        this.icReq(h);
        return;
      case PduType.CAPSULE_CMD:
        this.capsule(h, data);
        return;
      case PduType.H2C_DATA:
        this.h2cData(h);
        return;
      case PduType.H2C_TERM_REQ:
        this.host.log(`connection ${this.id}: host sent H2CTermReq FES ${h.u16(8)}; closing`);
        this.close();
        return;
    }
  }

  // ---- ICReq ----

  private icReq(h: PduHeader): void {
    const o = IC_REQ.offset;
    if (h.u16(o.pfv) !== NVME_TCP_PFV) return this.reject(Fes.INVALID_HEADER_FIELD, o.pfv);
    const hpda = h.bytes[o.hpda]!;
    if (hpda > 31) return this.reject(Fes.INVALID_HEADER_FIELD, o.hpda);
    const dgst = h.bytes[o.dgst]!;
    this.digests = { header: (dgst & 1) !== 0, data: (dgst & 2) !== 0 };
    // HPDA asks for data aligned to (hpda + 1) * 4 in our PDUs: C2HData data starts right after
    // the 24-byte header (+ digest), which is 4-aligned; more is not offered (CPDA 0 either way).
    if (hpda > 0 && (24 + (this.digests.header ? 4 : 0)) % ((hpda + 1) * 4) !== 0) return this.reject(Fes.UNSUPPORTED_PARAMETER, o.hpda);
    this.socket.write(icResp({ digests: this.digests, maxh2cdata: this.host.limits.maxH2CData }));
    this.reader.setDigests(this.digests.header, this.digests.data);
    this.setAccept([PduType.CAPSULE_CMD, PduType.H2C_TERM_REQ], ADMIN_IN_CAPSULE);
    this.move(ConnState.AWAIT_CONNECT);
  }

  private setAccept(types: number[], maxData: number): void {
    this.reader.setAccept(types);
    this.reader.setMaxData(maxData);
  }

  private reject(fes: number, fei: number): void {
    this.reader.reject(fes, fei);
  }

  // ---- capsules ----

  private capsuleHeader(h: PduHeader): Uint8Array | undefined | number {
    const limit = this.qid > 0 ? this.host.limits.inCapsuleData : ADMIN_IN_CAPSULE;
    if (h.dataLength > limit) return Fes.DATA_LIMIT_EXCEEDED;
    if (this.state === ConnState.CONNECTED) {
      const tag = this.freeTags.pop();
      // More commands than the queue has entries: the host broke SQ flow control.
      if (tag === undefined) return Fes.PDU_SEQUENCE_ERROR;
      this.current = this.slots[tag]!;
    } else this.current = undefined;
    if (h.dataLength === 0) return undefined;
    const b = this.capsuleBudget.take(h.dataLength);
    // Cannot happen: the capsule budget holds one buffer per queue entry.
    if (b === undefined) return Fes.DATA_LIMIT_EXCEEDED;
    this.capsuleData = b;
    return b.subarray(0, h.dataLength);
  }

  private capsule(h: PduHeader, data: Uint8Array | undefined): void {
    if (this.qid === 0 || this.state !== ConnState.CONNECTED) this.lastCommandAt = performance.now();
    if (this.state === ConnState.AWAIT_CONNECT) {
      this.connectCapsule(h, data);
      return;
    }
    const slot = this.current!;
    this.current = undefined;
    slot.sqe.set(h.bytes.subarray(SQE_OFF, SQE_OFF + 64));
    this.sqhd = this.sqhd + 1 >= this.entries ? 0 : this.sqhd + 1;
    const sqe = this.sqe.attach(slot.sqe);
    slot.cid = sqe.cid;
    slot.received = 0;
    slot.digestBad = !h.dataDigestOk;
    const b = this.capsuleData;
    this.capsuleData = undefined;
    const sglLength = sqe.psdt === 0 ? 0 : new DataView(slot.sqe.buffer, slot.sqe.byteOffset).getUint32(32, true);
    const sglId = slot.sqe[39]!;
    slot.dir = sglLength === 0 ? Direction.NONE : (sqe.opc & 1) === 1 ? Direction.FROM_HOST : Direction.TO_HOST;
    slot.length = sglLength;
    if (data !== undefined) {
      slot.buf = b;
      slot.pool = this.capsuleBudget;
      // In-capsule data: an offset data block inside what came (ICDOFF 0).
      const off = sqe.u64(24);
      if (sglId !== SGL_ID_TCP_IN_CAPSULE || slot.dir !== Direction.FROM_HOST || off !== 0 || sglLength > data.length) return this.finish(slot, S.INVALID_FIELD, 0, 0);
      slot.received = sglLength;
      return this.run(slot);
    }
    if (slot.dir === Direction.NONE) return this.run(slot);
    if (sglId !== SGL_ID_TCP_TRANSPORT) return this.finish(slot, S.INVALID_FIELD, 0, 0);
    if (sglLength > this.host.limits.maxTransfer || !this.budget.fits(sglLength)) return this.finish(slot, S.INVALID_FIELD, 0, 0);
    slot.state = SlotState.AWAIT_BUFFER;
    this.waiting.push(slot);
    this.drainWaiting();
  }

  private connectCapsule(h: PduHeader, data: Uint8Array | undefined): void {
    const b = this.capsuleData;
    this.capsuleData = undefined;
    const sqeBytes = h.bytes.subarray(SQE_OFF, SQE_OFF + 64);
    const sqe = this.sqe.attach(sqeBytes);
    const cid = sqe.cid;
    let r: { status: number; dw0: number };
    if (sqe.opc !== FABRICS_OPCODE || (sqe.cdw(1) & 0xff) !== FabricsType.CONNECT) r = { status: S.COMMAND_SEQUENCE_ERROR, dw0: 0 };
    else if (!h.dataDigestOk) r = { status: TRANSIENT_TRANSPORT_ERROR, dw0: 0 };
    else r = this.host.connect(this, sqe, data);
    if (b !== undefined) this.capsuleBudget.give(b);
    if (this.state === ConnState.CLOSED) return;
    this.socket.write(capsuleResp(this.digests, r.dw0, 0, 1, Math.max(this.qid, 0), cid, r.status));
    if (r.status !== 0) {
      // A refused Connect leaves the queue unusable: the host must start over.
      this.socket.end();
      this.close(false);
      return;
    }
    this.sqhd = 1 % this.entries;
    if (this.handshakeTimer !== undefined) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.slots = Array.from({ length: this.entries }, (_, tag) => ({ tag, state: SlotState.FREE, sqe: new Uint8Array(64), cid: 0, dir: Direction.NONE, length: 0, buf: undefined, pool: undefined, received: 0, digestBad: false }) as Slot);
    const capsule = this.qid > 0 ? this.host.limits.inCapsuleData : ADMIN_IN_CAPSULE;
    if (capsule > 0) this.capsuleBudget = new BufferBudget(BufferBudget.classOf(capsule) * this.entries);
    for (let t = this.entries - 1; t >= 0; t--) this.freeTags.push(t);
    this.setAccept([PduType.CAPSULE_CMD, PduType.H2C_DATA, PduType.H2C_TERM_REQ], Math.max(this.host.limits.maxH2CData, this.qid > 0 ? this.host.limits.inCapsuleData : ADMIN_IN_CAPSULE));
    this.move(ConnState.CONNECTED);
  }

  /** Gives buffers to waiting commands in order; a write then gets its R2T, a read runs. */
  private drainWaiting(): void {
    while (this.waiting.length > 0) {
      const slot = this.waiting[0]!;
      const b = this.budget.take(slot.length);
      if (b === undefined) return;
      this.waiting.shift();
      slot.buf = b;
      slot.pool = this.budget;
      if (slot.dir === Direction.FROM_HOST) {
        slot.state = SlotState.AWAIT_H2C;
        // One R2T for the whole transfer (MAXR2T 0 means one outstanding per command).
        this.socket.write(r2t(this.digests, slot.cid, slot.tag, 0, slot.length));
      } else this.run(slot);
    }
  }

  // ---- H2CData ----

  private h2cHeader(h: PduHeader): Uint8Array | number {
    const o = H2C_DATA.offset;
    const slot = this.slots[h.u16(o.ttag)];
    if (slot === undefined || slot.state !== SlotState.AWAIT_H2C) return this.fei(Fes.INVALID_HEADER_FIELD, o.ttag);
    if (slot.cid !== h.u16(o.cccid)) return this.fei(Fes.INVALID_HEADER_FIELD, o.cccid);
    const datao = h.u32(o.datao);
    const datal = h.u32(o.datal);
    if (datal !== h.dataLength) return this.fei(Fes.INVALID_HEADER_FIELD, o.datal);
    if (datal > this.host.limits.maxH2CData) return Fes.DATA_LIMIT_EXCEEDED;
    if (datao !== slot.received || datao + datal > slot.length) return Fes.DATA_OUT_OF_RANGE;
    this.current = slot;
    return slot.buf!.subarray(datao, datao + datal);
  }

  private fei(fes: number, fei: number): number {
    this.reader.lastFei = fei;
    return fes;
  }

  private h2cData(h: PduHeader): void {
    const slot = this.current!;
    this.current = undefined;
    slot.received += h.dataLength;
    if (!h.dataDigestOk) slot.digestBad = true;
    if (slot.received === slot.length) {
      if ((h.flags & PduFlag.LAST_PDU) === 0) return this.reject(Fes.PDU_SEQUENCE_ERROR, 1);
      this.run(slot);
    }
  }

  // ---- execution and completion ----

  private run(slot: Slot): void {
    if (slot.digestBad) return this.finish(slot, TRANSIENT_TRANSPORT_ERROR, 0, 0);
    const ctrl = this.ctrl!;
    slot.state = SlotState.RUNNING;
    const mover = this.mover.attach(slot.buf, slot.length, slot.dir);
    const st = ctrl.execute(this.qid, this.sqe.attach(slot.sqe), mover);
    if (st === DEFERRED) {
      slot.state = SlotState.DEFERRED;
      if (slot.buf !== undefined) this.releaseBuffer(slot);
      return;
    }
    const r = ctrl.lastResult;
    const written = mover.written;
    if (r.completesAt > ctrl.lastStartedAt) {
      const dw0 = r.dw0;
      const dw1 = r.dw1;
      const delayMs = (r.completesAt - ctrl.clock.now()) / 1e6;
      if (delayMs > 0) {
        setTimeout(() => this.finish(slot, st, dw0, dw1, written), delayMs);
        return;
      }
      return this.finish(slot, st, dw0, dw1, written);
    }
    this.finish(slot, st, r.dw0, r.dw1, written);
  }

  /** An AER (or another deferred command) completes. */
  completeDeferred(cid: number, st: number, dw0: number, dw1: number): void {
    const slot = this.slots.find((s) => s.state === SlotState.DEFERRED && s.cid === cid);
    if (slot !== undefined) this.finish(slot, st, dw0, dw1);
  }

  private finish(slot: Slot, st: number, dw0: number, dw1: number, written = 0): void {
    if (this.state === ConnState.CLOSED) return;
    const sock = this.socket;
    const d = this.digests;
    const buf = slot.buf;
    const pool = slot.pool;
    sock.cork();
    const giveBack = buf !== undefined ? () => this.giveBack(pool!, buf) : undefined;
    slot.buf = undefined;
    let responded = false;
    if (st === 0 && slot.dir === Direction.TO_HOST && written > 0 && buf !== undefined) {
      const max = this.host.limits.maxC2HData;
      // SUCCESS is legal only with SQ flow control disabled, and says nothing but "status 0".
      const success = !this.sqFlowControl && dw0 === 0 && dw1 === 0;
      for (let at = 0; at < written; at += max) {
        const n = Math.min(max, written - at);
        const part = buf.subarray(at, at + n);
        const last = at + n === written;
        sock.write(dataPdu(PduType.C2H_DATA, d, slot.cid, 0, at, n, last ? PduFlag.LAST_PDU | (success ? PduFlag.SUCCESS : 0) : 0));
        if (last && success && !d.data) sock.write(part, giveBack);
        else sock.write(part);
        if (d.data) sock.write(dataDigest(part), last && success ? giveBack : undefined);
      }
      responded = success;
    }
    if (!responded) {
      const resp = capsuleResp(d, dw0, dw1, this.sqhd, this.qid, slot.cid, st);
      // A buffer goes back once the socket no longer needs its bytes.
      sock.write(resp, giveBack);
    }
    sock.uncork();
    slot.state = SlotState.FREE;
    this.freeTags.push(slot.tag);
    // A successful Disconnect ends the queue once its response is out.
    if (slot.sqe[0] === FABRICS_OPCODE && slot.sqe[4] === FabricsType.DISCONNECT && st === 0) {
      sock.end();
      this.close(false);
    }
  }

  private giveBack(pool: BufferBudget, b: Buffer): void {
    pool.give(b);
    if (this.state !== ConnState.CLOSED) this.drainWaiting();
  }

  private releaseBuffer(slot: Slot): void {
    const b = slot.buf!;
    slot.buf = undefined;
    slot.pool!.give(b);
  }

  /** Reading stopped because answers back up (diagnostics). */
  get readingPaused(): boolean {
    return this.socket.isPaused();
  }

  /** Commands in flight on this queue. */
  get inFlight(): number {
    return this.entries - this.freeTags.length;
  }
}
