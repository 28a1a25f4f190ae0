// The seed tutorial's transcript, with ocssd in place of the guest kernel: lnvm create makes
// the 144M target, lsblk shows it beside the 1022M namespace, lnvm remove takes it away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { tempDir } from '../media/helpers.js';
import { BIN, startServe } from './serve-child.js';

test('lnvm create / lsblk / remove against the default device, as in the tutorial', { timeout: 120_000 }, async (t) => {
  const s = await startServe(['--data-dir', tempDir(t)]);
  const ocssd = (...args: string[]) => execFileSync(process.execPath, [BIN, ...args, '--server', s.server], { encoding: 'utf8' });
  try {
    assert.equal(ocssd('lnvm', 'create', '-d', 'nvme0n1', '-n', 'mydevice', '-t', 'pblk', '-b', '0', '-e', '3'), '', 'silent on success, as nvme-cli');
    assert.deepEqual(ocssd('lsblk').trimEnd().split('\n'), ['NAME     MAJ:MIN RM  SIZE RO TYPE MOUNTPOINT', 'mydevice 259:1   0   144M 0  disk', 'nvme0n1  259:0   0  1022M 0  disk']);
    const json = JSON.parse(ocssd('lnvm', 'create', '-d', 'nvme0n1', '-n', 'second', '-t', 'pblk', '-b', '4', '-e', '7', '-o', 'json'));
    assert.equal(json.bytes, 144 * 2 ** 20);
    const bad = spawnSync(process.execPath, [BIN, 'lnvm', 'create', '-d', 'nvme0n1', '-n', 'third', '-t', 'pblk', '-b', '6', '-e', '9', '--server', s.server], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, 'ocssd: LUNs 6-9 of nvme0n1 overlap target second (LUNs 4-7)\n');
    assert.equal(ocssd('lnvm', 'remove', '-n', 'second'), '');
    assert.deepEqual(JSON.parse(ocssd('lsblk', '-o', 'json')).blockdevices.map((d: { name: string }) => d.name), ['nvme0n1', 'mydevice']);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});
