// One NVMe/TCP queue on the host side: a TCP connection with its ICReq / ICResp, CIDs and
// back-pressure (a command waits for a free CID when the queue is full), capsules with
// in-capsule data up to the queue's limit, H2CData answers to R2Ts, C2HData straight into the
// caller's buffer, and CapsuleResp (or a C2HData SUCCESS flag) completing the command. A
// protocol error from either side fails every command of the queue and closes it.
import { connect, type Socket } from 'node:net';
import { C2H_DATA, CAPSULE_RESP, Fes, IC_RESP, PduFlag, PduType, R2T, SGL_ID_TCP_IN_CAPSULE, SGL_ID_TCP_TRANSPORT, TERM_REQ } from '../spec/index.js';
import { type Digests, type PduHeader, PduReader, type PduSink, capsuleCmd, dataDigest, dataPdu, icReq, termReq } from '../transport/index.js';
import { CommandAbortedError, NvmeTimeoutError } from './errors.js';
import type { CommandBuffers, CommandResult, SqeFields } from './initiator.js';

/** The connection failed or broke (refused, closed, TermReq, protocol error). */
export class TcpTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TcpTransportError';
  }
}

export interface TcpQueueOptions {
  readonly host: string;
  readonly port: number;
  readonly qid: number;
  /** CIDs (queue entries). */
  readonly entries: number;
  readonly digests: Digests;
  /** In-capsule data bytes this queue may send. */
  readonly inCapsuleData: number;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

interface Pending {
  cid: number;
  opc: number;
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  out: Uint8Array | undefined;
  into: Uint8Array | undefined;
  /** Bytes of `out` sent through H2CData so far. */
  sent: number;
  /** C2HData bytes received. */
  got: number;
  digestBad: boolean;
  startedAt: number;
}

const PSDT_SGL = 0x40;
const TRANSIENT_TRANSPORT_ERROR = 0x22;

export class TcpQueue implements PduSink {
  readonly reader: PduReader;
  maxH2CData = 0;
  private socket: Socket | undefined;
  private readonly slots: (Pending | undefined)[];
  private readonly freeCids: number[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly sqe = Buffer.alloc(64);
  private readonly sqeView = new DataView(this.sqe.buffer, this.sqe.byteOffset, 64);
  private dead: Error | undefined;
  private icWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private current: Pending | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private onClose: ((e: Error) => void) | undefined;

  constructor(readonly options: TcpQueueOptions) {
    this.reader = new PduReader(this, { accept: [PduType.IC_RESP, PduType.C2H_TERM_REQ], maxData: 0 });
    this.slots = new Array(options.entries).fill(undefined);
    for (let c = options.entries - 1; c >= 0; c--) this.freeCids.push(c);
  }

  /** Opens the connection and exchanges ICReq / ICResp. */
  async open(onClose?: (e: Error) => void): Promise<void> {
    this.onClose = onClose;
    const o = this.options;
    const s = connect({ host: o.host, port: o.port, noDelay: true });
    this.socket = s;
    const opened = new Promise<void>((resolve, reject) => {
      this.icWaiter = { resolve, reject };
    });
    const timer = setTimeout(() => this.fail(new TcpTransportError(`queue ${o.qid}: no ICResp from ${o.host}:${o.port} within ${o.connectTimeoutMs} ms`)), o.connectTimeoutMs);
    s.on('connect', () => s.write(icReq({ digests: o.digests })));
    s.on('data', (chunk: Buffer) => {
      if (!this.reader.push(chunk) && this.dead === undefined) {
        const f = this.reader.failure!;
        s.write(termReq(PduType.H2C_TERM_REQ, f.fes, f.fei, f.header));
        this.fail(new TcpTransportError(`queue ${o.qid}: protocol error from the controller (FES ${f.fes}, FEI ${f.fei})`));
      }
    });
    s.on('error', (e) => this.fail(new TcpTransportError(`queue ${o.qid}: ${e.message}`)));
    s.on('close', () => this.fail(new TcpTransportError(`queue ${o.qid}: connection closed`)));
    try {
      await opened;
    } finally {
      clearTimeout(timer);
    }
    if (o.commandTimeoutMs > 0) {
      this.watchdog = setInterval(() => this.checkTimeouts(), Math.min(1000, o.commandTimeoutMs));
      this.watchdog.unref();
    }
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Closes the connection; outstanding commands fail with CommandAbortedError. */
  close(reason = 'queue closed'): void {
    this.fail(new CommandAbortedError(reason));
  }

  private fail(e: Error): void {
    if (this.dead !== undefined) return;
    this.dead = e;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.socket?.destroy();
    this.icWaiter?.reject(e);
    this.icWaiter = undefined;
    for (let c = 0; c < this.slots.length; c++) {
      const p = this.slots[c];
      if (p === undefined) continue;
      this.slots[c] = undefined;
      p.reject(e);
    }
    for (const w of this.waiters.splice(0)) w();
    this.onClose?.(e);
  }

  private checkTimeouts(): void {
    const now = performance.now();
    const ms = this.options.commandTimeoutMs;
    for (const p of this.slots) {
      if (p !== undefined && p.opc !== 0x0c && now - p.startedAt > ms) {
        this.fail(new NvmeTimeoutError(this.options.qid, p.cid, p.opc, ms));
        return;
      }
    }
  }

  /** Runs one command; the status comes back as a value. */
  async execute(cmd: SqeFields, b: CommandBuffers = {}): Promise<CommandResult> {
    while (this.freeCids.length === 0 && this.dead === undefined) await new Promise<void>((r) => this.waiters.push(r));
    if (this.dead !== undefined) throw this.dead;
    const cid = this.freeCids.pop()!;
    const out = b.dataOut;
    const inLen = b.dataInLength ?? b.dataIn?.length ?? 0;
    if (b.metaOut !== undefined || b.metaIn !== undefined || (b.metaInLength ?? 0) > 0) {
      this.freeCids.push(cid);
      throw new RangeError('NVMe/TCP carries one data buffer: a separate metadata buffer is not possible (use extended LBAs)');
    }
    if (out !== undefined && inLen > 0) {
      this.freeCids.push(cid);
      throw new RangeError('a command moves data one way only');
    }
    const into = inLen > 0 ? (b.dataIn !== undefined ? b.dataIn.subarray(0, inLen) : new Uint8Array(inLen)) : undefined;
    const len = out?.length ?? inLen;
    const inCapsule = out !== undefined && len <= this.inCapsuleLimit(cmd);
    this.buildSqe(cmd, cid, len, inCapsule);
    return new Promise<CommandResult>((resolve, reject) => {
      this.slots[cid] = { cid, opc: cmd.opc, resolve, reject, out, into, sent: 0, got: 0, digestBad: false, startedAt: performance.now() };
      const s = this.socket!;
      const data = inCapsule && len > 0 ? out : undefined;
      const d = this.options.digests;
      s.cork();
      s.write(capsuleCmd(this.sqe, data?.length ?? 0, d));
      if (data !== undefined) {
        s.write(data);
        if (d.data) s.write(dataDigest(data));
      }
      s.uncork();
    });
  }

  /** Fabrics commands and the admin queue take 8 KiB in capsule. */
  private inCapsuleLimit(cmd: SqeFields): number {
    return cmd.opc === 0x7f || this.options.qid === 0 ? 8192 : this.options.inCapsuleData;
  }

  private buildSqe(cmd: SqeFields, cid: number, len: number, inCapsule: boolean): void {
    const b = this.sqe;
    const v = this.sqeView;
    b.fill(0);
    b[0] = cmd.opc;
    b[1] = PSDT_SGL | ((cmd.fuse ?? 0) & 3);
    v.setUint16(2, cid, true);
    v.setUint32(4, cmd.nsid ?? 0, true);
    v.setUint32(8, cmd.cdw2 ?? 0, true);
    v.setUint32(12, cmd.cdw3 ?? 0, true);
    // SGL1: one data block, in the capsule (offset 0) or moved by the transport.
    v.setUint32(32, len, true);
    b[39] = len === 0 ? 0 : inCapsule ? SGL_ID_TCP_IN_CAPSULE : SGL_ID_TCP_TRANSPORT;
    v.setUint32(40, cmd.cdw10 ?? 0, true);
    v.setUint32(44, cmd.cdw11 ?? 0, true);
    v.setUint32(48, cmd.cdw12 ?? 0, true);
    v.setUint32(52, cmd.cdw13 ?? 0, true);
    v.setUint32(56, cmd.cdw14 ?? 0, true);
    v.setUint32(60, cmd.cdw15 ?? 0, true);
  }

  // ---- PduSink ----

  header(h: PduHeader): Uint8Array | undefined | number {
    if (this.dead !== undefined) return Fes.PDU_SEQUENCE_ERROR;
    if (h.type !== PduType.C2H_DATA) return undefined;
    const o = C2H_DATA.offset;
    const p = this.slots[h.u16(o.cccid)];
    if (p === undefined || p.into === undefined) return this.fei(Fes.INVALID_HEADER_FIELD, o.cccid);
    const datao = h.u32(o.datao);
    const datal = h.u32(o.datal);
    if (datal !== h.dataLength) return this.fei(Fes.INVALID_HEADER_FIELD, o.datal);
    if (datao !== p.got || datao + datal > p.into.length) return Fes.DATA_OUT_OF_RANGE;
    this.current = p;
    return p.into.subarray(datao, datao + datal);
  }

  private fei(fes: number, fei: number): number {
    this.reader.lastFei = fei;
    return fes;
  }

  pdu(h: PduHeader): void {
    if (this.dead !== undefined) return;
    switch (h.type) {
      case PduType.IC_RESP:
        return this.icResp(h);
      case PduType.CAPSULE_RESP:
        return this.capsuleResp(h);
      case PduType.C2H_DATA: {
        const p = this.current!;
        this.current = undefined;
        p.got += h.dataLength;
        if (!h.dataDigestOk) p.digestBad = true;
        // SUCCESS (only with LAST_PDU): done, no CapsuleResp follows.
        if ((h.flags & PduFlag.SUCCESS) !== 0) {
          if ((h.flags & PduFlag.LAST_PDU) === 0) return this.reader.reject(Fes.INVALID_HEADER_FIELD, 1);
          this.complete(p, p.digestBad ? TRANSIENT_TRANSPORT_ERROR : 0, 0, 0, 0);
        }
        return;
      }
      case PduType.R2T:
        return this.r2t(h);
      case PduType.C2H_TERM_REQ:
        return this.fail(new TcpTransportError(`queue ${this.options.qid}: controller sent C2HTermReq FES ${h.u16(TERM_REQ.offset.fes)} FEI ${h.u32(TERM_REQ.offset.fei)}`));
    }
  }

  private icResp(h: PduHeader): void {
    const o = IC_RESP.offset;
    const d = this.options.digests;
    const dgst = h.bytes[o.dgst]!;
    const maxh2c = h.u32(o.maxh2cdata);
    let bad: string | undefined;
    if (h.u16(o.pfv) !== 0) bad = `PFV ${h.u16(o.pfv)}`;
    else if (h.bytes[o.cpda] !== 0) bad = `CPDA ${h.bytes[o.cpda]} (only 0 is supported)`;
    else if (dgst !== ((d.header ? 1 : 0) | (d.data ? 2 : 0))) bad = `digests 0x${dgst.toString(16)} differ from the ones asked for`;
    else if (maxh2c < 4096 || maxh2c % 4 !== 0) bad = `MAXH2CDATA ${maxh2c}`;
    if (bad !== undefined) {
      this.fail(new TcpTransportError(`queue ${this.options.qid}: bad ICResp: ${bad}`));
      return;
    }
    this.maxH2CData = maxh2c;
    this.reader.setDigests(d.header, d.data);
    this.reader.setAccept([PduType.CAPSULE_RESP, PduType.C2H_DATA, PduType.R2T, PduType.C2H_TERM_REQ]);
    this.reader.setMaxData(16 * 1024 * 1024);
    const w = this.icWaiter;
    this.icWaiter = undefined;
    w?.resolve();
  }

  private capsuleResp(h: PduHeader): void {
    const q = CAPSULE_RESP.offset.cqe;
    const cid = h.u16(q + 12);
    const p = this.slots[cid];
    if (p === undefined) return this.reader.reject(Fes.INVALID_HEADER_FIELD, q + 12);
    const st = (h.u16(q + 14) >>> 1) & 0x7fff;
    this.complete(p, st === 0 && p.digestBad ? TRANSIENT_TRANSPORT_ERROR : st, h.u32(q), h.u32(q + 4), h.u16(q + 8));
  }

  private complete(p: Pending, status: number, dw0: number, dw1: number, sqhd: number): void {
    this.slots[p.cid] = undefined;
    this.freeCids.push(p.cid);
    this.waiters.shift()?.();
    p.resolve(p.into !== undefined ? { status, dw0, dw1, sqhd, data: p.into } : { status, dw0, dw1, sqhd });
  }

  private r2t(h: PduHeader): void {
    const o = R2T.offset;
    const p = this.slots[h.u16(o.cccid)];
    const r2to = h.u32(o.r2to);
    const r2tl = h.u32(o.r2tl);
    // Linux's checks: a known write, a length, no going back, no going past the end.
    if (p === undefined || p.out === undefined) return this.reader.reject(Fes.INVALID_HEADER_FIELD, o.cccid);
    if (r2tl === 0 || r2to < p.sent || r2to + r2tl > p.out.length) return this.reader.reject(Fes.DATA_OUT_OF_RANGE, 0);
    const ttag = h.u16(o.ttag);
    const s = this.socket!;
    const d = this.options.digests;
    const max = this.maxH2CData;
    s.cork();
    for (let at = r2to; at < r2to + r2tl; at += max) {
      const n = Math.min(max, r2to + r2tl - at);
      const part = p.out.subarray(at, at + n);
      s.write(dataPdu(PduType.H2C_DATA, d, p.cid, ttag, at, n, at + n === r2to + r2tl ? PduFlag.LAST_PDU : 0));
      s.write(part);
      if (d.data) s.write(dataDigest(part));
    }
    s.uncork();
    p.sent = r2to + r2tl;
  }
}
