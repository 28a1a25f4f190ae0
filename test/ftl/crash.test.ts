// Crash safety of the FTL: a child writes at random with periodic flushes on a file-backed
// device and is killed with SIGKILL at random points; after each kill the target is recovered
// (emeta of closed lines, OOB scan of open ones) and every LBA must hold the version of its
// last write acknowledged before a flush, or a version written after it. Kill points:
// OCSSD_FTL_CRASH_POINTS (default 30).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTarget, openTarget } from '../../src/ftl/index.js';
import { openMedia } from '../../src/media/index.js';
import { MediaChunkDevice } from './media-device.js';
import { CRASH_GEOMETRY, CRASH_PUS, blockVersion } from './crash-common.js';
import { tempDir } from '../media/helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'crash-child.js');
const POINTS = Number(process.env.OCSSD_FTL_CRASH_POINTS ?? 30);

function runAndKill(args: string[], delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code} ${signal}: ${err}`))));
  });
}

test(`FTL crash safety: SIGKILL at ${POINTS} random points loses no write acknowledged before a flush`, { timeout: 600_000 }, async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  {
    const media = openMedia({ kind: 'file', path }, { geometry: CRASH_GEOMETRY, endurance: 0 });
    const v = await createTarget(new MediaChunkDevice(media, { wsMin: 4, wsOpt: 8 }), { name: 'crash', ...CRASH_PUS, op: 25 });
    await v.close();
    media.close();
  }
  // Per LBA: the version that must at least be there, and every version written after it.
  const durable = new Map<number, number>();
  const later = new Map<number, Set<number>>();
  let sinceFlush: [number, number][] = [];
  let version = 0;
  let checked = 0;
  let flushes = 0;
  let maxMapped = 0;
  let retired = 0;
  for (let point = 0; point < POINTS; point++) {
    const logPath = join(dir, `w-${point}.log`);
    await runAndKill([path, logPath, String(7000 + point), String(version)], 40 + ((point * 7919) % 400));
    const lines = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n') : [];
    // Writes after the last flush of the previous run died with it (or survived): a flush of
    // this run does not cover them.
    sinceFlush = [];
    for (const l of lines) {
      if (l === 'F') {
        for (const [lba, v] of sinceFlush) {
          durable.set(lba, v);
          later.get(lba)?.clear();
        }
        sinceFlush = [];
        flushes++;
      } else if (l.startsWith('W ')) {
        const [, a, b] = l.split(' ');
        const lba = Number(a);
        const v = Number(b);
        version = Math.max(version, v);
        sinceFlush.push([lba, v]);
        let s = later.get(lba);
        if (!s) later.set(lba, (s = new Set()));
        s.add(v);
      }
    }
    const media = openMedia({ kind: 'file', path });
    const vol = await openTarget(new MediaChunkDevice(media, { wsMin: 4, wsOpt: 8 }), CRASH_PUS);
    const cap = vol.size / 4096;
    const buf = new Uint8Array(64 * 4096);
    for (let lba0 = 0; lba0 < cap; lba0 += 64) {
      const n = Math.min(64, cap - lba0);
      await vol.read(lba0 * 4096, buf.subarray(0, n * 4096));
      for (let i = 0; i < n; i++) {
        const lba = lba0 + i;
        const got = blockVersion(buf, i * 4096, lba);
        const want = durable.get(lba) ?? 0;
        const ok = got === want || (got > want && later.get(lba)?.has(got) === true);
        assert.ok(ok, `kill point ${point}: LBA ${lba} holds version ${got}, expected ${want} or a later write of it`);
        if (want > 0) checked++;
      }
    }
    maxMapped = Math.max(maxMapped, vol.ftl.mappedSectors());
    retired = vol.ftl.chunkBad.reduce((a, b) => a + b, 0);
    await vol.close();
    media.close();
  }
  t.diagnostic(`${POINTS} kill points, ${version} writes issued, ${flushes} flushes, ${checked} flushed LBA checks passed, up to ${maxMapped} LBAs mapped, ${retired} chunks retired by program failures`);
  assert.ok(flushes > POINTS, 'flushes completed between kills');
  assert.ok(checked > 0);
});
