// A streaming NVMe/TCP PDU reader: a state machine that accepts bytes split anywhere (one byte
// at a time, or many PDUs in one chunk) and hands each PDU to its sink. It checks what every PDU
// shares: a type this side may receive, the type's HLEN, digest flags as negotiated, the header
// digest, PDO / PLEN consistency and the data size limit. Data goes straight into a buffer the
// sink picks once it has seen the header (an R2T'd command's buffer, say), so large transfers are
// copied once. A malformed PDU fails the reader with a TermReq status (FES) and it then ignores
// everything; the connection sends the TermReq and closes.
import { DIGEST_SIZE, Fes, PDU_HLEN, PDU_MAX_HLEN, PduFlag, PduType, TERM_REQ, TERM_REQ_MAX_DATA } from '../../spec/index.js';
import { crc32c, readDigest } from './digest.js';

export const ReaderState = { HEADER: 0, HEADER_REST: 1, PAD: 2, DATA: 3, DATA_DIGEST: 4, FAILED: 5 } as const;
export type ReaderState = (typeof ReaderState)[keyof typeof ReaderState];
export const READER_STATE_NAMES: Readonly<Record<ReaderState, string>> = { 0: 'common header', 1: 'header', 2: 'padding', 3: 'data', 4: 'data digest', 5: 'failed' };

/** The PDU being read. Reused: valid until the sink's pdu() returns. */
export class PduHeader {
  /** The header bytes (HLEN, then the digest when enabled). */
  readonly bytes = Buffer.alloc(PDU_MAX_HLEN + DIGEST_SIZE);
  readonly view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  type = 0;
  flags = 0;
  hlen = 0;
  pdo = 0;
  plen = 0;
  /** Data bytes (PLEN less header, digests and padding). */
  dataLength = 0;
  /** False when the data digest did not match (the data is still delivered). */
  dataDigestOk = true;

  u16(off: number): number {
    return this.view.getUint16(off, true);
  }
  u32(off: number): number {
    return this.view.getUint32(off, true);
  }
}

export interface PduSink {
  /**
   * A header arrived and passed the generic checks. Return where its `dataLength` data bytes go
   * (a buffer of exactly that length), undefined when it has none, or a FES number to fail the
   * connection (`fei` in the reader's lastFei).
   */
  header(h: PduHeader): Uint8Array | undefined | number;
  /** A whole PDU: `data` is the buffer header() returned. */
  pdu(h: PduHeader, data: Uint8Array | undefined): void;
}

export interface PduReaderOptions {
  /** PDU types this side may receive. */
  readonly accept: readonly number[];
  /** Most data bytes one PDU may carry. */
  readonly maxData: number;
}

export interface ReaderFailure {
  readonly fes: number;
  /** FES 1 / 6: byte offset of the bad field. */
  readonly fei: number;
  /** The offending header (at most 128 bytes), for the TermReq data. */
  readonly header: Uint8Array;
}

const CH = 8;
const O = { type: 0, flags: 1, hlen: 2, pdo: 3, plen: 4 } as const;

export class PduReader {
  state: ReaderState = ReaderState.HEADER;
  failure: ReaderFailure | undefined;
  /** Set by the sink with a FES it returns from header(). */
  lastFei = 0;
  /** PDUs read so far. */
  count = 0;
  private readonly h = new PduHeader();
  private readonly accepted = new Uint8Array(256);
  private have = 0;
  private need = 0;
  private pad = 0;
  private data: Uint8Array | undefined;
  private dataAt = 0;
  private hdgst = false;
  private ddgst = false;
  private headerDigest = false;
  private dataDigest = false;
  private readonly digest = new Uint8Array(DIGEST_SIZE);
  private maxData: number;

  constructor(
    private readonly sink: PduSink,
    options: PduReaderOptions,
  ) {
    for (const t of options.accept) this.accepted[t] = 1;
    this.maxData = options.maxData;
  }

