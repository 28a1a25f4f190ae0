// Transmission replies of one connection onto its socket. Replies that finish in the same turn
// of the event loop leave together: the socket is corked until the turn ends, so they go out in
// one writev, and simple replies are packed into one pooled batch buffer. A READ's header sits
// in front of its data in the same pooled buffer. No allocation and no system call per reply.
import type { Socket } from 'node:net';
import { NBD_SIMPLE_REPLY, NbdError as E, NbdMagic } from '../spec/index.js';
import type { BufferPool } from './buffer-pool.js';

/** Room for 256 simple replies per batch. */
const REPLY_BATCH_BYTES = 4096;

/** Bytes before a READ's data in its reply buffer. */
export const READ_REPLY_HEADER = NBD_SIMPLE_REPLY.size;

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
   * A successful READ: `buf` is a whole pool buffer holding the data at READ_REPLY_HEADER; the
   * header goes in front and the buffer returns to the pool once sent. False when not sent
   * (the caller then releases it).
   */
  readData(buf: Uint8Array, length: number, cookieHi: number, cookieLo: number): boolean {
    if (!this.canSend() || this.socket.destroyed) return false;
    be32(buf, NBD_SIMPLE_REPLY.offset.magic, NbdMagic.SIMPLE_REPLY);
    be32(buf, NBD_SIMPLE_REPLY.offset.error, E.OK);
    be32(buf, NBD_SIMPLE_REPLY.offset.cookie, cookieHi);
    be32(buf, NBD_SIMPLE_REPLY.offset.cookie + 4, cookieLo);
    this.corkUntilTurnEnds();
    this.socket.write(buf.subarray(0, READ_REPLY_HEADER + length), () => this.pool.release(buf));
    return true;
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

function be32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
