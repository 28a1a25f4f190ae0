// The NVMe/TCP fuzzer. Most PDUs go in-process: a fake socket under a real TargetConnection of a
// real TcpTarget (association, Controller, conventional namespace), so the reader and the whole
// command path run at full speed. Sessions start valid (ICReq, Connect, CC.EN, an I/O queue)
// and then take random PDUs: well-formed capsules with random commands and SGLs, H2CData for
// the R2Ts the target sent, mutations of those (bit flips, wrong lengths, truncation) and plain
// random bytes, each delivered split at random points. A session whose connection the target
// closes (TermReq) is replaced. A smaller share goes over real sockets to a listening target
// while an NvmeHost keeps doing verified I/O beside it. Nothing may throw, nothing may hang.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ConventionalNamespace } from '../../../../src/controller/index.js';
import { MemoryStore } from '../../../../src/media/index.js';
import { PduFlag, PduType } from '../../../../src/spec/index.js';
import { ConnState, NamespaceSubsystem, TargetConnection, TcpTarget, capsuleCmd, dataDigest, dataPdu, icReq, type Digests } from '../../../../src/transport/index.js';
import { linuxConnect } from '../fixtures.js';

export const FUZZ_NQN = 'nqn.2026-11.io.ocssd:fuzz';

/** xorshift32: fast and reproducible. */
export class Rand {
  constructor(private s: number) {
    if (this.s === 0) this.s = 0x9e3779b9;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

/** Just enough of net.Socket for TargetConnection; written PDUs are parsed for R2Ts. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  written = 0;
  readonly r2ts: { cid: number; ttag: number; len: number }[] = [];
  private readonly callbacks: (() => void)[] = [];
  setNoDelay(): this {
    return this;
  }
  cork(): void {}
  uncork(): void {}
  write(b: Uint8Array, cb?: () => void): boolean {
    this.written += b.length;
    if (b.length >= 24 && b[0] === PduType.R2T && b[2] === 24) {
      const v = Buffer.from(b.buffer, b.byteOffset, b.length);
      this.r2ts.push({ cid: v.readUInt16LE(8), ttag: v.readUInt16LE(10), len: v.readUInt32LE(16) });
    }
    if (cb !== undefined) this.callbacks.push(cb);
    return true;
  }
  end(b?: Uint8Array): this {
    if (b !== undefined) this.write(b);
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
  /** Runs write callbacks (the socket "flushed"), as Node does later, not inside write(). */
  flush(): void {
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

export interface FuzzCounts {
  pdus: number;
  bytes: number;
  sessions: number;
  closedByTarget: number;
  deliveries: number;
}

function sqe(r: Rand, admin: boolean): Buffer {
  const s = r.int(8) === 0 ? r.bytes(64) : Buffer.alloc(64);
  const adminOps = [0x02, 0x06, 0x09, 0x0a, 0x0c, 0x18, 0x7f, 0x7f, 0x04, 0x05, 0x08, 0x80, 0xe2, r.int(256)];
  const ioOps = [0x00, 0x01, 0x01, 0x02, 0x02, 0x08, 0x09, 0x04, 0x05, 0x0c, 0x7f, 0x90, 0x91, 0x92, r.int(256)];
  s[0] = r.pick(admin ? adminOps : ioOps);
  s[1] = r.int(6) === 0 ? r.int(256) : 0x40;
  s.writeUInt16LE(r.int(65536), 2);
  if (s[0] === 0x7f) s[4] = r.pick([0, 1, 4, 5, 6, 8, r.int(256)]);
  else s.writeUInt32LE(r.pick([0, 1, 1, 1, 2, 0xffffffff, r.u32()]), 4);
  for (let dw = 10; dw < 16; dw++) s.writeUInt32LE(r.int(3) === 0 ? r.u32() : r.int(64), 4 * dw);
  // Disconnect with RECFMT 0 now and then: the queue ends mid-stream.
  if (s[0] === 0x7f && s[4] === 8 && r.int(2) === 0) s.writeUInt32LE(0, 40);
  if (s[0] === 0x7f && s[4] === 0 && r.int(2) === 0) {
    // Property Set CC: mostly EN = 1, sometimes a reset or a shutdown.
    s.writeUInt32LE(0, 40);
    s.writeUInt32LE(0x14, 44);
    s.writeUInt32LE(r.pick([0x460001, 0x460001, 0x460000, 0x464001]), 48);
  }
  return s;
}

export class InProcessFuzzer {
  readonly counts: FuzzCounts = { pdus: 0, bytes: 0, sessions: 0, closedByTarget: 0, deliveries: 0 };
  private readonly store = new MemoryStore(512 * 4096 + 256 * 1024);
  private readonly ns = new ConventionalNamespace({ nsid: 1, store: this.store, offset: 0, bytes: this.store.size, nlbaf: 4, lbaIndex: 3, ms: 0, extended: false, serial: 'FUZZ' });
  readonly target = new TcpTarget({
    subsystems: [new NamespaceSubsystem({ nqn: FUZZ_NQN, namespaces: [this.ns], config: { mdts: 5, mqes: 63, maxIoQueues: 4 } })],
    port: 0,
    discoveryPort: null,
    bufferBudget: 1 << 20,
    maxTransfer: 1 << 19,
    maxQueueEntries: 64,
    log: () => {},
  });
  private admin: { conn: TargetConnection; sock: FakeSocket } | undefined;
  private io: { conn: TargetConnection; sock: FakeSocket } | undefined;
  private digests: Digests = { header: false, data: false };
  private nextId = 1;

  constructor(private readonly r: Rand) {}

  close(): void {
    this.admin?.conn.close();
    this.io?.conn.close();
    this.ns.close();
    this.store.close();
  }

  private open(): { conn: TargetConnection; sock: FakeSocket } {
    const sock = new FakeSocket();
    const conn = new TargetConnection(sock as unknown as Socket, this.target, this.nextId++);
    return { conn, sock };
  }

  private feed(c: { conn: TargetConnection; sock: FakeSocket }, bytes: Uint8Array, split: boolean): void {
    this.counts.bytes += bytes.length;
    if (!split || bytes.length < 2) {
      c.sock.emit('data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      this.counts.deliveries++;
    } else {
      let at = 0;
      while (at < bytes.length) {
        const n = 1 + this.r.int(Math.min(bytes.length - at, this.r.int(4) === 0 ? 8 : 600));
        c.sock.emit('data', Buffer.from(bytes.buffer, bytes.byteOffset + at, n));
        this.counts.deliveries++;
        at += n;
      }
    }
    c.sock.flush();
  }

  /** A valid start: admin queue connected and enabled, one I/O queue connected. */
  private session(): void {
    this.admin?.conn.close();
    this.io?.conn.close();
    this.counts.sessions++;
    const r = this.r;
    this.digests = r.int(4) === 0 ? { header: r.int(2) === 0, data: r.int(2) === 0 } : { header: false, data: false };
    const a = this.open();
    this.feed(a, icReq({ digests: this.digests }), true);
    this.feed(a, this.withDigests(linuxConnect(FUZZ_NQN)), true);
    const cc = Buffer.alloc(64);
    cc[0] = 0x7f;
    cc[1] = 0x40;
    cc.writeUInt32LE(0x14, 44);
    cc.writeUInt32LE(0x460001, 48);
    this.feed(a, capsuleCmd(cc, 0, this.digests), true);
    this.counts.pdus += 3;
    this.admin = a;
    const cntlid = (a.conn.association as { cntlid?: number } | undefined)?.cntlid ?? 1;
    const i = this.open();
    this.feed(i, icReq({ digests: this.digests }), true);
    const io = Buffer.from(linuxConnect(FUZZ_NQN));
    io.writeUInt16LE(1, 8 + 42);
    io.writeUInt16LE(31, 8 + 44);
    io.writeUInt16LE(cntlid, 72 + 16);
    this.feed(i, this.withDigests(io), true);
    this.counts.pdus += 2;
    this.io = i;
  }

  /** Re-frames a plain CapsuleCmd (72-byte header + data) for the session's digests. */
  private withDigests(capsule: Uint8Array): Uint8Array {
    const data = capsule.subarray(72);
    return Buffer.concat([capsuleCmd(capsule.subarray(8, 72), data.length, this.digests), data, ...(data.length > 0 && this.digests.data ? [dataDigest(data)] : [])]);
  }

  /** One random or mutated PDU (sometimes a few in one delivery). */
  step(): void {
    const r = this.r;
    if (this.admin === undefined || this.admin.conn.state === ConnState.CLOSED) {
      if (this.admin !== undefined) this.counts.closedByTarget++;
      this.session();
    }
    const onIo = this.io !== undefined && this.io.conn.state !== ConnState.CLOSED && r.int(3) !== 0;
    const c = onIo ? this.io! : this.admin!;
    let pdu: Uint8Array;
    const kind = r.int(100);
    const pending = c.sock.r2ts;
    if (kind < 30 && pending.length > 0) {
      // Data for an R2T, whole or in pieces (sometimes wrong).
      const t = pending.shift()!;
      const parts: Uint8Array[] = [];
      let at = 0;
      const step = r.pick([t.len, 4096, 8192, 1 + r.int(t.len)]);
      while (at < t.len) {
        const n = Math.min(step, t.len - at);
        const data = Buffer.alloc(n, (at >>> 12) & 0xff);
        parts.push(dataPdu(PduType.H2C_DATA, this.digests, t.cid, r.int(20) === 0 ? r.int(65536) : t.ttag, r.int(30) === 0 ? at + 4 : at, n, at + n === t.len ? PduFlag.LAST_PDU : 0), data);
        if (this.digests.data) parts.push(dataDigest(data));
        at += n;
        this.counts.pdus++;
      }
      pdu = Buffer.concat(parts);
    } else if (kind < 88) {
      const s = sqe(r, c === this.admin);
      const dlen = r.int(4) === 0 ? r.pick([0, 4, 512, 4096, 8192, 9000]) : 0;
      // SGL: in-capsule, transport (R2T / C2H), or random.
      const len = dlen > 0 ? dlen : r.pick([0, 4096, 8192, 65536, 131072, r.int(1 << 20)]);
      s.writeUInt32LE(len, 32);
      s[39] = dlen > 0 ? 0x01 : r.int(10) === 0 ? r.int(256) : 0x5a;
      const data = dlen > 0 ? r.bytes(dlen) : undefined;
      pdu = Buffer.concat([capsuleCmd(s, dlen, this.digests), ...(data !== undefined ? [data, ...(this.digests.data ? [dataDigest(data)] : [])] : [])]);
      this.counts.pdus++;
    } else if (kind < 96) {
      // A mutation of a valid capsule: flipped bits, a changed length, truncation.
      const s = sqe(r, c === this.admin);
      const b = Buffer.from(capsuleCmd(s, 0, this.digests));
      const flips = 1 + r.int(3);
      for (let k = 0; k < flips; k++) b[r.int(r.int(2) === 0 ? 8 : b.length)]! ^= 1 << r.int(8);
      pdu = r.int(8) === 0 ? b.subarray(0, r.int(b.length)) : b;
      this.counts.pdus++;
    } else {
      pdu = r.bytes(1 + r.int(200));
      this.counts.pdus++;
    }
    // Sometimes more PDUs ride in the same delivery: whatever the first did (a Disconnect, a
    // refused command) must not trip the ones after it.
    if (r.int(8) === 0) {
      pdu = Buffer.concat([pdu, capsuleCmd(sqe(r, c === this.admin), 0, this.digests), r.int(2) === 0 ? r.bytes(1 + r.int(64)) : Buffer.alloc(0)]);
      this.counts.pdus++;
    }
    this.feed(c, pdu, r.int(2) === 0);
  }

  /** Runs until `count` PDUs went in, yielding to the event loop now and then (timers: lingering sockets, timed completions). */
  async run(count: number): Promise<FuzzCounts> {
    let k = 0;
    while (this.counts.pdus < count) {
      this.step();
      if (++k % 256 === 0) await new Promise((r) => setImmediate(r));
    }
    return this.counts;
  }
}
