// `ocssd lnvm ...` against `ocssd serve` running as a child process: list, info, id-ns and the
// bad block table commands, in nvme-cli's output and as JSON, and the server's errors as exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../media/helpers.js';
import { BIN, startServe } from './serve-child.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ocssd <args>` (asynchronously: the server is a child of this process too). */
function ocssd(args: readonly string[], timeoutMs = 20_000): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((ok) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    }),
  );
}

const LINE = (dir: string) => `nvme,drive=${join(dir, 'img')},size=64M,lver=1,lnum_lun=4,lnum_pln=2,lsecs_per_pg=4,lpgs_per_blk=64,serial=t`;

test('ocssd lnvm list, info, id-ns, diag-set-bbtbl and diag-bbtbl against ocssd serve', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t);
  const line20 = `nvme,drive=${join(dir, 'o2.img')},lver=2,num_grp=1,num_pu=2,num_chk=4,clba=64,serial=oc20`;
  const serve = await startServe(['--data-dir', dir, '--device', LINE(dir), '--device', 'nvme,size=8M,serial=B', '--device', line20]);
  try {
    const lnvm = (...args: string[]) => ocssd(['lnvm', ...args, '--server', serve.server]);
    const list = await lnvm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, 'Number of devices: 2\nDevice      \tBlock manager\tVersion\nnvme0n1     \tgennvm      \t(1,0,0)\nnvme2n1     \tgennvm      \t(1,0,0)\n');
    const info = await lnvm('info');
    assert.equal(info.stdout, 'LightNVM (1,0,0). 1 target type(s) registered.\nType\tVersion\npblk\t(1,0,0)\n');

    const id = await lnvm('id-ns', '-d', 'nvme0n1');
    assert.equal(id.code, 0, id.stderr);
    const lines = id.stdout.split('\n');
    assert.equal(lines[0], 'LightNVM Identity (OCSSD 1.2)');
    assert.ok(lines.includes('verid    : 0x1'));
    assert.ok(lines.includes(' lun offs: 12 lun bits : 2'));
    assert.ok(lines.includes(' luns    : 4'));
    assert.ok(lines.includes(' blks    : 7'));
    assert.ok(lines.includes(' mpos    : 0x20202'));
    // nvme-cli's spelling: the device as the argument, /dev/ and all; -H explains the bits.
    const positional = await lnvm('id-ns', '/dev/nvme0n1');
    assert.equal(positional.stdout, id.stdout);
    const human = await lnvm('id-ns', 'nvme0n1', '-H');
    assert.match(human.stdout, /\ncap      : 0x3\n {11}\[0\]: Bad block table management\n/);
    const twice = await lnvm('diag-bbtbl', 'nvme0n1', '-d', 'nvme1n1');
    assert.equal(twice.code, 1);
    assert.equal(twice.stderr, "ocssd: device given twice: 'nvme0n1' and -d 'nvme1n1'\n");
    const none = await lnvm('id-ns');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^ocssd: a device is needed: -d nvme0n1/);
    const idJson = JSON.parse((await lnvm('id-ns', '-d', 'nvme0n1', '-o', 'json')).stdout);
    assert.deepEqual([idJson.numLun, idJson.numPln, idJson.numBlk, idJson.numPg, idJson.csecs], [4, 2, 7, 64, 4096]);

    const set = await lnvm('diag-set-bbtbl', '-d', 'nvme0n1', '-c', '0', '-l', '3', '-p', '1', '-b', '6', '-v', '2');
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, ''); // nvme-cli prints nothing on success
    const bbt = await lnvm('diag-bbtbl', '/dev/nvme0n1', '-c', '0', '-l', '3');
    assert.equal(bbt.code, 0, bbt.stderr);
    assert.equal(
      bbt.stdout,
      ['LightNVM Bad Block Stats:', 'verid    : 0x1', 'tblks    : 14', 'tfact    : 0', 'tgrown   : 1', 'tdresv   : 0', 'thresv   : 0', 'Blocks not good (1):', '  blk 6 pln 1: 0x2 grown bad', ''].join('\n'),
    );
    const bbtJson = JSON.parse((await lnvm('diag-bbtbl', '-d', 'nvme0n1', '-l', '3', '-o', 'json')).stdout);
    assert.equal(bbtJson.tgrown, 1);
    assert.equal(bbtJson.entries.length, 14);
    assert.equal(bbtJson.entries[13], 2);
    const setJson = JSON.parse((await lnvm('diag-set-bbtbl', '-d', 'nvme0n1', '-l', '2', '-b', '0', '-v', '8', '-o', 'json')).stdout);
    assert.deepEqual(setJson, { device: 'nvme0n1', ch: 0, lun: 2, pln: 0, blk: 0, value: 8 });
    assert.equal((await lnvm('diag-bbtbl', '-d', 'nvme0n1', '-l', '3')).stdout.includes('thresv   : 0'), true); // LUN 2's mark is not LUN 3's

    // The 2.0 device: its geometry, and no bad block table.
    const id20 = await lnvm('id-ns', 'nvme2n1');
    assert.equal(id20.code, 0, id20.stderr);
    assert.match(id20.stdout, /^LightNVM Geometry \(OCSSD 2\.0\)\nver_major     : 0x2\n[^]*\n num_pu       : 2\n num_chk      : 4\n clba         : 64\n/);
    const bbt20 = await lnvm('diag-bbtbl', 'nvme2n1');
    assert.equal(bbt20.code, 1);
    assert.equal(bbt20.stderr, 'ocssd: nvme2n1: OCSSD 2.0 has no bad block table; see the chunk log\n');

    // The server's refusals: exit 1 with its message.
    const unknown = await lnvm('id-ns', '-d', 'nvme5n1');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, "ocssd: no Open-Channel device 'nvme5n1' (have nvme0n1, nvme2n1)\n");
    const conventional = await lnvm('diag-bbtbl', '-d', 'nvme1n1');
    assert.equal(conventional.code, 1);
    assert.match(conventional.stderr, /^ocssd: no Open-Channel device 'nvme1n1'/);
    const badLun = await lnvm('diag-bbtbl', '-d', 'nvme0n1', '-l', '4');
    assert.equal(badLun.code, 1);
    assert.equal(badLun.stderr, 'ocssd: lun=4: allowed an integer 0..3 (nvme0n1 has 4 LUN(s) per channel)\n');
    const badBlk = await lnvm('diag-set-bbtbl', '-d', 'nvme0n1', '-b', '7', '-v', '2');
    assert.equal(badBlk.code, 1);
    assert.equal(badBlk.stderr, 'ocssd: blk=7: allowed an integer 0..6 (nvme0n1 has 7 block(s) per plane)\n');
    const badValue = await lnvm('diag-set-bbtbl', '-d', 'nvme0n1', '-b', '1', '-v', '3');
    assert.equal(badValue.code, 1);
    assert.match(badValue.stderr, /^ocssd: value=3: allowed 0 \(good\), 1 \(factory bad\), 2 \(grown bad\)/);
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});

