// Test helpers for nbd/: a memory BlockVolume that can delay and reorder its completions and
// counts what it was asked, and a small raw NBD client that speaks the wire format byte by byte
// (so tests see exactly what the server sends).
import { type Socket, connect } from 'node:net';
import { type BlockVolume, checkVolumeRange } from '../../src/host/index.js';
import { NbdMagic, NbdClientFlag, NbdOption } from '../../src/spec/index.js';

export interface MemoryVolumeOptions {
  readonly name?: string;
  readonly size?: number;
  readonly blockSize?: number;
  readonly maxTransfer?: number;
  /** Each call waits 0..delayMs (seeded), so completions come back out of order. */
  readonly delayMs?: number;
  readonly seed?: number;
}

export class MemoryVolume implements BlockVolume {
  readonly name: string;
  readonly size: number;
  readonly blockSize: number;
  readonly maxTransfer: number;
  readonly data: Uint8Array;
  readonly calls = { read: 0, write: 0, fuaWrite: 0, flush: 0, trim: 0, writeZeroes: 0 };
  /** Largest read/write seen, to check maxTransfer splitting. */
  biggest = 0;
  /** Set to make every call fail with this error. */
  failWith: Error | undefined;
  closed = false;
  private readonly delayMs: number;
  private rng: number;

  constructor(o: MemoryVolumeOptions = {}) {
    this.name = o.name ?? 'mem0';
    this.blockSize = o.blockSize ?? 4096;
    this.size = o.size ?? 1 << 20;
    this.maxTransfer = o.maxTransfer ?? 1 << 20;
    this.data = new Uint8Array(this.size);
    this.delayMs = o.delayMs ?? 0;
    this.rng = o.seed ?? 12345;
  }

  async read(offset: number, into: Uint8Array): Promise<void> {
    await this.step(offset, into.length);
    this.calls.read++;
    into.set(this.data.subarray(offset, offset + into.length));
  }

  async write(offset: number, data: Uint8Array, options: { readonly fua?: boolean } = {}): Promise<void> {
    // Copy at call time like a device DMA would, then settle later.
    const copy = data.slice();
    await this.step(offset, data.length);
    this.calls.write++;
    if (options.fua === true) this.calls.fuaWrite++;
    this.data.set(copy, offset);
  }

  async flush(): Promise<void> {
    await this.step(0, 0);
    this.calls.flush++;
  }

  async trim(offset: number, length: number): Promise<void> {
    await this.step(offset, length, false);
    this.calls.trim++;
    this.data.fill(0, offset, offset + length);
  }

