// Smoke test: the controller bench runs every path end to end with tiny durations and prints
// the table and the limits. It asserts no timing (figures belong to the machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runControllerBench } from '../../bench/controller.bench.js';

test('the controller bench prints every path, op and queue depth, and the limits', { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const rows = await runControllerBench({ seconds: 0.05, out: (l) => lines.push(l) });
  const text = lines.join('\n');
  for (const path of ['media copy (baseline)', 'raw queues', 'host library, local', 'host library, worker']) {
    for (const op of ['read', 'write']) assert.match(text, new RegExp(`^  ${path.replace(/[()]/g, '\\$&')} +${op} `, 'm'), `${path} ${op}`);
  }
  assert.equal(rows.length, 2 + 3 * 2 * 2);
  for (const r of rows) assert.ok(r.iops > 0 && Number.isFinite(r.nsPerOp), `${r.path} ${r.op} QD${r.qd}: ${r.iops}`);
  assert.match(text, /^limits \(4 KiB read, QD 32\): best [\d,]+ IOPS, goal 1,000,000/m);
});