test('the tutorial device (ocssd serve with no -device) lists as the tutorial showed; a mark lands in bbtable.qemu and survives a restart', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t);
  let serve = await startServe(['--data-dir', dir]);
  try {
    const list = await ocssd(['lnvm', 'list', '--server', serve.server]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.split('\n')[2], 'nvme0n1     \tgennvm      \t(1,0,0)');
    const bbt = await ocssd(['lnvm', 'diag-bbtbl', '-d', 'nvme0n1', '-l', '15', '--server', serve.server]);
    assert.equal(bbt.code, 0, bbt.stderr);
    assert.match(bbt.stdout, /^LightNVM Bad Block Stats:\nverid    : 0x1\ntblks    : 6\n/); // 3 blocks x 2 planes
    const id = await ocssd(['lnvm', 'id-ns', '-d', 'nvme0n1', '--server', serve.server]);
    assert.match(id.stdout, / luns    : 16\n plns    : 2\n blks    : 3\n pgs     : 512\n/);
    assert.match(id.stdout, / blk offs: 12 blk bits : 2\n/);
    const set = await ocssd(['lnvm', 'diag-set-bbtbl', 'nvme0n1', '-l', '15', '-p', '1', '-b', '2', '-v', '2', '--server', serve.server]);
    assert.equal(set.code, 0, set.stderr);
    // The original's file: one byte per (lun, blk, pln), the last one is LUN 15 block 2 plane 1.
    const file = readFileSync(join(dir, 'bbtable.qemu'));
    assert.equal(file.length, 16 * 3 * 2);
    assert.deepEqual([...file].flatMap((v, i) => (v === 0 ? [] : [[i, v]])), [[95, 2]]);
    assert.equal(await serve.stop(), 0);
    serve = await startServe(['--data-dir', dir]);
    const again = await ocssd(['lnvm', 'diag-bbtbl', 'nvme0n1', '-l', '15', '--server', serve.server]);
    assert.match(again.stdout, /\ntgrown   : 1\n[^]*\n  blk 2 pln 1: 0x2 grown bad\n$/);
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});
