// The NBD crash tests' shared pieces: tagged blocks, the model of what each block may hold
// after a crash, the verify pass and the write-until-killed workload. Used by the plain-volume
// test (test/nbd/crash.test.ts) and the pblk-over-`ocssd serve` test
// (test/server/pblk-crash.test.ts).
//
// The model, per block: `durable` is the oldest generation it may hold (the last write
// acknowledged before an acknowledged FLUSH was sent, or what the last verify found), `sent`
// every generation written to it since, in order. A block must hold a whole tagged copy of one
// generation in `sent` that is >= `durable`: nothing older, nothing torn, nothing misplaced.
// Multi-block writes tag each block with the same generation; only each block is atomic.
import assert from 'node:assert/strict';
import { NbdCommand as Cmd, NbdCommandFlag } from '../../src/spec/index.js';
import { type RawClient, dv } from './helpers.js';

export const BS = 4096;
const FLUSH_COOKIE = 1n << 62n;
const READ_COOKIE = 1n << 61n;

/** A block tagged with (lba, gen); gen 0 is the never-written block (zeroes). */
export function block(lba: number, gen: number): Uint8Array {
  const b = new Uint8Array(BS);
  fillBlock(b, 0, lba, gen);
  return b;
}

function fillBlock(into: Uint8Array, at: number, lba: number, gen: number): void {
  if (gen === 0) return;
  const v = new DataView(into.buffer, into.byteOffset + at, BS);
  let x = (lba * 0x9e3779b1) ^ (gen * 0x85ebca77) ^ 0x27d4eb2f;
  for (let i = 0; i < BS; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    v.setUint32(i, x >>> 0);
  }
  v.setUint32(0, lba);
  v.setUint32(4, gen);
}

/** A seeded xorshift32: `rnd(n)` is in [0, n). */
export function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

export interface CrashTotals {
  points: number;
  /** Write commands acknowledged / blocks they carried. */
  writes: number;
  blocksWritten: number;
  /** FLUSH commands acknowledged. */
  flushes: number;
  /** Of the writes, those sent with NBD_CMD_FLAG_FUA. */
  fuaWrites: number;
  /** Blocks read back and checked after a restart. */
  verified: number;
  /** Blocks found holding a write newer than the durable one (landed after the last flush). */
  newer: number;
}

export class CrashModel {
  readonly sent: number[][];
  readonly durable: number[];
  private gen = 0;
  readonly totals: CrashTotals = { points: 0, writes: 0, blocksWritten: 0, flushes: 0, fuaWrites: 0, verified: 0, newer: 0 };

  constructor(readonly blocks: number) {
    this.sent = Array.from({ length: blocks }, () => [0]);
    this.durable = new Array<number>(blocks).fill(0);
  }

  nextGen(): number {
    return ++this.gen;
  }

  /**
   * Reads every block back (`batch` blocks per READ, one at a time) and checks it against the
   * model; what survived becomes the new floor (a later crash cannot bring back older data).
   */
  async verify(c: RawClient, where: string, batch = 32): Promise<void> {
    for (let first = 0; first < this.blocks; first += batch) {
      const n = Math.min(batch, this.blocks - first);
      c.sendRequest(Cmd.READ, 0, READ_COOKIE + BigInt(first), first * BS, n * BS);
      const r = await c.readSimple(n * BS, 10_000);
      assert.equal(r.error, 0, `${where}: READ of blocks ${first}-${first + n - 1} failed with NBD error ${r.error}`);
      for (let i = 0; i < n; i++) this.check(first + i, r.data!.subarray(i * BS, (i + 1) * BS), where);
    }
  }

  private check(lba: number, data: Uint8Array, where: string): void {
    const v = dv(data);
    const zero = data.every((b) => b === 0);
    const got = zero ? 0 : v.getUint32(4);
    const floor = this.durable[lba]!;
    const recent = this.sent[lba]!.slice(-6).join(',');
    assert.ok(zero || v.getUint32(0) === lba, `${where}: block ${lba} holds block ${v.getUint32(0)}'s data (gen ${got}); durable gen ${floor}, sent ${recent}`);
    assert.ok(
      this.sent[lba]!.some((g) => g === got && g >= floor),
      `${where}: block ${lba} holds gen ${got}${zero ? ' (zeroes)' : ''}; acknowledged before a flush: gen ${floor}, sent since: ${recent}`,
    );
    assert.deepEqual(data, block(lba, got), `${where}: block ${lba} gen ${got} is not whole`);
    if (got > floor) this.totals.newer++;
    this.durable[lba] = got;
    this.sent[lba] = [got];
    this.totals.verified++;
  }