  /** Digests as negotiated by ICReq / ICResp (they apply to every PDU after those). */
  setDigests(header: boolean, data: boolean): void {
    this.hdgst = header;
    this.ddgst = data;
  }

  /** Changes the PDU types accepted from now on (after ICReq, after Connect). */
  setAccept(types: readonly number[]): void {
    this.accepted.fill(0);
    for (const t of types) this.accepted[t] = 1;
  }

  setMaxData(n: number): void {
    this.maxData = n;
  }

  get failed(): boolean {
    return this.state === ReaderState.FAILED;
  }

  /** Feeds bytes; returns false once the reader has failed (see `failure`). */
  push(chunk: Uint8Array): boolean {
    let i = 0;
    const n = chunk.length;
    const h = this.h;
    while (i < n) {
      switch (this.state) {
        case ReaderState.HEADER: {
          const take = Math.min(CH - this.have, n - i);
          for (let k = 0; k < take; k++) h.bytes[this.have + k] = chunk[i + k]!;
          this.have += take;
          i += take;
          if (this.have === CH && !this.commonHeader()) return false;
          break;
        }
        case ReaderState.HEADER_REST: {
          const take = Math.min(this.need - this.have, n - i);
          h.bytes.set(chunk.subarray(i, i + take), this.have);
          this.have += take;
          i += take;
          if (this.have === this.need && !this.headerDone()) return false;
          break;
        }
        case ReaderState.PAD: {
          const take = Math.min(this.pad, n - i);
          this.pad -= take;
          i += take;
          if (this.pad === 0) this.state = ReaderState.DATA;
          break;
        }
        case ReaderState.DATA: {
          const want = h.dataLength - this.dataAt;
          const take = Math.min(want, n - i);
          this.data!.set(take === n && i === 0 ? chunk : chunk.subarray(i, i + take), this.dataAt);
          this.dataAt += take;
          i += take;
          if (this.dataAt === h.dataLength) {
            if (this.dataDigest) {
              this.state = ReaderState.DATA_DIGEST;
              this.have = 0;
            } else this.deliver();
          }
          break;
        }
        case ReaderState.DATA_DIGEST: {
          const take = Math.min(DIGEST_SIZE - this.have, n - i);
          for (let k = 0; k < take; k++) this.digest[this.have + k] = chunk[i + k]!;
          this.have += take;
          i += take;
          if (this.have === DIGEST_SIZE) {
            h.dataDigestOk = readDigest(this.digest, 0) === crc32c(this.data!, 0, h.dataLength);
            this.deliver();
          }
          break;
        }
        case ReaderState.FAILED:
          return false;
      }
    }
    return this.state !== ReaderState.FAILED;
  }

  /** Fails the reader from outside (a PDU that is well formed but wrong here: an unknown tag, a sequence error). */
  reject(fes: number, fei: number): void {
    // The PDU was delivered whole: its header is still in the header buffer.
    this.failure = { fes, fei, header: this.h.bytes.slice(0, Math.min(this.h.hlen, TERM_REQ_MAX_DATA)) };
    this.state = ReaderState.FAILED;
  }

  private fail(fes: number, fei: number): false {
    const len = Math.min(Math.max(this.have, this.state === ReaderState.HEADER ? 0 : this.h.hlen), TERM_REQ_MAX_DATA);
    this.failure = { fes, fei, header: this.h.bytes.slice(0, len) };
    this.state = ReaderState.FAILED;
    return false;
  }

