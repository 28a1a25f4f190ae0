// One client connection: greeting, option haggling, then transmission. Requests are executed as
// soon as they are parsed (pipelined) and replied to as they finish (out of order, matched by
// cookie, as the protocol allows), with at most `maxInFlight` requests running and at most
// `maxBufferedBytes` of payloads, read data and unsent replies held; past either bound the
// socket is paused until the connection catches up. A bad request gets its NBD error; a stream
// that cannot be framed (bad magic, unknown client flags) closes this connection only.
import type { Socket } from 'node:net';
import {
  NBD_KNOWN_CLIENT_FLAGS,
  NbdClientFlag,
  NbdCommand as Cmd,
  NbdCommandFlag as CF,
  NbdError as E,
  NbdOption as Opt,
  NbdReply,
  NbdTransmissionFlag as TF,
  NBD_COMMAND_NAMES,
} from '../spec/index.js';
import { VolumeNoSpaceError, VolumeRangeError } from '../host/index.js';
import type { BufferPool } from './buffer-pool.js';
import type { NbdExport } from './export.js';
import { type ExportLookup, type OptionReply, errorReply, exportNameReply, greeting, infoReplies, optionReply, parseInfoRequest, serverEntry, decodeName } from './handshake.js';
import { type NbdRequest, type ParserSink, NbdStreamParser, optionLabel } from './stream-parser.js';
import { ReplyWriter, readReplyHeaderBytes } from './reply-writer.js';

export interface ConnectionLimits {
  /** Requests executing at once. */
  readonly maxInFlight: number;
  /** Payload, read data and unsent reply bytes held before the socket is paused. */
  readonly maxBufferedBytes: number;
  /** Largest READ / WRITE (advertised as the maximum block size). */
  readonly maxPayload: number;
  /** Largest option data accepted in the handshake. */
  readonly maxOptionLength: number;
  /** Time allowed from accept to the end of the handshake. */
  readonly handshakeTimeoutMs: number;
}

export type Log = (message: string) => void;

/** A request copied out of the parser, with its payload; records are reused. */
interface Pending {
  type: number;
  flags: number;
  cookieHi: number;
  cookieLo: number;
  offset: number;
  length: number;
  payload: Uint8Array | undefined;
  /** The payload is a pool buffer to give back (not a view of a socket chunk). */
  pooled: Uint8Array | undefined;
  /** Bytes counted against maxBufferedBytes for this request. */
  held: number;
}

/** Flags each command accepts (unadvertised ones, such as DF and FAST_ZERO, get EINVAL). */
const ALLOWED_FLAGS: Readonly<Record<number, number>> = {
  [Cmd.READ]: 0,
  [Cmd.WRITE]: CF.FUA,
  [Cmd.FLUSH]: 0,
  [Cmd.TRIM]: CF.FUA,
  [Cmd.WRITE_ZEROES]: CF.FUA | CF.NO_HOLE,
};

export class NbdConnection implements ParserSink {
  private readonly parser: NbdStreamParser;
  private readonly replies: ReplyWriter;
  private noZeroes = false;
  /** NBD_OPT_STRUCTURED_REPLY was acknowledged: READs are answered with structured chunks. */
  private structured = false;
  private exp: NbdExport | undefined;
  private inFlight = 0;
  private held = 0;
  private readonly queue: Pending[] = [];
  private readonly spare: Pending[] = [];
  private disconnecting = false;
  private closed = false;
  private paused = false;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Counters, for tests and the dashboard. */
  readonly stats = { requests: 0, errors: 0, maxInFlightSeen: 0 };

