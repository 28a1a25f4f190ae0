import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { tempDir } from '../media/helpers.js';
import { BIN, startServe } from './serve-child.js';

test('serve runs as a child process until SIGTERM; status and lsblk talk to it', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const s = await startServe(['-device', `nvme,drive=${join(dir, 'c.img')},size=16M,namespaces=2,serial=cli`, '--data-dir', dir]);
  try {
    assert.match(s.stdout(), /nvme0: NVMe \(conventional\), subsystem nqn\.2026-11\.io\.ocssd:nvme0/);
    assert.match(s.stdout(), /nvme0n2 +8M/);
    const status = execFileSync(process.execPath, [BIN, 'status', '--server', s.server], { encoding: 'utf8' });
    assert.match(status, /^ocssd server pid \d+/);
    assert.match(status, /nvme0: nvme, nqn\.2026-11\.io\.ocssd:nvme0, namespaces nvme0n1 8M, nvme0n2 8M/);
    const json = JSON.parse(execFileSync(process.execPath, [BIN, 'status', '--server', s.server, '-o', 'json'], { encoding: 'utf8' }));
    assert.equal(json.devices[0].namespaces.length, 2);
    const lsblk = execFileSync(process.execPath, [BIN, 'lsblk', '--server', s.server], { encoding: 'utf8' }).trimEnd().split('\n');
    assert.equal(lsblk[0], 'NAME    MAJ:MIN RM SIZE RO TYPE MOUNTPOINT');
    assert.equal(lsblk[1], 'nvme0n1 259:0   0    8M 0  disk');
  } finally {
    assert.equal(await s.stop('SIGTERM'), 0);
  }
  assert.match(s.stdout(), /SIGTERM: stopping.*\n.*ocssd: stopped/);
  assert.ok(existsSync(join(dir, 'c.img')));
});

test('SIGINT stops serve cleanly too; a client with no server says how to start one', { timeout: 60_000 }, async (t) => {
  const s = await startServe(['-device', 'nvme,size=8M', '--data-dir', tempDir(t)]);
  assert.equal(await s.stop('SIGINT'), 0);
  const r = spawnSync(process.execPath, [BIN, 'lsblk', '--server', s.server], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot reach the ocssd server at 127\.0\.0\.1:\d+ .*start it with 'ocssd serve' or 'npm start'/);
});

test('serve refuses bad options with exit 2 and a message naming them', (t) => {
  const dir = tempDir(t);
  const bad = (args: string[], re: RegExp) => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--data-dir', dir, ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, re);
  };
  bad(['-device', 'nvme,mdts=99'], /^ocssd: option mdts=99: allowed an integer 0\.\.16\n$/);
  bad(['-device', 'nvme,bogus=1'], /unknown option 'bogus': allowed drive, size, serial/);
  bad(['--tcp-port', 'x'], /option --tcp-port=x: allowed an integer -1\.\.65535/);
  bad(['--config', join(dir, 'none.json')], /config .*none\.json: ENOENT/);
});

test('serve --help documents every device option', () => {
  const help = execFileSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' });
  for (const name of ['drive', 'serial', 'namespaces', 'mdts', 'nlbaf', 'lba_index']) assert.match(help, new RegExp(`^ {2}${name} `, 'm'));
  assert.match(help, /The tutorial's line: nvme,drive=blknvme,serial=deadbeef/);
});

test('the ocssd binary: unknown commands fail with a message; --version', () => {
  const bad = spawnSync(process.execPath, [BIN, 'bogus'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown command 'bogus'/);
  assert.match(execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }), /^\d+\.\d+\.\d+/);
});

test('probe attaches to a configured controller and prints what the host sees; bad options exit 2', async () => {
  const lines: string[] = [];
  assert.equal(await run(['probe', '--local', '--device', 'nvme,serial=abc,ns_sizes=4M:8M,size=16M,lba_index=0'], (l) => lines.push(l)), 0);
  const text = lines.join('\n');
  assert.match(text, /serial abc/);
  assert.match(text, /2 namespace\(s\)/);
  assert.match(text, /^ {2}2 {5}7\.\d+ MiB/m);
  const bad = spawnSync(process.execPath, [BIN, 'probe', '--device', 'nvme,mdts=99'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'ocssd: option mdts=99: allowed an integer 0..16\n');
});