  async writeZeroes(offset: number, length: number): Promise<void> {
    await this.step(offset, length, false);
    this.calls.writeZeroes++;
    this.data.fill(0, offset, offset + length);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async step(offset: number, length: number, transfer = true): Promise<void> {
    checkVolumeRange(this, offset, length);
    if (transfer) {
      if (length > this.maxTransfer) throw new RangeError(`${length} bytes exceed maxTransfer ${this.maxTransfer}`);
      this.biggest = Math.max(this.biggest, length);
    }
    if (this.failWith !== undefined) throw this.failWith;
    if (this.delayMs > 0) {
      this.rng = (this.rng * 1103515245 + 12345) >>> 0;
      await new Promise((r) => setTimeout(r, (this.rng >>> 8) % (this.delayMs + 1)));
    } else {
      await Promise.resolve();
    }
  }
}

/** Seeded bytes. */
export function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export interface SimpleReply {
  readonly error: number;
  readonly cookie: bigint;
  readonly data?: Uint8Array;
}

export interface OptReply {
  readonly option: number;
  readonly type: number;
  readonly data: Uint8Array;
}

/** A raw NBD client: writes bytes, reads exact byte counts with a timeout. */
export class RawClient {
  private buf = new Uint8Array(0);
  private waiter: (() => void) | undefined;
  ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      const b = new Uint8Array(this.buf.length + d.length);
      b.set(this.buf);
      b.set(d, this.buf.length);
      this.buf = b;
      this.waiter?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const s = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    return new RawClient(s);
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Exactly n bytes, or throws on close / timeout. */
  async read(n: number, timeoutMs = 3000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.buf.length < n) {
      if (this.ended) throw new Error(`connection closed with ${this.buf.length} of ${n} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} bytes (have ${this.buf.length})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiter = () => {
          clearTimeout(t);
          r();
        };
      });
      this.waiter = undefined;
    }
    const out = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return out;
  }

  /** Resolves true once the server has closed the connection (within timeoutMs). */
  async closedWithin(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.ended;
  }

  get pendingBytes(): number {
    return this.buf.length;
  }

  /** Reads the greeting and sends client flags; returns the handshake flags. */
  async handshake(clientFlags: number = NbdClientFlag.FIXED_NEWSTYLE | NbdClientFlag.NO_ZEROES): Promise<number> {
    const g = dv(await this.read(18));
    if (g.getBigUint64(0) !== NbdMagic.INIT || g.getBigUint64(8) !== NbdMagic.OPTS) throw new Error('bad greeting');
    this.send(u32(clientFlags));
    return g.getUint16(16);
  }

  sendOption(option: number, data: Uint8Array = new Uint8Array(0)): void {
    const h = new Uint8Array(16);
    const v = dv(h);
    v.setBigUint64(0, NbdMagic.OPTS);
    v.setUint32(8, option);
    v.setUint32(12, data.length);
    this.send(concat(h, data));
  }

  async readOptReply(): Promise<OptReply> {
    const h = dv(await this.read(20));
    if (h.getBigUint64(0) !== NbdMagic.OPT_REPLY) throw new Error(`bad option reply magic 0x${h.getBigUint64(0).toString(16)}`);
    const len = h.getUint32(16);
    return { option: h.getUint32(8), type: h.getUint32(12), data: await this.read(len) };
  }

  /** Option replies up to and including the first ACK or error. */
  async readOptReplies(): Promise<OptReply[]> {
    const out: OptReply[] = [];
    for (;;) {
      const r = await this.readOptReply();
      out.push(r);
      if (r.type === 1 || r.type >= 0x8000_0000) return out;
    }
  }

  /** OPT_GO (or INFO) for `name`, asking for the given info types. */
  async go(name: string, infos: readonly number[] = [], option: number = NbdOption.GO): Promise<OptReply[]> {
    this.sendOption(option, goData(name, infos));
    return this.readOptReplies();
  }

  sendRequest(type: number, flags: number, cookie: bigint, offset: bigint | number, length: number, payload?: Uint8Array): void {
    const h = new Uint8Array(28);
    const v = dv(h);
    v.setUint32(0, NbdMagic.REQUEST);
    v.setUint16(4, flags);
    v.setUint16(6, type);
    v.setBigUint64(8, cookie);
    v.setBigUint64(16, BigInt(offset));
    v.setUint32(24, length);
    this.send(payload === undefined ? h : concat(h, payload));
  }

  /** A simple reply; `dataLength` bytes follow when error is 0 and the caller expects data. */
  async readSimple(dataLength = 0, timeoutMs = 3000): Promise<SimpleReply> {
    const h = dv(await this.read(16, timeoutMs));
    if (h.getUint32(0) !== NbdMagic.SIMPLE_REPLY) throw new Error(`bad reply magic 0x${h.getUint32(0).toString(16)}`);
    const error = h.getUint32(4);
    const cookie = h.getBigUint64(8);
    if (error === 0 && dataLength > 0) return { error, cookie, data: await this.read(dataLength, timeoutMs) };
    return { error, cookie };
  }

  /** One structured reply chunk: header fields and payload. */
  async readChunk(timeoutMs = 3000): Promise<{ flags: number; type: number; cookie: bigint; payload: Uint8Array }> {
    const h = dv(await this.read(20, timeoutMs));
    if (h.getUint32(0) !== NbdMagic.STRUCTURED_REPLY) throw new Error(`bad structured reply magic 0x${h.getUint32(0).toString(16)}`);
    return { flags: h.getUint16(4), type: h.getUint16(6), cookie: h.getBigUint64(8), payload: await this.read(h.getUint32(16), timeoutMs) };
  }

  close(): void {
    this.socket.destroy();
  }
}

export function goData(name: string, infos: readonly number[]): Uint8Array {
  const n = new TextEncoder().encode(name);
  const out = new Uint8Array(4 + n.length + 2 + 2 * infos.length);
  const v = dv(out);
  v.setUint32(0, n.length);
  out.set(n, 4);
  v.setUint16(4 + n.length, infos.length);
  infos.forEach((t, i) => v.setUint16(6 + n.length + 2 * i, t));
  return out;
}

export function u32(x: number): Uint8Array {
  const b = new Uint8Array(4);
  dv(b).setUint32(0, x);
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
