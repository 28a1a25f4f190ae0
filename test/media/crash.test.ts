// Crash safety: a child programs and erases at random and is killed with SIGKILL at random
// points; after each kill the image is reopened and must hold every acknowledged operation
// whole (data, OOB, write pointer, state, wear, marks), and the one operation in flight either
// whole or not at all. Kill points: OCSSD_CRASH_POINTS (default 60).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChunkState, MediaStatus, openMedia } from '../../src/media/index.js';
import { type Ack, CRASH_GEOMETRY, type ChunkRec, type Intent, fillSector } from './crash-common.js';
import { tempDir } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'crash-child.js');
const POINTS = Number(process.env.OCSSD_CRASH_POINTS ?? 60);

function runAndKill(path: string, seed: number, logPath: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', CHILD, path, String(seed), logPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code} ${signal}: ${err}`))));
  });
}

const sameRec = (a: ChunkRec, b: ChunkRec) => a.state === b.state && a.wp === b.wp && a.eraseCount === b.eraseCount && a.mark === b.mark;

test(`crash safety: SIGKILL at ${POINTS} random points loses no acknowledged operation`, { timeout: 600_000 }, async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  openMedia({ kind: 'file', path }, { geometry: CRASH_GEOMETRY, endurance: 0 }).close();
  const g = { ...CRASH_GEOMETRY, spc: CRASH_GEOMETRY.pagesPerBlock * CRASH_GEOMETRY.sectorsPerPage, chunks: CRASH_GEOMETRY.groups * CRASH_GEOMETRY.pusPerGroup * CRASH_GEOMETRY.planes * CRASH_GEOMETRY.blocksPerPlane };

  // The model: what every chunk and sector must hold after the operations acknowledged so far.
  const model: ChunkRec[] = Array.from({ length: g.chunks }, () => ({ state: ChunkState.FREE, wp: 0, eraseCount: 0, mark: 0 }));
  const tags: number[][] = Array.from({ length: g.chunks }, () => new Array<number>(g.spc).fill(-1));
  let acked = 0;
  let inflightApplied = 0;
  let inflightDropped = 0;
  let sectorsChecked = 0;

  for (let point = 0; point < POINTS; point++) {
    const logPath = join(dir, `ops-${point}.log`);
    const seed = 1000 + point;
    await runAndKill(path, seed, logPath, 5 + ((point * 7919) % 60));

    const lines = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').filter((l) => l.endsWith('}')) : [];
    let pending: Intent | undefined;
    for (const l of lines) {
      const x = JSON.parse(l) as Intent | Ack;
      if ('op' in x) {
        assert.equal(pending, undefined, 'one operation at a time');
        pending = x;
        continue;
      }
      assert.equal(x.i, pending?.i);
      if (pending!.op === 'program') for (let k = 0; k < x.done; k++) tags[pending!.c]![pending!.s! + k] = pending!.tag!;
      model[pending!.c] = x.rec;
      pending = undefined;
      acked++;
    }

    const m = openMedia({ kind: 'file', path });
    try {
      if (pending !== undefined) {
        // The operation in flight at the kill: either not there at all, or whole.
        const c = pending.c;
        const dev = m.chunk(c);
        const before = model[c]!;
        if (sameRec(dev, before)) {
          inflightDropped++;
        } else {
          if (pending.op === 'program') {
            const s = pending.s!;
            assert.ok(dev.wp >= s && dev.wp <= s + pending.n!, `point ${point}: in-flight program left wp ${dev.wp} outside [${s}, ${s + pending.n!}]`);
            assert.equal(dev.eraseCount, before.eraseCount);
            for (let k = s; k < dev.wp; k++) tags[c]![k] = pending.tag!;
          } else {
            const retired = dev.state === ChunkState.OFFLINE;
            assert.ok(retired || (dev.wp === 0 && dev.state === ChunkState.FREE && dev.eraseCount === before.eraseCount + 1), `point ${point}: in-flight erase left ${JSON.stringify(dev)}`);
          }
          model[c] = { state: dev.state, wp: dev.wp, eraseCount: dev.eraseCount, mark: dev.mark };
          inflightApplied++;
        }
      }
      const data = new Uint8Array(g.sectorSize);
      const oob = new Uint8Array(g.oobSize);
      const wantData = new Uint8Array(g.sectorSize);
      const wantOob = new Uint8Array(g.oobSize);
      for (let c = 0; c < g.chunks; c++) {
        const dev = m.chunk(c);
        const want = model[c]!;
        assert.deepEqual({ state: dev.state, wp: dev.wp, eraseCount: dev.eraseCount, mark: dev.mark }, want, `point ${point}: chunk ${c}`);
        for (let s = 0; dev.state !== ChunkState.OFFLINE && s < dev.wp; s++) {
          const op = m.read(c, s, 1, data, 0, oob, 0);
          assert.equal(op.status, MediaStatus.OK, `point ${point}: chunk ${c} sector ${s}`);
          fillSector(wantData, 0, wantOob, 0, tags[c]![s]!, c, s);
          assert.ok(Buffer.from(data).equals(wantData) && Buffer.from(oob).equals(wantOob), `point ${point}: chunk ${c} sector ${s} holds the wrong data or OOB`);
          sectorsChecked++;
        }
        if (dev.state !== ChunkState.OFFLINE && dev.wp < g.spc) assert.equal(m.read(c, dev.wp, 1, data).status, MediaStatus.UNWRITTEN, `point ${point}: chunk ${c} past wp`);
      }
    } finally {
      m.close();
    }
    rmSync(logPath);
  }
  const summary = `crash: ${POINTS} kill points, ${acked} acknowledged operations verified, in-flight operation found whole ${inflightApplied} times and absent ${inflightDropped} times, ${sectorsChecked} sector reads checked`;
  t.diagnostic(summary);
  console.log(summary);
  assert.ok(acked > POINTS * 10, `the child made progress (${acked} acks)`);
});
