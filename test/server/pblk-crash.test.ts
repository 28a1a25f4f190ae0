// Issue 7: a pblk target of `ocssd serve`, written over NBD, survives SIGKILL of the server.
// `ocssd serve` runs as a child on a small file-backed OCSSD 2.0 device; a pblk target is
// created through the control API; a raw NBD client writes tagged blocks at random (pipelined,
// 1 to 8 blocks each, never two in flight on one block) with a FLUSH every few writes; the
// server is SIGKILLed at a random moment and restarted (the target comes back from
// targets.json and the FTL recovers it from the device), and every block of the model must hold
// the last write acknowledged before an acknowledged FLUSH or a later write to it.
// Kill points: OCSSD_PBLK_CRASH_POINTS (default 5; `npm run test:crash` runs 30).
// Seed: OCSSD_PBLK_CRASH_SEED (printed in the totals, so a failing run can be replayed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../media/helpers.js';
import { RawClient } from '../nbd/helpers.js';
import { BS, CrashModel, rng } from '../nbd/crash-workload.js';
import { type ServeChild, startServe } from '../cli/serve-child.js';

const POINTS = Number(process.env['OCSSD_PBLK_CRASH_POINTS'] ?? 5);
const SEED = Number(process.env['OCSSD_PBLK_CRASH_SEED'] ?? 7_2026_12);
const TARGET = 'pblk0';
/**
 * 4 PUs x 10 chunks x 256 sectors of 4 KiB = 40 MiB raw: a target of a few MiB per line, so a
 * 30-point run writes the model's span several times over and garbage collection runs.
 */
const DEVICE = (dir: string): string => `nvme,drive=${join(dir, 'ocssd.img')},lver=2,num_grp=1,num_pu=4,num_chk=10,clba=256,serial=pblkcrash`;
/** Blocks the model covers (must fit in the target). */
const BLOCKS = 4096;

interface TargetStats {
  bytes: number;
  freeLines: number;
  stats: { userSectors: number; gcSectors: number; padSectors: number; gcLines: number; lostSectors: number };
}

async function api(s: ServeChild, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`http://${s.server}/api/v1${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: r.status, json: await r.json() };
}

function nbdPort(s: ServeChild): number {
  const m = /NBD: [\d.]+:(\d+),/.exec(s.stdout());
  assert.ok(m !== null, `no NBD line in the serve output:\n${s.stdout()}`);
  return Number(m[1]);
}

test(`pblk over NBD: SIGKILL of ocssd serve at ${POINTS} random points loses no write acknowledged before a FLUSH`, { timeout: 60_000 + POINTS * 20_000 }, async (t) => {
  const dir = tempDir(t);
  const args = ['--data-dir', dir, '--tcp-port', '-1', '--discovery-port', '-1', '--device', DEVICE(dir)];
  const model = new CrashModel(BLOCKS);
  const rnd = rng(SEED);
  let gcLines = 0;
  let padSectors = 0;
  let userSectors = 0;

  const first = await startServe(args);
  try {
    const created = await api(first, 'POST', '/targets', { device: 'nvme0n1', name: TARGET, type: 'pblk' });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.ok((created.json as TargetStats).bytes >= BLOCKS * BS, `target of ${(created.json as TargetStats).bytes} bytes holds the model's ${BLOCKS} blocks`);
  } catch (e) {
    await first.stop('SIGKILL');
    throw e;
  }
  let s: ServeChild | undefined = first;
  try {
    for (let point = 0; point <= POINTS; point++) {
      s ??= await startServe(args);
      const c = await RawClient.connect(nbdPort(s));
      await c.handshake();
      const go = await c.go(TARGET);
      assert.equal(go.at(-1)!.type, 1, `NBD_OPT_GO ${TARGET} after restart ${point}: reply type ${go.at(-1)!.type}\n${s.stderr()}`);
      await model.verify(c, `seed ${SEED} point ${point}`); // what the last kill left
      if (point === POINTS) {
        c.close();
        break;
      }
      const live: ServeChild = s;
      await model.writeUntilKilled(c, {
        rnd,
        killAfterMs: 200 + rnd(1300),
        maxBlocks: 8,
        beforeKill: async () => {
          const st = (await api(live, 'GET', `/targets/${TARGET}`)).json as TargetStats;
          gcLines += st.stats.gcLines;
          padSectors += st.stats.padSectors;
          userSectors += st.stats.userSectors;
        },
        kill: () => live.child.kill('SIGKILL'),
      });
      await live.stop('SIGKILL');
      model.totals.points++;
      s = undefined;
    }
  } finally {
    await s?.stop('SIGKILL');
  }
  const m = model.totals;
  t.diagnostic(
    `seed ${SEED}: ${m.points} kill points, ${m.writes} writes acknowledged (${m.blocksWritten} blocks), ${m.flushes} flushes acknowledged, ` +
      `${m.verified} blocks verified (${m.newer} held a write newer than the last flush); FTL before the kills: ${userSectors} user sectors, ${padSectors} pad sectors, ${gcLines} lines collected`,
  );
  assert.equal(m.points, POINTS);
  assert.ok(m.flushes >= POINTS, `flushes were acknowledged (${m.flushes})`);
});
