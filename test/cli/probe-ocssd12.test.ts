// `ocssd probe` on the OCSSD 1.2 personality, as a child process: the seed tutorial's line as
// written (relative drive, lbbtable and lmetadata land in the working directory), the seed
// README's example, and a bad LightNVM option refused with exit status 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../media/helpers.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/ocssd.js');
const TUTORIAL =
  'nvme,drive=blknvme,serial=deadbeef,namespaces=1,lver=1,lmetasize=16,ll2pmode=0,nlbaf=5,lba_index=3,mdts=10,lnum_lun=16,lnum_pln=2,lsec_size=4096,lsecs_per_pg=4,lpgs_per_blk=512,lbbtable=bbtable.qemu,lmetadata=meta.qemu,ldebug=1';

test('probe --device <the tutorial line> prints the 1.2 identity and creates the image in the working directory', { timeout: 30_000 }, (t) => {
  const cwd = tempDir(t);
  for (const round of [1, 2]) {
    const out = execFileSync(process.execPath, [BIN, 'probe', '--device', TUTORIAL], { cwd, encoding: 'utf8' });
    assert.match(out, /serial deadbeef/, `round ${round}`);
    assert.match(out, /1022\.00 MiB 261632/);
    assert.match(out, /1 channel\(s\) x 16 LUNs x 2 planes x 3 blocks x 512 pages x 4 sectors of 4096 B, 16 B OOB per sector/);
    assert.match(out, /PPA format: sec 2@0, pln 1@2, pg 9@3, blk 2@12, lun 4@14, ch 0@18/);
    assert.match(out, /reachable through PPAs: 768\.00 MiB/);
  }
  assert.equal(statSync(join(cwd, 'blknvme')).size, 2 ** 30);
  assert.ok(existsSync(join(cwd, 'meta.qemu')), 'the state file at lmetadata');
});

test("probe takes the seed README's example and refuses bad LightNVM options with exit status 2", { timeout: 30_000 }, () => {
  const ok = execFileSync(process.execPath, [BIN, 'probe', '--local', '--device', 'lver=1,ltype=0,lba_index=3,nlbaf=5,lchannels=1,namespaces=1'], { encoding: 'utf8' });
  assert.match(ok, /1 channel\(s\) x 1 LUNs x 1 planes x 1022 blocks x 256 pages x 1 sectors/);
  const bad = spawnSync(process.execPath, [BIN, 'probe', '--device', 'nvme,lver=1,lnum_pln=3'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'ocssd: option lnum_pln=3: allowed 1, 2 or 4\n');
  const unknown = spawnSync(process.execPath, [BIN, 'probe', '--device', 'nvme,lver=1,lnum_luns=4'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^ocssd: unknown option 'lnum_luns': allowed drive, size, /);
});
