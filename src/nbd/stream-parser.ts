// The client-to-server byte stream of one NBD connection as a push parser: client flags, option
// requests (handshake), then transmission requests with their WRITE payloads. It is a state
// machine over whatever chunks the socket delivers, so a header or payload split at any byte
// parses the same as one delivered whole. It decodes and frames only; the connection decides
// what a request means. Options and payloads above their limits are skipped, not buffered, so
// a client cannot make the server hold more than the limits allow.
import { NBD_CLIENT_FLAGS, NBD_OPTION_HEADER, NBD_REQUEST, NbdCommand, NbdMagic, NBD_OPTION_NAMES } from '../spec/index.js';

export type ParserState = 'clientFlags' | 'optionHeader' | 'optionData' | 'optionDiscard' | 'requestHeader' | 'writePayload' | 'writeDiscard' | 'closed';

export const PARSER_STATE_NAMES: Readonly<Record<ParserState, string>> = {
  clientFlags: 'waiting for the client flags',
  optionHeader: 'waiting for an option header',
  optionData: 'reading option data',
  optionDiscard: 'skipping oversized option data',
  requestHeader: 'waiting for a request header',
  writePayload: 'reading a write payload',
  writeDiscard: 'skipping an oversized write payload',
  closed: 'closed',
};

/** Legal moves; setState refuses any other (a parser bug, not a client error). */
export const PARSER_TRANSITIONS: Readonly<Record<ParserState, readonly ParserState[]>> = {
  clientFlags: ['optionHeader', 'closed'],
  optionHeader: ['optionData', 'optionDiscard', 'optionHeader', 'requestHeader', 'closed'],
  optionData: ['optionHeader', 'requestHeader', 'closed'],
  optionDiscard: ['optionHeader', 'closed'],
  requestHeader: ['requestHeader', 'writePayload', 'writeDiscard', 'closed'],
  writePayload: ['requestHeader', 'closed'],
  writeDiscard: ['requestHeader', 'closed'],
  closed: [],
};

/** One decoded request header. The parser reuses this object: copy what outlives the call. */
export interface NbdRequest {
  flags: number;
  type: number;
  /** The cookie as two u32 halves, echoed back verbatim. */
  cookieHi: number;
  cookieLo: number;
  /** Byte offset; values past 2^53 are approximate (they are past any export's end anyway). */
  offset: number;
  length: number;
}

export interface ParserSink {
  clientFlags(flags: number): void;
  /** A complete option; `data` is valid during the call only. */
  option(option: number, data: Uint8Array): void;
  /** An option longer than maxOptionLength; its data was skipped. */
  optionTooBig(option: number, length: number): void;
  /** A request; a WRITE's payload is the sink's to keep (a view of the chunk or a buffer from allocPayload). */
  request(req: NbdRequest, payload: Uint8Array | undefined): void;
  /** A WRITE longer than maxPayload; its payload was skipped. */
  requestTooBig(req: NbdRequest): void;
  /** The stream cannot be framed any more (bad magic); the parser is closed. */
  protocolError(message: string): void;
  /** A buffer of `length` bytes for a payload that spans chunks (a pool's, or a new one). */
  allocPayload(length: number): Uint8Array;
}

export interface ParserLimits {
  readonly maxOptionLength: number;
  readonly maxPayload: number;
}

const U32 = 2 ** 32;

export class NbdStreamParser {
  private stateNow: ParserState = 'clientFlags';
  /** Header bytes gathered across chunks. */
  private readonly head = new Uint8Array(NBD_REQUEST.size);
  private readonly headView = new DataView(this.head.buffer);
  private headHave = 0;
  /** Where the last gathered header is: a view and a base offset in it (no object per header). */
  private gView: DataView = this.headView;
  private gBase = 0;
  private gReady = false;
  /** Option data or write payload being gathered. */
  private body: Uint8Array | undefined;
  private bodyHave = 0;
  /** Bytes still to skip in a discard state. */
  private skip = 0;
  private option = 0;
  private optionLength = 0;
  private readonly req: NbdRequest = { flags: 0, type: 0, cookieHi: 0, cookieLo: 0, offset: 0, length: 0 };

  constructor(
    private readonly sink: ParserSink,
    private readonly limits: ParserLimits,
  ) {}

  get state(): ParserState {
    return this.stateNow;
  }

  /** The handshake ended (GO or EXPORT_NAME accepted): what follows are requests. */
  enterTransmission(): void {
    this.setState('requestHeader');
  }

  close(): void {
    if (this.stateNow !== 'closed') this.setState('closed');
    this.body = undefined;
  }

