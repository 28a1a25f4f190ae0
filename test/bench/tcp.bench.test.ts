// Smoke test: the NVMe/TCP bench runs every case over loopback with tiny durations and prints
// the table and the 128 KiB ratios. It asserts no timing (figures belong to the machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTcpBench, TCP_CASES } from '../../bench/tcp.bench.js';

test('the NVMe/TCP bench prints every case beside the raw socket, with ratios', { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const rows = await runTcpBench({ seconds: 0.05, out: (l) => lines.push(l) });
  const text = lines.join('\n');
  assert.equal(rows.length, TCP_CASES.length);
  for (const r of rows) assert.ok(r.ours > 0 && r.raw > 0, `${r.c.name} QD${r.c.qd}`);
  assert.match(text, /^ {2}4 KiB random read +1 /m);
  assert.match(text, /^ {2}4 KiB random read +32 /m);
  assert.match(text, /^goal: >= 0\.80x of raw for 128 KiB; measured read [\d.]+x, write [\d.]+x/m);
});
