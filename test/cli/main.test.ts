import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import { tempDir } from '../media/helpers.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/ocssd.js');

test('serve prints the device it would serve and creates its image once', async (t) => {
  const dir = tempDir(t);
  const lines: string[] = [];
  assert.equal(await run(['serve', '--data-dir', dir], (l) => lines.push(l)), 0);
  assert.ok(existsSync(join(dir, 'blknvme')) && existsSync(join(dir, 'blknvme.ocssd')));
  assert.match(lines.join('\n'), /1 channel x 16 LUNs x 2 planes x 3 blocks x 512 pages x 4 sectors of 4096 B/);
  assert.match(lines.join('\n'), /768 MiB reachable through PPAs, 96 erase blocks \(96 free/);
  assert.equal(await run(['serve', '--data-dir', dir], () => {}), 0, 'reopening the same image works');
});

test('the ocssd binary runs as a child process; unknown commands fail with a message', (t) => {
  const dir = tempDir(t);
  const out = execFileSync(process.execPath, [BIN, 'serve', '--data-dir', dir], { encoding: 'utf8' });
  assert.match(out, /device: OCSSD 1\.2/);
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
