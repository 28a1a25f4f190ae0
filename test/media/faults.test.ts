import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultInjector, FaultKind } from '../../src/media/index.js';

const P = FaultKind.PROGRAM_FAIL;

test('idle injector reports nothing', () => {
  const f = new FaultInjector(4, 16);
  assert.ok(f.idle);
  assert.equal(f.check(P, 0, 0, 16), -1);
});

test('count: let `after` matching sectors pass, then fire `times` times (like lb_err_write)', () => {
  const f = new FaultInjector(4, 16);
  f.add({ kind: P, trigger: { mode: 'count', after: 5, times: 2 } });
  assert.equal(f.check(P, 0, 0, 4), -1); // sectors 1..4
  assert.equal(f.check(P, 1, 0, 4), 1); // 5th passes, 6th fails
  assert.equal(f.check(P, 2, 0, 4), 0); // second firing right away
  assert.equal(f.check(P, 2, 4, 4), -1);
  assert.ok(f.idle, 'retired after its last firing');
});

test('a sector rule sees only its sector; a chunk rule only its chunk; other kinds are ignored', () => {
  const f = new FaultInjector(4, 16);
  f.add({ kind: FaultKind.UNCORRECTABLE, chunk: 2, sector: 9, trigger: { mode: 'count', times: Infinity } });
  f.add({ kind: P, chunk: 1, trigger: { mode: 'count', times: Infinity } });
  assert.equal(f.check(FaultKind.UNCORRECTABLE, 2, 0, 8), -1);
  assert.equal(f.check(FaultKind.UNCORRECTABLE, 2, 8, 4), 1);
  assert.equal(f.check(FaultKind.UNCORRECTABLE, 3, 8, 4), -1);
  assert.equal(f.check(P, 0, 0, 16), -1);
  assert.equal(f.check(P, 1, 7, 3), 0);
  assert.equal(f.check(FaultKind.HIGH_ECC, 1, 0, 3), -1);
  const [unc] = f.list();
  assert.equal(unc!.fired, 1);
});

test('erase rules count erases, not sectors', () => {
  const f = new FaultInjector(4, 16);
  f.add({ kind: FaultKind.ERASE_FAIL, trigger: { mode: 'count', after: 2 } });
  assert.equal(f.check(FaultKind.ERASE_FAIL, 0, 0, 1), -1);
  assert.equal(f.check(FaultKind.ERASE_FAIL, 1, 0, 1), -1);
  assert.equal(f.check(FaultKind.ERASE_FAIL, 2, 0, 1), 0);
});

test('probability rules are reproducible from their seed', () => {
  const run = (seed: number) => {
    const f = new FaultInjector(64, 256);
    f.add({ kind: P, trigger: { mode: 'probability', probability: 0.05, seed } });
    const hits: number[] = [];
    for (let i = 0; i < 200; i++) hits.push(f.check(P, i % 64, 0, 16));
    return hits;
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
  const rate = run(7).filter((x) => x >= 0).length / 200;
  assert.ok(rate > 0.3 && rate < 0.8, `P(any of 16 fails) ~ 0.56, got ${rate}`);
  const never = new FaultInjector(4, 16);
  never.add({ kind: P, trigger: { mode: 'probability', probability: 0, seed: 1 } });
  for (let i = 0; i < 100; i++) assert.equal(never.check(P, 0, 0, 16), -1);
});

test('bad rules are refused naming the field and the allowed values', () => {
  const f = new FaultInjector(4, 16);
  assert.throws(() => f.add({ kind: 'melt' as FaultKind, trigger: { mode: 'count' } }), /fault kind 'melt': allowed program-fail, erase-fail, uncorrectable, high-ecc/);
  assert.throws(() => f.add({ kind: P, chunk: 4, trigger: { mode: 'count' } }), /fault chunk = 4: allowed 0\.\.3/);
  assert.throws(() => f.add({ kind: P, sector: 1, trigger: { mode: 'count' } }), /fault sector needs a chunk/);
  assert.throws(() => f.add({ kind: P, chunk: 0, sector: 16, trigger: { mode: 'count' } }), /fault sector = 16: allowed 0\.\.15/);
  assert.throws(() => f.add({ kind: P, trigger: { mode: 'count', times: 0 } }), /trigger\.times = 0/);
  assert.throws(() => f.add({ kind: P, trigger: { mode: 'probability', probability: 2, seed: 1 } }), /probability = 2: allowed 0\.\.1/);
  assert.ok(f.idle);
  const id = f.add({ kind: P, trigger: { mode: 'count' } });
  assert.ok(f.remove(id));
  assert.ok(!f.remove(id));
});
