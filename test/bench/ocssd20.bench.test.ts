// Smoke test: the OCSSD 2.0 bench runs every vector command and queue depth with tiny durations
// (every command it times must succeed, or it throws, chunk wraps and resets included). It
// asserts no timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOcssd20Bench } from '../../bench/ocssd20.bench.js';

test('the OCSSD 2.0 bench prints vector write and read at QD 1 and 16', { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const rows = await runOcssd20Bench(0.05, (l) => lines.push(l));
  const text = lines.join('\n');
  for (const op of ['vector write 8 x 4 KiB', 'vector write 64 x 4 KiB', 'vector read 8 random', 'vector read 64 random']) assert.match(text, new RegExp(`^  ${op}`, 'm'), op);
  assert.equal(rows.length, 8);
  for (const r of rows) assert.ok(r.commands > 0 && r.mibPerSecond > 0, `${r.op} QD${r.qd}: ${r.commands}`);
});
