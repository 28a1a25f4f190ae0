// Transmission replies of one connection onto its socket. Replies that finish in the same turn
// of the event loop leave together: the socket is corked until the turn ends, so they go out in
// one writev, and simple replies are packed into one pooled batch buffer. A READ's header sits
// in front of its data in the same pooled buffer. No allocation and no system call per reply.
// With structured replies negotiated, a READ is answered by one OFFSET_DATA chunk (or NONE for
// zero bytes, or ERROR with a message), each flagged DONE; other commands keep simple replies,
// which the protocol allows when they carry no payload.
import type { Socket } from 'node:net';
import { NBD_SIMPLE_REPLY, NBD_STRUCTURED_REPLY, NbdError as E, NbdMagic, NbdReplyFlag, NbdReplyType as Chunk } from '../spec/index.js';
import type { BufferPool } from './buffer-pool.js';

/** Room for 256 simple replies per batch. */
const REPLY_BATCH_BYTES = 4096;

/** Bytes before a READ's data in its reply buffer: a simple reply, or a chunk header and the u64 offset. */
export const readReplyHeaderBytes = (structured: boolean): number => (structured ? NBD_STRUCTURED_REPLY.size + 8 : NBD_SIMPLE_REPLY.size);

export class ReplyWriter {
  private batch: Uint8Array | undefined;
  private batchView: DataView | undefined;
  private batchUsed = 0;
  private corked = false;

  constructor(
    private readonly socket: Socket,
    private readonly pool: BufferPool,
    /** False once the connection is closing without replies (aborted, ended). */
    private readonly canSend: () => boolean,
  ) {}

  /** A simple reply without data. */
  simple(error: number, cookieHi: number, cookieLo: number): void {
    if (!this.canSend() || this.socket.destroyed) return;
    if (this.batch === undefined || this.batchUsed + NBD_SIMPLE_REPLY.size > this.batch.length) {
      this.flush();
      this.batch = this.pool.get(REPLY_BATCH_BYTES);
      this.batchView = new DataView(this.batch.buffer, this.batch.byteOffset, this.batch.byteLength);
      this.batchUsed = 0;
    }
    const v = this.batchView!;
    const at = this.batchUsed;
    v.setUint32(at + NBD_SIMPLE_REPLY.offset.magic, NbdMagic.SIMPLE_REPLY, false);
    v.setUint32(at + NBD_SIMPLE_REPLY.offset.error, error, false);
    v.setUint32(at + NBD_SIMPLE_REPLY.offset.cookie, cookieHi, false);
    v.setUint32(at + NBD_SIMPLE_REPLY.offset.cookie + 4, cookieLo, false);
    this.batchUsed += NBD_SIMPLE_REPLY.size;
    this.corkUntilTurnEnds();
  }

  /**
   * A successful READ: `buf` is a whole pool buffer holding the data at
   * readReplyHeaderBytes(structured); the header goes in front and the buffer returns to the pool
   * once sent. False when not sent (the caller then releases it).
   */
  readData(buf: Uint8Array, length: number, cookieHi: number, cookieLo: number, structured: boolean, offset: number): boolean {
    if (!this.canSend() || this.socket.destroyed) return false;
    let total: number;
    if (structured) {
      chunkHeader(buf, Chunk.OFFSET_DATA, cookieHi, cookieLo, 8 + length);
      be32(buf, NBD_STRUCTURED_REPLY.size, Math.floor(offset / 2 ** 32));
      be32(buf, NBD_STRUCTURED_REPLY.size + 4, offset >>> 0);
      total = NBD_STRUCTURED_REPLY.size + 8 + length;
    } else {
      be32(buf, NBD_SIMPLE_REPLY.offset.magic, NbdMagic.SIMPLE_REPLY);
      be32(buf, NBD_SIMPLE_REPLY.offset.error, E.OK);
      be32(buf, NBD_SIMPLE_REPLY.offset.cookie, cookieHi);
      be32(buf, NBD_SIMPLE_REPLY.offset.cookie + 4, cookieLo);
      total = NBD_SIMPLE_REPLY.size + length;
    }
    this.corkUntilTurnEnds();
    this.socket.write(buf.subarray(0, total), () => this.pool.release(buf));
    return true;
  }

  /** The final chunk of a structured reply without data (a zero-length READ). */
  structuredNone(cookieHi: number, cookieLo: number): void {
    if (!this.canSend() || this.socket.destroyed) return;
    const b = new Uint8Array(NBD_STRUCTURED_REPLY.size);
    chunkHeader(b, Chunk.NONE, cookieHi, cookieLo, 0);
    this.corkUntilTurnEnds();
    this.socket.write(b);
  }

  /** A structured ERROR chunk (final) with a message for people. Errors are rare: this allocates. */
  structuredError(error: number, cookieHi: number, cookieLo: number, message: string): void {
    if (!this.canSend() || this.socket.destroyed) return;
    const text = new TextEncoder().encode(message.slice(0, 1024));
    const b = new Uint8Array(NBD_STRUCTURED_REPLY.size + 6 + text.length);
    chunkHeader(b, Chunk.ERROR, cookieHi, cookieLo, 6 + text.length);
    be32(b, NBD_STRUCTURED_REPLY.size, error);
    b[NBD_STRUCTURED_REPLY.size + 4] = text.length >>> 8;
    b[NBD_STRUCTURED_REPLY.size + 5] = text.length & 0xff;
    b.set(text, NBD_STRUCTURED_REPLY.size + 6);
    this.corkUntilTurnEnds();
    this.socket.write(b);
  }

  /** Hands the batched simple replies to the socket now (call before socket.end()). */
  flush(): void {
    const b = this.batch;
    if (b === undefined) return;
    this.batch = undefined;
    if (this.batchUsed === 0 || this.socket.destroyed) return this.pool.release(b);
    this.socket.write(b.subarray(0, this.batchUsed), () => this.pool.release(b));
  }

  private corkUntilTurnEnds(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(this.uncork);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.flush();
    if (!this.socket.destroyed) this.socket.uncork();
  };
}

/** A structured chunk header with REPLY_FLAG_DONE (every reply this server sends is one chunk). */
function chunkHeader(b: Uint8Array, type: number, cookieHi: number, cookieLo: number, length: number): void {
  be32(b, NBD_STRUCTURED_REPLY.offset.magic, NbdMagic.STRUCTURED_REPLY);
  b[NBD_STRUCTURED_REPLY.offset.flags] = 0;
  b[NBD_STRUCTURED_REPLY.offset.flags + 1] = NbdReplyFlag.DONE;
  b[NBD_STRUCTURED_REPLY.offset.type] = type >>> 8;
  b[NBD_STRUCTURED_REPLY.offset.type + 1] = type & 0xff;
  be32(b, NBD_STRUCTURED_REPLY.offset.cookie, cookieHi);
  be32(b, NBD_STRUCTURED_REPLY.offset.cookie + 4, cookieLo);
  be32(b, NBD_STRUCTURED_REPLY.offset.length, length);
}

function be32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
