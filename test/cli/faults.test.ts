// `ocssd fault` and `ocssd chunk-log` against a served OCSSD 2.0 device (child process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { formatFaults } from '../../src/cli/faults.js';
import { tempDir } from '../media/helpers.js';
import { BIN, startServe } from './serve-child.js';

test('fault add / list / rm and chunk-log through the CLI', { timeout: 60_000 }, async (t) => {
  const s = await startServe(['-device', 'nvme,lver=2,num_grp=1,num_pu=2,num_chk=2,clba=16,ws_min=4,ws_opt=4,mw_cunits=0', '--data-dir', tempDir(t)]);
  const ocssd = (...a: string[]) => execFileSync(process.execPath, [BIN, ...a, '--server', s.server], { encoding: 'utf8' });
  try {
    assert.equal(ocssd('fault', 'add', '-d', 'nvme0n1', '-k', 'erase-fail', '-c', '0:1:1', '--times', '0'), 'fault rule 1 armed\n');
    assert.equal(ocssd('fault', 'list', '-d', 'nvme0n1'), '   1  erase-fail      chunk 0:1:1, after 0, always; seen 0, fired 0\n');
    const log = ocssd('chunk-log', '-d', 'nvme0n1').trimEnd().split('\n');
    assert.equal(log.length, 5);
    assert.equal(log[4], '    3    0    1     1  FREE     SEQ     0  0');
    assert.equal(ocssd('fault', 'rm', '-d', 'nvme0n1', '--all'), '');
    assert.equal(ocssd('fault', 'list', '-d', 'nvme0n1'), 'no fault rules armed\n');
    const bad = spawnSync(process.execPath, [BIN, 'fault', 'add', '-d', 'nvme0n1', '-k', 'high-ecc', '-c', '0:9:0', '--server', s.server], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^ocssd: .*pu/);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('fault rules print their trigger in words', () => {
  assert.deepEqual(formatFaults([{ id: 2, kind: 'high-ecc', trigger: { mode: 'probability', probability: 0.25, seed: 9 }, seen: 10, fired: 3 }]), ['   2  high-ecc        every chunk, probability 0.25 (seed 9); seen 10, fired 3']);
});
