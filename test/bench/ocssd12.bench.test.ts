// Smoke test: the OCSSD 1.2 bench runs every command and queue depth with tiny durations (every
// command it times must succeed, or it throws). It asserts no timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOcssd12Bench } from '../../bench/ocssd12.bench.js';

test('the OCSSD 1.2 bench prints the baseline and every vector command at QD 1 and 32', { timeout: 60_000 }, () => {
  const lines: string[] = [];
  const rows = runOcssd12Bench(0.05, (l) => lines.push(l));
  const text = lines.join('\n');
  for (const op of ['media copy 32 KiB', '0x91 write, 8 PPAs', '0x92 read, 8 PPAs', '0x90 erase, dual plane']) assert.match(text, new RegExp(`^  ${op}`, 'm'), op);
  assert.equal(rows.length, 1 + 3 * 2);
  for (const r of rows) assert.ok(r.commandsPerSec > 0 && Number.isFinite(r.nsPerCommand), `${r.op} QD${r.qd}: ${r.commandsPerSec}`);
});