  /**
   * Pipelined writes (`depth` in flight, never two on one block) of 1..`maxBlocks` blocks at
   * random (one in `fuaEvery` with FUA, if set), a FLUSH after every `flushEvery` acknowledged writes, until `kill` has been called
   * `killAfterMs` after the start (and `beforeKill` has settled); then the dropped connection ends it. Any failure before the
   * kill is a test failure.
   */
  async writeUntilKilled(c: RawClient, opts: { rnd: (n: number) => number; killAfterMs: number; kill: () => void; beforeKill?: () => Promise<void>; flushEvery?: number; depth?: number; maxBlocks?: number; multiEvery?: number; fuaEvery?: number }): Promise<void> {
    const { rnd, flushEvery = 16, depth = 16, maxBlocks = 1, multiEvery = 4, fuaEvery = 0 } = opts;
    const inFlight = new Map<bigint, { lba: number; n: number; gen: number; fua: boolean }>();
    const busy = new Uint8Array(this.blocks);
    /** Writes acknowledged since the last FLUSH was sent, and per pending FLUSH the writes it covers. */
    let acked: { lba: number; n: number; gen: number }[] = [];
    const flushCovers = new Map<bigint, { lba: number; n: number; gen: number }[]>();
    let nextFlush = 0n;
    let killed = false;
    // beforeKill (e.g. reading the server's counters) runs while the writes go on.
    const timer = setTimeout(() => {
      void (opts.beforeKill?.() ?? Promise.resolve())
        .catch(() => {})
        .then(() => {
          killed = true;
          opts.kill();
        });
    }, opts.killAfterMs);
    const send = (): void => {
      let lba = rnd(this.blocks);
      while (busy[lba] === 1) lba = (lba + 1) % this.blocks;
      let n = 1;
      if (maxBlocks > 1 && rnd(multiEvery) === 0) {
        const want = 2 + rnd(maxBlocks - 1);
        while (n < want && lba + n < this.blocks && busy[lba + n] === 0) n++;
      }
      const gen = this.nextGen();
      const data = new Uint8Array(n * BS);
      for (let i = 0; i < n; i++) {
        busy[lba + i] = 1;
        this.sent[lba + i]!.push(gen);
        fillBlock(data, i * BS, lba + i, gen);
      }
      const fua = fuaEvery > 0 && rnd(fuaEvery) === 0;
      inFlight.set(BigInt(gen), { lba, n, gen, fua });
      c.sendRequest(Cmd.WRITE, fua ? NbdCommandFlag.FUA : 0, BigInt(gen), lba * BS, n * BS, data);
    };
    for (let i = 0; i < depth; i++) send();
    try {
      for (let acks = 0; !killed; ) {
        const r = await c.readSimple(0, 10_000);
        assert.equal(r.error, 0, `NBD error ${r.error} for cookie ${r.cookie}`);
        if (r.cookie >= FLUSH_COOKIE) {
          for (const w of flushCovers.get(r.cookie)!) for (let i = 0; i < w.n; i++) this.durable[w.lba + i] = Math.max(this.durable[w.lba + i]!, w.gen);
          flushCovers.delete(r.cookie);
          this.totals.flushes++;
          continue;
        }
        const w = inFlight.get(r.cookie);
        assert.ok(w !== undefined, `reply for unknown cookie ${r.cookie}`);
        inFlight.delete(r.cookie);
        for (let i = 0; i < w.n; i++) busy[w.lba + i] = 0;
        this.totals.writes++;
        this.totals.blocksWritten += w.n;
        if (w.fua) {
          // A FUA write is durable once acknowledged, like a write and a FLUSH.
          for (let i = 0; i < w.n; i++) this.durable[w.lba + i] = Math.max(this.durable[w.lba + i]!, w.gen);
          this.totals.fuaWrites++;
        }
        acked.push(w);
        if (++acks % flushEvery === 0) {
          const cookie = FLUSH_COOKIE + nextFlush++;
          flushCovers.set(cookie, acked);
          acked = [];
          c.sendRequest(Cmd.FLUSH, 0, cookie, 0, 0);
        }
        send();
      }
    } catch (e) {
      if (!killed) throw e; // the connection drops when the server dies: expected only then
    } finally {
      clearTimeout(timer);
      c.close();
    }
  }
}
