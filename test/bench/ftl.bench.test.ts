// Smoke test: the FTL bench runs end to end on a tiny device and prints every row; WA values are
// sane (at least 1, finite). It asserts no timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFtlBench } from '../../bench/ftl.bench.js';

test('the FTL bench prints WA for both workloads and policies beside the model', async () => {
  const lines: string[] = [];
  const rows = await runFtlBench({ device: 'nvme,lver=2,num_grp=1,num_pu=4,num_chk=32,clba=64,ws_min=4,ws_opt=8,mw_cunits=0,ms=16', passes: 1, out: (l) => lines.push(l) });
  const text = lines.join('\n');
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.ok(r.waAll >= 1 && Number.isFinite(r.waAll), `${r.workload} ${r.policy}: WA ${r.waAll}`);
    assert.ok(r.model > 1 && r.modelReserve >= r.model);
  }
  for (const w of ['uniform random 4 KiB', 'hot/cold 80/20']) for (const p of ['greedy', 'cost-benefit']) assert.match(text, new RegExp(`${w.replace('/', '\\/')} +${p} +\\d+ +[\\d.]+`));
});
