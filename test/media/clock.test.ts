import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WallClock } from '../../src/media/index.js';

// A namespace's media and a controller made later (one per NVMe/TCP association) compare times
// from their own WallClocks: they must share one timeline, or completions wait seconds.
test('WallClocks made at different times agree on the time', async () => {
  const early = new WallClock();
  await new Promise((r) => setTimeout(r, 30));
  const late = new WallClock();
  const a = early.now();
  const b = late.now();
  assert.ok(Math.abs(b - a) < 5e6, `clocks differ by ${(b - a) / 1e6} ms`);
  assert.ok(a >= 30e6, `a clock reads ${a} ns, not the time since the process started`);
});