  constructor(
    private readonly socket: Socket,
    private readonly exports: ExportLookup,
    private readonly limits: ConnectionLimits,
    private readonly pool: BufferPool,
    private readonly log: Log,
  ) {
    this.parser = new NbdStreamParser(this, { maxOptionLength: limits.maxOptionLength, maxPayload: limits.maxPayload });
    this.replies = new ReplyWriter(socket, pool, () => !this.closed);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (e) => this.abort(`socket error: ${e.message}`));
    socket.on('close', () => this.onClosed());
    socket.on('end', () => this.onEnd());
    this.handshakeTimer = setTimeout(() => this.abort(`no transmission after ${limits.handshakeTimeoutMs} ms of handshake`), limits.handshakeTimeoutMs);
    this.handshakeTimer.unref();
    socket.write(greeting());
  }

  /** The export this connection is in transmission with, if any. */
  get export(): NbdExport | undefined {
    return this.exp;
  }

  /** Bytes held against maxBufferedBytes now (payloads, read data, unsent replies). */
  get bufferedBytes(): number {
    return this.buffered();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Stops reading, answers queued requests ESHUTDOWN, lets running requests finish and reply
   * (waiting at most `flushMs`), ends the socket once the replies are sent (again at most
   * `flushMs`), then destroys it so no half-open socket lingers.
   */
  async shutdown(flushMs = 5000): Promise<void> {
    this.disconnecting = true;
    // Requests received but not started are answered ESHUTDOWN rather than left hanging.
    for (const r of this.queue.splice(0)) {
      this.answerError(r, E.ESHUTDOWN, 'the export is going away');
      this.recycle(r);
    }
    this.parser.close();
    if (this.socket.destroyed) return;
    this.socket.pause();
    // A volume that never answers must not hold the server's close forever.
    await new Promise<void>((r) => {
      const t = setTimeout(r, flushMs);
      t.unref();
      void this.idle().then(() => {
        clearTimeout(t);
        r();
      });
    });
    if (this.socket.destroyed) return;
    const flushed = new Promise<void>((r) => {
      const t = setTimeout(r, flushMs);
      t.unref();
      this.replies.flush();
      this.socket.end(() => {
        clearTimeout(t);
        r();
      });
    });
    this.closed = true;
    await flushed;
    this.socket.destroy();
  }

  /** Closes at once; running requests finish but their replies are dropped. */
  destroy(): void {
    this.abort('');
  }

  /** Resolves when no request is running. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // ---- socket ----

  private onData(chunk: Buffer): void {
    try {
      this.parser.push(chunk);
    } catch (e) {
      // A parser exception is our bug; it ends this connection, never the server.
      this.abort(`internal error parsing the stream: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return;
    }
    this.pump();
  }

  private onEnd(): void {
    // The client half-closed: finish what it sent, then close our side.
    this.disconnecting = true;
    this.parser.close();
    this.finishIfDone();
  }

  private onClosed(): void {
    this.closed = true;
    this.clearHandshakeTimer();
    this.parser.close();
    const p = this.parser.takePendingPayload();
    if (p !== undefined) this.pool.release(p);
    for (const r of this.queue.splice(0)) this.recycle(r);
  }

  private abort(why: string): void {
    if (why !== '') this.note(`nbd ${this.peer()}: ${why}; closing the connection`);
    this.disconnecting = true;
    this.parser.close();
    this.closed = true;
    this.clearHandshakeTimer();
    this.socket.destroy();
  }

  /** Logs at most LOG_LIMIT lines per connection, so a misbehaving client cannot flood the log. */
  private note(message: string): void {
    this.logged++;
    if (this.logged <= LOG_LIMIT) this.log(message);
    else if (this.logged === LOG_LIMIT + 1) this.log(`nbd ${this.peer()}: further messages about this connection suppressed`);
  }

  private logged = 0;

  private peer(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer !== undefined) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  // ---- handshake (ParserSink) ----

  clientFlags(flags: number): void {
    if ((flags & ~NBD_KNOWN_CLIENT_FLAGS) !== 0) return this.abort(`client flags 0x${flags.toString(16)} have unknown bits (known: FIXED_NEWSTYLE, NO_ZEROES)`);
    this.noZeroes = (flags & NbdClientFlag.NO_ZEROES) !== 0;
  }

  option(option: number, data: Uint8Array): void {
    switch (option) {
      case Opt.EXPORT_NAME: {
        const name = decodeName(data);
        const exp = name === undefined ? undefined : this.exports.find(name);
        // No error reply exists for EXPORT_NAME: the protocol says close.
        if (exp === undefined) return this.abort(`NBD_OPT_EXPORT_NAME: no export named '${name ?? '(invalid UTF-8)'}'`);
        this.socket.write(exportNameReply(exp, this.noZeroes, this.flagsFor(exp)));
        return this.startTransmission(exp);
      }
      case Opt.ABORT:
        this.socket.end(optionReply(option, NbdReply.ACK));
        this.disconnecting = true;
        this.parser.close();
        return;
      case Opt.LIST: {
        if (data.length !== 0) return this.reply(option, [errorReply(NbdReply.ERR_INVALID, `NBD_OPT_LIST takes no data, got ${data.length} bytes`)]);
        return this.reply(option, [...this.exports.list().map((e) => ({ type: NbdReply.SERVER, data: serverEntry(e) })), { type: NbdReply.ACK, data: EMPTY }]);
      }
      case Opt.INFO:
      case Opt.GO: {
        const req = parseInfoRequest(data);
        if (typeof req === 'string') return this.reply(option, [errorReply(NbdReply.ERR_INVALID, `${optionLabel(option)}: ${req}`)]);
        const exp = this.exports.find(req.name);
        if (exp === undefined) return this.reply(option, [errorReply(NbdReply.ERR_UNKNOWN, `no export named '${req.name}' (exports: ${this.exports.list().map((e) => e.name).join(', ') || 'none'})`)]);
        this.reply(option, [...infoReplies(exp, req.infos, this.limits.maxPayload, this.flagsFor(exp)), { type: NbdReply.ACK, data: EMPTY }]);
        if (option === Opt.GO) this.startTransmission(exp);
        return;
      }
      case Opt.STRUCTURED_REPLY:
        if (data.length !== 0) return this.reply(option, [errorReply(NbdReply.ERR_INVALID, `NBD_OPT_STRUCTURED_REPLY takes no data, got ${data.length} bytes`)]);
        this.structured = true;
        return this.reply(option, [{ type: NbdReply.ACK, data: EMPTY }]);
      default:
        // STARTTLS, meta contexts, extended headers and anything unknown.
        return this.reply(option, [errorReply(NbdReply.ERR_UNSUP, `${optionLabel(option)} is not supported by this server`)]);
    }
  }

  optionTooBig(option: number, length: number): void {
    this.reply(option, [errorReply(NbdReply.ERR_TOO_BIG, `${optionLabel(option)} with ${length} bytes of data: at most ${this.limits.maxOptionLength} accepted`)]);
  }

  protocolError(message: string): void {
    this.abort(message);
  }

  private reply(option: number, replies: readonly OptionReply[]): void {
    if (this.closed) return;
    for (const r of replies) this.socket.write(optionReply(option, r.type, r.data));
  }

  /** The export's flags, plus SEND_DF once structured replies are on (one chunk per READ always satisfies DF). */
  private flagsFor(exp: NbdExport): number {
    return exp.transmissionFlags | (this.structured ? TF.SEND_DF : 0);
  }

  private startTransmission(exp: NbdExport): void {
    this.clearHandshakeTimer();
    this.exp = exp;
    this.parser.enterTransmission();
  }

  // ---- transmission (ParserSink) ----

  allocPayload(length: number): Uint8Array {
    const b = this.pool.get(length);
    this.pendingPooled = b;
    this.held += length;
    this.pendingHeld = length;
    return b.subarray(0, length);
  }

  private pendingPooled: Uint8Array | undefined;
  private pendingHeld = 0;
  private pumping = false;

  request(req: NbdRequest, payload: Uint8Array | undefined): void {
    if (this.disconnecting) return;
    if (req.type === Cmd.DISC) {
      this.disconnecting = true;
      this.parser.close();
      this.finishIfDone();
      return;
    }
    const r = this.spare.pop() ?? { type: 0, flags: 0, cookieHi: 0, cookieLo: 0, offset: 0, length: 0, payload: undefined, pooled: undefined, held: 0 };
    r.type = req.type;
    r.flags = req.flags;
    r.cookieHi = req.cookieHi;
    r.cookieLo = req.cookieLo;
    r.offset = req.offset;
    r.length = req.length;
    r.payload = payload;
    if (payload !== undefined && this.pendingPooled !== undefined) {
      r.pooled = this.pendingPooled;
      r.held = this.pendingHeld;
    } else {
      r.pooled = undefined;
      r.held = payload !== undefined ? payload.length : 0;
      this.held += r.held;
    }
    this.pendingPooled = undefined;
    this.pendingHeld = 0;
    this.queue.push(r);
  }

  requestTooBig(req: NbdRequest): void {
    if (this.disconnecting) return;
    this.replies.simple(E.EINVAL, req.cookieHi, req.cookieLo);
    this.note(`nbd ${this.peer()}: ${NBD_COMMAND_NAMES[req.type] ?? req.type} of ${req.length} bytes exceeds the ${this.limits.maxPayload}-byte maximum; payload skipped, EINVAL`);
  }

  /**
   * Starts queued requests while the bounds allow; pauses the socket when they do not. Not
   * re-entered: a request that completes synchronously (an error, a zero-length write) calls
   * back into pump(), and thousands of those in one chunk must loop here, not recurse.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        if (this.inFlight > 0 && (this.inFlight >= this.limits.maxInFlight || this.buffered() >= this.limits.maxBufferedBytes)) break;
        const r = this.queue.shift()!;
        void this.run(r);
      }
    } finally {
      this.pumping = false;
    }
    const over = this.queue.length > 0 || this.inFlight >= this.limits.maxInFlight || this.buffered() >= this.limits.maxBufferedBytes;
    if (over && !this.paused && !this.closed) {
      this.paused = true;
      this.socket.pause();
    }
    this.finishIfDone();
  }

  private maybeResume(): void {
    this.pump();
    if (this.paused && !this.closed && !this.disconnecting && this.queue.length === 0 && this.inFlight < this.limits.maxInFlight && this.buffered() < this.limits.maxBufferedBytes) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private buffered(): number {
    return this.held + this.socket.writableLength;
  }

  private async run(r: Pending): Promise<void> {
    this.inFlight++;
    this.stats.requests++;
    if (this.inFlight > this.stats.maxInFlightSeen) this.stats.maxInFlightSeen = this.inFlight;
    try {
      const error = this.check(r);
      if (error !== E.OK) {
        this.stats.errors++;
        this.exp!.stats.errors++;
        this.answerError(r, error, this.refusal(r, error));
        return;
      }
      await this.execute(r);
    } catch (e) {
      this.stats.errors++;
      this.exp!.stats.errors++;
      const code = e instanceof VolumeRangeError ? E.EINVAL : e instanceof VolumeNoSpaceError ? E.ENOSPC : E.EIO;
      const why = e instanceof Error ? e.message : String(e);
      if (code !== E.EINVAL) this.note(`nbd ${this.peer()}: ${NBD_COMMAND_NAMES[r.type]} ${r.offset}+${r.length} on ${this.exp?.name}: ${why}`);
      this.answerError(r, code, why);
    } finally {
      this.inFlight--;
      this.recycle(r);
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      this.maybeResume();
    }
  }

  /** An error reply: a structured ERROR chunk with `message` for a READ when negotiated (simple replies must not answer READs then), else a simple reply. */
  private answerError(r: Pending, error: number, message: string): void {
    if (r.type === Cmd.READ && this.structured) this.replies.structuredError(error, r.cookieHi, r.cookieLo, message);
    else this.replies.simple(error, r.cookieHi, r.cookieLo);
  }

  /** Why check() refused a request, for the structured error message. */
  private refusal(r: Pending, error: number): string {
    const what = `${NBD_COMMAND_NAMES[r.type] ?? `command ${r.type}`} ${r.offset}+${r.length} flags 0x${r.flags.toString(16)}`;
    const size = this.exp!.size;
    if (error === E.EPERM) return `${what}: the export is read-only`;
    if (r.type === Cmd.READ && r.length > this.limits.maxPayload) return `${what}: more than the ${this.limits.maxPayload}-byte maximum`;
    if (r.offset > size || r.length > size - r.offset) return `${what}: past the end of the ${size}-byte export`;
    return `${what}: invalid (unknown command or flag)`;
  }

  /** The request's NBD error before any I/O, or OK. */
  private check(r: Pending): number {
    const exp = this.exp!;
    const allowed = ALLOWED_FLAGS[r.type];
    if (allowed === undefined) return E.EINVAL; // CACHE, BLOCK_STATUS, RESIZE, unknown: not advertised
    if ((r.flags & ~(allowed | (r.type === Cmd.READ && this.structured ? CF.DF : 0))) !== 0) return E.EINVAL;
    const writes = r.type === Cmd.WRITE || r.type === Cmd.TRIM || r.type === Cmd.WRITE_ZEROES;
    if (writes && exp.readOnly) return E.EPERM;
    if (r.type === Cmd.FLUSH) return r.offset === 0 && r.length === 0 ? E.OK : E.EINVAL;
    if ((r.type === Cmd.READ || r.type === Cmd.WRITE) && r.length > this.limits.maxPayload) return E.EINVAL;
    if (r.offset > exp.size || r.length > exp.size - r.offset) return r.type === Cmd.WRITE || r.type === Cmd.WRITE_ZEROES ? E.ENOSPC : E.EINVAL;
    return E.OK;
  }

  private async execute(r: Pending): Promise<void> {
    const exp = this.exp!;
    const fua = (r.flags & CF.FUA) !== 0;
    switch (r.type) {
      case Cmd.READ: {
        // Header and data in one buffer, one socket write.
        if (r.length === 0 && this.structured) {
          exp.stats.reads++;
          this.replies.structuredNone(r.cookieHi, r.cookieLo);
          return;
        }
        const head = readReplyHeaderBytes(this.structured);
        const buf = this.pool.get(head + r.length);
        this.held += r.length;
        let sent = false;
        try {
          if (r.length > 0) await exp.read(r.offset, buf.subarray(head, head + r.length));
          exp.stats.reads++;
          exp.stats.bytesRead += r.length;
          sent = this.replies.readData(buf, r.length, r.cookieHi, r.cookieLo, this.structured, r.offset);
        } finally {
          this.held -= r.length;
          if (!sent) this.pool.release(buf);
        }
        return;
      }
      case Cmd.WRITE:
        if (r.length > 0) await exp.write(r.offset, r.payload!, fua);
        exp.stats.writes++;
        exp.stats.bytesWritten += r.length;
        break;
      case Cmd.FLUSH:
        await exp.flush();
        exp.stats.flushes++;
        break;
      case Cmd.TRIM:
        if (r.length > 0) await exp.trim(r.offset, r.length, fua);
        exp.stats.trims++;
        break;
      case Cmd.WRITE_ZEROES:
        if (r.length > 0) await exp.writeZeroes(r.offset, r.length, fua);
        exp.stats.writeZeroes++;
        break;
    }
    this.replies.simple(E.OK, r.cookieHi, r.cookieLo);
  }

  private recycle(r: Pending): void {
    this.held -= r.held;
    if (r.pooled !== undefined) this.pool.release(r.pooled);
    r.payload = undefined;
    r.pooled = undefined;
    r.held = 0;
    if (this.spare.length < this.limits.maxInFlight) this.spare.push(r);
  }

  private finishIfDone(): void {
    if (this.disconnecting && !this.closed && this.inFlight === 0 && this.queue.length === 0) {
      this.replies.flush();
      this.closed = true;
      this.socket.end();
    }
  }
}

const EMPTY = new Uint8Array(0);
/** Log lines per connection before the rest are suppressed. */
const LOG_LIMIT = 10;
