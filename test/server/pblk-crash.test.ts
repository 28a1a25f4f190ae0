// Issue 7: a pblk target of `ocssd serve`, written over NBD, survives SIGKILL of the server.
// `ocssd serve` runs as a child on a small file-backed Open-Channel device (one test on OCSSD
// 2.0, one on 1.2); a pblk target is created through the control API; a raw NBD client writes
// tagged blocks at random (pipelined, 1 to 8 blocks each, never two in flight on one block, some
// with FUA) with a FLUSH every 16 or 64 writes; the server is SIGKILLed at a random moment and
// restarted (the target comes back from targets.json and the FTL recovers it from the device),
// and every block of the model must hold the last write acknowledged before an acknowledged
// FLUSH (or with FUA), or a later write to it (see test/nbd/crash-workload.ts). Every third
// restart is itself SIGKILLed at a random moment of its start-up (recovery), before the restart
// that is checked. docs/crash-testing.md has the whole picture.
// Kill points per test: OCSSD_PBLK_CRASH_POINTS (default 4; `npm run test:crash` runs 30).
// Seed: OCSSD_PBLK_CRASH_SEED (printed in the totals, so a failing run can be replayed).
// Span: OCSSD_PBLK_CRASH_SPAN, percent of the target the writes cover (default 100).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../media/helpers.js';
import { RawClient } from '../nbd/helpers.js';
import { BS, CrashModel, rng } from '../nbd/crash-workload.js';
import { BIN, type ServeChild, startServe } from '../cli/serve-child.js';

const POINTS = Number(process.env['OCSSD_PBLK_CRASH_POINTS'] ?? 4);
const SEED = Number(process.env['OCSSD_PBLK_CRASH_SEED'] ?? 7_2026_12);
const TARGET = 'pblk0';
/**
 * Small devices (40-48 MiB raw, lines of a few MiB), so a 30-point run writes the model's span
 * several times over and garbage collection runs.
 */
const DEVICES = {
  // 4 PUs x 10 chunks x 256 sectors of 4 KiB.
  'OCSSD 2.0': (dir: string): string => `nvme,drive=${join(dir, 'ocssd.img')},lver=2,num_grp=1,num_pu=4,num_chk=10,clba=256,serial=pblkcrash20`,
  // 4 LUNs x 2 planes x 16 pages of 4 sectors of 4 KiB per block (24 lines: enough for GC under overwrites).
  'OCSSD 1.2': (dir: string): string => `nvme,drive=${join(dir, 'ocssd.img')},size=48M,lver=1,lnum_lun=4,lnum_pln=2,lsecs_per_pg=4,lpgs_per_blk=16,serial=pblkcrash12`,
} as const;
/**
 * Over-provisioning per device. The 2.0 device has 10 lines of 1008 sectors and mw_cunits 24: at
 * the default 11 % its spare is 1.37 lines, and the room the FTL keeps for GC (the emptiest
 * victim plus two recoveries' padding, docs/ftl.md) leaves user writes little beyond that, so
 * after a crash GC moved 8 lines for 98 user sectors. 20 % makes the spare 2.1 lines.
 */
const OP: Record<string, number | undefined> = { 'OCSSD 2.0': 20 };
/**
 * Percent of the target's blocks the model covers (from block 0): by default all of them, so
 * the target runs full and GC works under pressure; OCSSD_PBLK_CRASH_SPAN lowers it.
 */
const SPAN = Number(process.env['OCSSD_PBLK_CRASH_SPAN'] ?? 100);

interface TargetStats {
  bytes: number;
  freeLines: number;
  stats: { userSectors: number; gcSectors: number; padSectors: number; gcLines: number; lostSectors: number };
}

