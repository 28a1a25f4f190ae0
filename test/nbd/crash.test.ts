// Durability through NBD across SIGKILL: a raw client writes tagged 4 KiB blocks at random
// (pipelined, never two in flight on one block) with a FLUSH every few writes, into a child
// serving a file-backed namespace with a volatile write cache; the child is killed at a random
// moment, restarted, and every block must hold the last write acknowledged before an
// acknowledged FLUSH, or a later write to it (nothing older, nothing torn, nothing misplaced).
// Kill points: OCSSD_NBD_CRASH_POINTS (default 5). The volume: a conventional namespace, or
// OCSSD_NBD_CRASH_VOLUME=<module-url>#<export> for another one (see crash-child.ts), so an FTL
// target runs the same test. The volume must hold at least 256 4 KiB blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NbdCommand as Cmd } from '../../src/spec/index.js';
import { tempDir } from '../media/helpers.js';
import { RawClient, dv } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'crash-child.js');
const POINTS = Number(process.env['OCSSD_NBD_CRASH_POINTS'] ?? 5);
const BLOCKS = 256;
const BS = 4096;
const FLUSH_COOKIE = 1n << 62n;

/** A block tagged with (lba, gen); gen 0 is the never-written block (zeroes). */
function block(lba: number, gen: number): Uint8Array {
  const b = new Uint8Array(BS);
  if (gen === 0) return b;
  const v = dv(b);
  let x = (lba * 0x9e3779b1) ^ (gen * 0x85ebca77) ^ 0x27d4eb2f;
  for (let i = 0; i < BS; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    v.setUint32(i, x >>> 0);
  }
  v.setUint32(0, lba);
  v.setUint32(4, gen);
  return b;
}

async function start(image: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--enable-source-maps', CHILD, image, process.env['OCSSD_NBD_CRASH_VOLUME'] ?? ''], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`child did not start in 20 s: ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)\n/.exec(out);
      if (m !== null) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
  return { child, port };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test(`NBD durability: SIGKILL at ${POINTS} random points loses no write acknowledged before a FLUSH`, { timeout: 300_000 }, async (t) => {
  const image = join(tempDir(t), 'img');
  /** Generations sent per block, in order; and the oldest generation each block may still hold. */
  const sent: number[][] = Array.from({ length: BLOCKS }, () => [0]);
  const durable = new Array<number>(BLOCKS).fill(0);
  let gen = 0;
  let x = 20261201;
  const rnd = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  let flushes = 0;
  let checked = 0;

  for (let point = 0; point < POINTS; point++) {
    const { child, port } = await start(image);
    try {
      const c = await RawClient.connect(port);
      await c.handshake();
      await c.go('disk');

      // Verify what the last kill left.
      for (let lba = 0; lba < BLOCKS; lba++) {
        c.sendRequest(Cmd.READ, 0, BigInt(lba), lba * BS, BS);
        const r = await c.readSimple(BS);
        assert.equal(r.error, 0);
        const v = dv(r.data!);
        const got = r.data!.every((b) => b === 0) ? 0 : v.getUint32(4);
        assert.ok(got === 0 || v.getUint32(0) === lba, `block ${lba} holds block ${v.getUint32(0)}'s data`);
        const ok = sent[lba]!.filter((g) => g >= durable[lba]!);
        assert.ok(ok.includes(got), `point ${point}: block ${lba} holds gen ${got}; durable ${durable[lba]}, sent ${sent[lba]!.slice(-4).join(',')}`);
        assert.deepEqual(r.data, block(lba, got), `block ${lba} gen ${got} is whole`);
        // What survived is now the floor (a later crash cannot bring back older data).
        durable[lba] = got;
        sent[lba] = [got];
        checked++;
      }

      // Write until killed: pipelined writes, never two in flight on one block, a FLUSH every 16.
      const inFlight = new Map<bigint, { lba: number; gen: number }>();
      const busy = new Set<number>();
      /** Writes acknowledged since the last FLUSH was sent, and per pending FLUSH the writes it covers. */
      let ackedSinceFlush: { lba: number; gen: number }[] = [];
      const flushCovers = new Map<bigint, { lba: number; gen: number }[]>();
      let killed = false;
      const killAt = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, 100 + rnd(400));
      let nextFlush = 0n;
      const send = (): void => {
        let lba = rnd(BLOCKS);
        while (busy.has(lba)) lba = (lba + 1) % BLOCKS;
        const g = ++gen;
        busy.add(lba);
        sent[lba]!.push(g);
        inFlight.set(BigInt(g), { lba, gen: g });
        c.sendRequest(Cmd.WRITE, 0, BigInt(g), lba * BS, BS, block(lba, g));
      };
      for (let i = 0; i < 16; i++) send();
      try {
        for (let n = 0; !killed; n++) {
          const r = await c.readSimple(0, 5000);
          assert.equal(r.error, 0);
          if (r.cookie >= FLUSH_COOKIE) {
            for (const w of flushCovers.get(r.cookie)!) durable[w.lba] = Math.max(durable[w.lba]!, w.gen);
            flushCovers.delete(r.cookie);
            flushes++;
            continue;
          }
          const w = inFlight.get(r.cookie)!;
          inFlight.delete(r.cookie);
          busy.delete(w.lba);
          ackedSinceFlush.push(w);
          if (n % 16 === 15) {
            const cookie = FLUSH_COOKIE + nextFlush++;
            flushCovers.set(cookie, ackedSinceFlush);
            ackedSinceFlush = [];
            c.sendRequest(Cmd.FLUSH, 0, cookie, 0, 0);
          }
          send();
        }
      } catch (e) {
        if (!killed) throw e; // the connection drops when the child dies: expected only then
      } finally {
        clearTimeout(killAt);
        c.close();
      }
    } finally {
      await kill(child);
    }
  }
  t.diagnostic(`${POINTS} kills, ${gen} writes, ${flushes} flushes acknowledged, ${checked} blocks verified`);
  assert.ok(flushes > POINTS, `flushes were acknowledged (${flushes})`);
});