  /** The 8 common bytes are in: check them and size the rest. */
  private commonHeader(): boolean {
    const h = this.h;
    const b = h.bytes;
    h.type = b[O.type]!;
    h.flags = b[O.flags]!;
    h.hlen = b[O.hlen]!;
    h.pdo = b[O.pdo]!;
    h.plen = h.u32(O.plen);
    h.dataDigestOk = true;
    if (this.accepted[h.type] !== 1) return this.fail(Fes.INVALID_HEADER_FIELD, O.type);
    if (h.hlen !== PDU_HLEN[h.type]) return this.fail(Fes.INVALID_HEADER_FIELD, O.hlen);
    const ic = h.type === PduType.IC_REQ || h.type === PduType.IC_RESP;
    // ICReq / ICResp and TermReqs never carry digests (Linux: "C2HTermReq never includes Header or Data digests").
    const term = h.type === PduType.H2C_TERM_REQ || h.type === PduType.C2H_TERM_REQ;
    this.headerDigest = this.hdgst && !ic && !term;
    if (((h.flags & PduFlag.HDGSTF) !== 0) !== this.headerDigest) return this.fail(Fes.INVALID_HEADER_FIELD, O.flags);
    const headerEnd = h.hlen + (this.headerDigest ? DIGEST_SIZE : 0);
    if (h.plen < headerEnd) return this.fail(Fes.INVALID_HEADER_FIELD, O.plen);
    if (ic && h.plen !== h.hlen) return this.fail(Fes.INVALID_HEADER_FIELD, O.plen);
    if (term) {
      if (h.plen > TERM_REQ.size + TERM_REQ_MAX_DATA) return this.fail(Fes.INVALID_HEADER_FIELD, O.plen);
      // TermReq data (the peer's copy of our bad header) follows the header directly.
      h.dataLength = h.plen - h.hlen;
      this.dataDigest = false;
    } else if (h.plen === headerEnd) {
      if ((h.flags & PduFlag.DDGSTF) !== 0) return this.fail(Fes.INVALID_HEADER_FIELD, O.flags);
      h.dataLength = 0;
      this.dataDigest = false;
    } else {
      this.dataDigest = this.ddgst;
      if (((h.flags & PduFlag.DDGSTF) !== 0) !== this.dataDigest) return this.fail(Fes.INVALID_HEADER_FIELD, O.flags);
      if (h.pdo < headerEnd) return this.fail(Fes.INVALID_HEADER_FIELD, O.pdo);
      const len = h.plen - h.pdo - (this.dataDigest ? DIGEST_SIZE : 0);
      if (len <= 0) return this.fail(Fes.INVALID_HEADER_FIELD, h.pdo > h.plen ? O.pdo : O.plen);
      if (len > this.maxData) return this.fail(Fes.DATA_LIMIT_EXCEEDED, 0);
      h.dataLength = len;
    }
    this.need = headerEnd;
    if (this.have === this.need) return this.headerDone();
    this.state = ReaderState.HEADER_REST;
    return true;
  }

  /** The header (and its digest) is in. */
  private headerDone(): boolean {
    const h = this.h;
    if (this.headerDigest && readDigest(h.bytes, h.hlen) !== crc32c(h.bytes, 0, h.hlen)) return this.fail(Fes.HEADER_DIGEST_ERROR, 0);
    const term = h.type === PduType.H2C_TERM_REQ || h.type === PduType.C2H_TERM_REQ;
    const dst = term && h.dataLength > 0 ? new Uint8Array(h.dataLength) : this.sink.header(h);
    if (typeof dst === 'number') return this.fail(dst, this.lastFei);
    if (h.dataLength === 0) {
      this.deliver();
      return true;
    }
    if (dst === undefined || dst.length !== h.dataLength) return this.fail(Fes.PDU_SEQUENCE_ERROR, 0);
    this.data = dst;
    this.dataAt = 0;
    this.pad = term ? 0 : h.pdo - this.need;
    this.state = this.pad > 0 ? ReaderState.PAD : ReaderState.DATA;
    return true;
  }

  private deliver(): void {
    const data = this.data;
    this.data = undefined;
    this.have = 0;
    this.state = ReaderState.HEADER;
    this.count++;
    this.sink.pdu(this.h, this.h.dataLength > 0 ? data : undefined);
  }
}
