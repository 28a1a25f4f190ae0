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
import { tempDir } from '../media/helpers.js';
import { RawClient } from './helpers.js';
import { CrashModel, rng } from './crash-workload.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'crash-child.js');
const POINTS = Number(process.env['OCSSD_NBD_CRASH_POINTS'] ?? 5);
const BLOCKS = 256;

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
  const model = new CrashModel(BLOCKS);
  const rnd = rng(20261201);
  for (let point = 0; point < POINTS; point++) {
    const { child, port } = await start(image);
    try {
      const c = await RawClient.connect(port);
      await c.handshake();
      await c.go('disk');
      await model.verify(c, `point ${point}`); // what the last kill left
      await model.writeUntilKilled(c, { rnd, killAfterMs: 100 + rnd(400), kill: () => child.kill('SIGKILL') });
    } finally {
      await kill(child);
    }
  }
  const m = model.totals;
  t.diagnostic(`${POINTS} kills, ${m.writes} writes, ${m.flushes} flushes acknowledged, ${m.verified} blocks verified`);
  assert.ok(m.flushes > POINTS, `flushes were acknowledged (${m.flushes})`);
});