async function api(s: ServeChild, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`http://${s.server}/api/v1${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: r.status, json: await r.json() };
}

function tail(text: string, lines = 20): string {
  return `ocssd serve stderr (last ${lines} lines):\n${text.split('\n').slice(-lines - 1).join('\n')}`;
}

/** Adds the server's last log lines to `e`, after a moment: the log line of an NBD error reply comes through a pipe, after the reply. */
async function withServerLog(e: Error, s: ServeChild): Promise<Error> {
  await new Promise((r) => setTimeout(r, 300));
  e.message += `\n${tail(s.stderr())}`;
  return e;
}

function nbdPort(s: ServeChild): number {
  const m = /NBD: [\d.]+:(\d+),/.exec(s.stdout());
  assert.ok(m !== null, `no NBD line in the serve output:\n${s.stdout()}`);
  return Number(m[1]);
}

/** Starts `ocssd serve` and SIGKILLs it `delayMs` later, ready or not (start-up and recovery crash). */
function killDuringStart(args: readonly string[], delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'serve', '--control-port', '0', '--nbd-port', '0', ...args], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  return new Promise((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // Exiting by itself (an error at start-up) is a failure; only the kill may end it.
      if (signal === 'SIGKILL') ok();
      else fail(new Error(`ocssd serve exited with ${code} during start-up before the kill`));
    });
  });
}

for (const [kind, device] of Object.entries(DEVICES)) {
  test(`pblk on ${kind} over NBD: SIGKILL of ocssd serve at ${POINTS} random points loses no write acknowledged before a FLUSH`, { timeout: 60_000 + POINTS * 20_000 }, async (t) => {
    await crashRun(t, kind, device);
  });
}

async function crashRun(t: { diagnostic(m: string): void; after(fn: () => void): void }, kind: string, device: (dir: string) => string): Promise<void> {
  const dir = tempDir(t);
  try {
    await crashPoints(t, kind, device, dir);
  } catch (e) {
    // Keep the image and targets.json of a failed run: `ocssd serve --data-dir <copy>` on the same
    // --device line reopens the state the failure left.
    const keep = join(tmpdir(), `ocssd-pblk-crash-${kind.replace(/\W+/g, '')}-seed${SEED}`);
    cpSync(dir, keep, { recursive: true });
    if (e instanceof Error) e.message += `\nthe data dir is kept in ${keep}: ocssd serve --data-dir ${keep} --device '${device(keep)}'`;
    throw e;
  }
}

async function crashPoints(t: { diagnostic(m: string): void }, kind: string, device: (dir: string) => string, dir: string): Promise<void> {
  const args = ['--data-dir', dir, '--tcp-port', '-1', '--discovery-port', '-1', '--device', device(dir)];
  const rnd = rng(SEED);
  let startKills = 0;
  /** How long the last start took (spawn to control API line): start-up kills land within it. */
  let startMs = 1500;
  let lastStats: TargetStats | undefined;
  let gcLines = 0;
  let padSectors = 0;
  let userSectors = 0;

  const first = await startServe(args);
  let model: CrashModel;
  try {
    const created = await api(first, 'POST', '/targets', { device: 'nvme0n1', name: TARGET, type: 'pblk', ...(OP[kind] ? { op: OP[kind] } : {}) });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const bytes = (created.json as TargetStats).bytes;
    assert.ok(bytes >= 1024 * BS && bytes % BS === 0, `target of ${bytes} bytes`);
    assert.ok(SPAN > 0 && SPAN <= 100, `OCSSD_PBLK_CRASH_SPAN=${SPAN}: allowed 1-100 (percent of the target)`);
    model = new CrashModel(Math.floor(((bytes / BS) * SPAN) / 100));
  } catch (e) {
    await first.stop('SIGKILL');
    throw e;
  }
  let s: ServeChild | undefined = first;
  try {
    for (let point = 0; point <= POINTS; point++) {
      if (s === undefined && point % 3 === 2) {
        await killDuringStart(args, rnd(startMs));
        startKills++;
      }
      if (s === undefined) {
        const t0 = Date.now();
        s = await startServe(args);
        startMs = Date.now() - t0;
      }
      const c = await RawClient.connect(nbdPort(s));
      await c.handshake();
      const go = await c.go(TARGET);
      assert.equal(go.at(-1)!.type, 1, `NBD_OPT_GO ${TARGET} after restart ${point}: reply type ${go.at(-1)!.type}\n${s.stderr()}`);
      const server = s;
      await model.verify(c, `${kind} seed ${SEED}, after kill ${point}`).catch(async (e: Error) => {
        throw await withServerLog(e, server);
      }); // what the last kill left (kill 0: the new target)
      if (point === POINTS) {
        c.close();
        break;
      }
      const live: ServeChild = s;
      const before = { ...model.totals };
      lastStats = undefined;
      await model.writeUntilKilled(c, {
        rnd,
        killAfterMs: 200 + rnd(1300),
        maxBlocks: 8,
        // Alternate points lean on FLUSH (one every 16 writes, few FUA) and on FUA (one write in
        // 3, a FLUSH every 64), so both paths to durability meet a kill.
        flushEvery: point % 2 === 0 ? 16 : 64,
        fuaEvery: point % 2 === 0 ? 32 : 3,
        beforeKill: async () => {
          const st = (await api(live, 'GET', `/targets/${TARGET}`)).json as TargetStats;
          lastStats = st;
          gcLines += st.stats.gcLines;
          padSectors += st.stats.padSectors;
          userSectors += st.stats.userSectors;
        },
        kill: () => live.child.kill('SIGKILL'),
      }).catch(async (e: Error) => {
        throw await withServerLog(e, live);
      });
      await live.stop('SIGKILL');
      // A server that stalled would drop the connection at the kill like a busy one: each
      // point must have made progress.
      assert.ok(model.totals.flushes > before.flushes && model.totals.writes > before.writes, `${kind} point ${point}: writes and flushes were acknowledged before the kill (${model.totals.writes - before.writes} writes, ${model.totals.flushes - before.flushes} flushes); target before the kill: ${JSON.stringify(lastStats)}\n${tail(live.stderr())}`);
      model.totals.points++;
      s = undefined;
    }
  } finally {
    await s?.stop('SIGKILL');
  }
  const m = model.totals;
  t.diagnostic(
    `${kind}, seed ${SEED}, span ${SPAN}%: ${m.points} kill points while writing + ${startKills} during start-up, ${m.writes} writes acknowledged (${m.blocksWritten} blocks, ${m.fuaWrites} writes FUA), ${m.flushes} flushes acknowledged, ` +
      `${m.verified} blocks verified of ${model.blocks} (${m.newer} held a write newer than the last flush); FTL before the kills: ${userSectors} user sectors, ${padSectors} pad sectors, ${gcLines} lines collected`,
  );
  assert.equal(m.points, POINTS);
  assert.ok(m.flushes >= POINTS, `flushes were acknowledged (${m.flushes})`);
}