  /** Parses a chunk; calls the sink for each complete unit. Bytes after close are ignored. */
  push(chunk: Uint8Array): void {
    let at = 0;
    const n = chunk.length;
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (at < n) {
      switch (this.stateNow) {
        case 'closed':
          return;
        case 'clientFlags': {
          at = this.gather(chunk, view, at, NBD_CLIENT_FLAGS.size);
          if (!this.gReady) break;
          this.setState('optionHeader');
          this.sink.clientFlags(this.gView.getUint32(this.gBase, false));
          break;
        }
        case 'optionHeader': {
          at = this.gather(chunk, view, at, NBD_OPTION_HEADER.size);
          if (!this.gReady) break;
          const v = this.gView;
          const b = this.gBase;
          if (v.getBigUint64(b, false) !== NbdMagic.OPTS) return this.fail(`option request without the IHAVEOPT magic (0x${v.getBigUint64(b, false).toString(16)})`);
          this.option = v.getUint32(b + NBD_OPTION_HEADER.offset.option, false);
          this.optionLength = v.getUint32(b + NBD_OPTION_HEADER.offset.length, false);
          if (this.optionLength > this.limits.maxOptionLength) {
            this.skip = this.optionLength;
            this.setState('optionDiscard');
          } else if (this.optionLength === 0) {
            this.setState('optionHeader');
            this.sink.option(this.option, EMPTY);
          } else if (n - at >= this.optionLength) {
            // Whole option in this chunk: hand out a view, no copy.
            const data = chunk.subarray(at, at + this.optionLength);
            at += this.optionLength;
            this.setState('optionHeader');
            this.sink.option(this.option, data);
          } else {
            this.body = new Uint8Array(this.optionLength);
            this.bodyHave = 0;
            this.setState('optionData');
          }
          break;
        }
        case 'optionData': {
          at = this.fill(chunk, at);
          if (this.bodyHave < this.optionLength) break;
          const data = this.body!;
          this.body = undefined;
          this.setState('optionHeader');
          this.sink.option(this.option, data);
          break;
        }
        case 'optionDiscard': {
          const take = Math.min(this.skip, n - at);
          at += take;
          this.skip -= take;
          if (this.skip > 0) break;
          this.setState('optionHeader');
          this.sink.optionTooBig(this.option, this.optionLength);
          break;
        }
        case 'requestHeader': {
          at = this.gather(chunk, view, at, NBD_REQUEST.size);
          if (!this.gReady) break;
          const v = this.gView;
          const b = this.gBase;
          const magic = v.getUint32(b, false);
          if (magic !== NbdMagic.REQUEST) return this.fail(`request without the request magic (0x${magic.toString(16).padStart(8, '0')})`);
          const r = this.req;
          r.flags = v.getUint16(b + NBD_REQUEST.offset.flags, false);
          r.type = v.getUint16(b + NBD_REQUEST.offset.type, false);
          r.cookieHi = v.getUint32(b + NBD_REQUEST.offset.cookie, false);
          r.cookieLo = v.getUint32(b + NBD_REQUEST.offset.cookie + 4, false);
          r.offset = v.getUint32(b + NBD_REQUEST.offset.offset, false) * U32 + v.getUint32(b + NBD_REQUEST.offset.offset + 4, false);
          r.length = v.getUint32(b + NBD_REQUEST.offset.length, false);
          if (r.type !== NbdCommand.WRITE || r.length === 0) {
            this.setState('requestHeader');
            this.sink.request(r, undefined);
          } else if (r.length > this.limits.maxPayload) {
            this.skip = r.length;
            this.setState('writeDiscard');
          } else if (n - at >= r.length) {
            const payload = chunk.subarray(at, at + r.length);
            at += r.length;
            this.setState('requestHeader');
            this.sink.request(r, payload);
          } else {
            this.body = this.sink.allocPayload(r.length);
            this.bodyHave = 0;
            this.setState('writePayload');
          }
          break;
        }
        case 'writePayload': {
          at = this.fill(chunk, at);
          if (this.bodyHave < this.req.length) break;
          const payload = this.body!;
          this.body = undefined;
          this.setState('requestHeader');
          this.sink.request(this.req, payload);
          break;
        }
        case 'writeDiscard': {
          const take = Math.min(this.skip, n - at);
          at += take;
          this.skip -= take;
          if (this.skip > 0) break;
          this.setState('requestHeader');
          this.sink.requestTooBig(this.req);
          break;
        }
      }
    }
  }

  /** A write payload being gathered, if any (so a closing connection can return it to its pool). */
  takePendingPayload(): Uint8Array | undefined {
    const b = this.stateNow === 'writePayload' ? this.body : undefined;
    this.body = undefined;
    return b;
  }

  private setState(to: ParserState): void {
    if (!PARSER_TRANSITIONS[this.stateNow].includes(to)) throw new Error(`NBD parser: illegal move from ${this.stateNow} to ${to}`);
    this.stateNow = to;
  }

  private fail(message: string): void {
    this.close();
    this.sink.protocolError(message);
  }

  /**
   * A fixed-size header at `at`: read in place from the chunk when it is all there and none was
   * gathered before, else gathered into `head` across calls. Sets gReady/gView/gBase; returns
   * the new position.
   */
  private gather(chunk: Uint8Array, view: DataView, at: number, size: number): number {
    if (this.headHave === 0 && chunk.length - at >= size) {
      this.gReady = true;
      this.gView = view;
      this.gBase = at;
      return at + size;
    }
    const take = Math.min(size - this.headHave, chunk.length - at);
    this.head.set(chunk.subarray(at, at + take), this.headHave);
    this.headHave += take;
    this.gReady = this.headHave === size;
    if (this.gReady) {
      this.headHave = 0;
      this.gView = this.headView;
      this.gBase = 0;
    }
    return at + take;
  }

  private fill(chunk: Uint8Array, at: number): number {
    const body = this.body!;
    const take = Math.min(body.length - this.bodyHave, chunk.length - at);
    body.set(chunk.subarray(at, at + take), this.bodyHave);
    this.bodyHave += take;
    return at + take;
  }
}

const EMPTY = new Uint8Array(0);

/** "NBD_OPT_GO (7)" for messages. */
export function optionLabel(option: number): string {
  return `${NBD_OPTION_NAMES[option] ?? 'unknown option'} (${option})`;
}
