// Smoke test: the NBD bench runs one fio case and one nbdcopy case against both exports (ours
// and nbdkit memory) on small exports and prints the table with a ratio. No timing asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOADS, runNbdBench } from '../../bench/nbd.bench.js';

test('the NBD bench measures our export and nbdkit memory and prints the ratio', { timeout: 180_000 }, async () => {
  const lines: string[] = [];
  const workloads = [WORKLOADS.find((w) => w.rw === 'randread' && w.qd === 32)!, WORKLOADS.find((w) => w.rw === 'in')!];
  const rows = await runNbdBench({ seconds: 0.3, sizeBytes: 16 << 20, workloads, mode: 'local', out: (l) => lines.push(l) });
  const text = lines.join('\n');
  assert.match(text, /^ocssd NBD bench: ocssd \(namespace, local\) vs nbdkit [\d.]+ memory, \d+ MiB exports/m);
  assert.match(text, /^  rand read 4 KiB +fio +32 +[\d.]+ +[\d,]+ +[\d.]+ +[\d,]+ +[\d.]+x$/m);
  assert.match(text, /^  copy in 1 MiB +nbdcopy +64 /m);
  assert.equal(rows.length, 2);
  for (const r of rows) assert.ok(r.ours.bytesPerSec > 0 && r.nbdkit.bytesPerSec > 0 && r.ours.iops > 0, `${r.workload.name}: ${JSON.stringify(r)}`);
});
