// The OCSSD 1.2 device as users of the original configure it: the tutorial line and the seed
// README's example parse, lver picks the personality, the geometry follows from the image size
// with the original's arithmetic, and every bad option names itself, its value and what is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync, writeFileSync } from 'node:fs';
import { DeviceOptionError, describeOptions } from '../../src/server/device-options.js';
import { parseNvmeDevice } from '../../src/server/nvme-device.js';
import { OCSSD12_DEVICE_OPTIONS, type Ocssd12DeviceConfig } from '../../src/server/ocssd12-options.js';
import { ocssd12Layouts } from '../../src/server/ocssd12-geometry.js';
import { LIGHTNVM_COMMON_OPTIONS } from '../../src/server/lightnvm-options.js';
import { describeProbe, probeNvmeDevice } from '../../src/server/probe.js';
import { createOcssd12Controller } from '../../src/server/ocssd12-device.js';
import { tempDir } from '../media/helpers.js';

const TUTORIAL_LINE =
  'nvme,drive=blknvme,serial=deadbeef,namespaces=1,lver=1,lmetasize=16,ll2pmode=0,nlbaf=5,lba_index=3,mdts=10,lnum_lun=16,lnum_pln=2,lsec_size=4096,lsecs_per_pg=4,lpgs_per_blk=512,lbbtable=bbtable.qemu,lmetadata=meta.qemu,ldebug=1';

const as12 = (line: string): Ocssd12DeviceConfig => {
  const c = parseNvmeDevice(line);
  assert.equal(c.lver, 1);
  return c as Ocssd12DeviceConfig;
};

test('the tutorial line parses as written, and its 1 GiB image gives the tutorial geometry', (t) => {
  const dir = tempDir(t);
  const c = as12(TUTORIAL_LINE.replace('drive=blknvme', `drive=${join(dir, 'blknvme')}`));
  assert.equal(c.drive, join(dir, 'blknvme'));
  assert.equal(c.size, undefined);
  assert.deepEqual(
    [c.serial, c.namespaces, c.oobSize, c.dom, c.nlbaf, c.lbaIndex, c.mdts, c.lunsPerChannel, c.planes, c.sectorSize, c.sectorsPerPage, c.pagesPerBlock, c.debug, c.channels, c.maxPpas, c.blocksPerPlane],
    ['deadbeef', 1, 16, 0, 5, 3, 10, 16, 2, 4096, 4, 512, true, [1], 64, 0],
  );
  assert.match(c.bbtablePath!, /\/bbtable\.qemu$/);
  assert.match(c.metadataPath!, /\/meta\.qemu$/);
  const [l] = ocssd12Layouts(c, 2 ** 30);
  assert.equal(l!.nsze, 261_632, 'floor(1 GiB / 4104)');
  assert.deepEqual(l!.geometry, { groups: 1, pusPerGroup: 16, planes: 2, blocksPerPlane: 3, pagesPerBlock: 512, sectorsPerPage: 4, sectorSize: 4096, oobSize: 16 });
});

test("the seed README's example parses (the original itself had stopped accepting ltype and lchannels)", () => {
  const c = as12('lver=1,ltype=0,lba_index=3,nlbaf=5,lchannels=1,namespaces=1');
  assert.deepEqual([c.drive, c.channels, c.namespaces, c.lbaIndex, c.nlbaf], [undefined, [1], 1, 3, 5]);
  // Defaults of the original: 1 LUN, 1 plane, 1 sector per page, 256 pages, 16 B OOB, 64 PPAs.
  assert.deepEqual([c.lunsPerChannel, c.planes, c.sectorsPerPage, c.pagesPerBlock, c.oobSize, c.maxPpas, c.dom, c.strict, c.errWriteThreshold], [1, 1, 1, 256, 16, 64, 0, false, 0]);
  assert.equal(ocssd12Layouts(c, 2 ** 30)[0]!.geometry.blocksPerPlane, 1022, 'floor(floor(261632 / 256) / 1)');
});

test('lver picks the personality; lchannels gives per-namespace channel counts; lnum_blk an explicit count', () => {
  assert.equal(parseNvmeDevice('nvme').lver, 0);
  assert.equal(parseNvmeDevice('nvme,lver=0,size=64M').lver, 0);
  const c = as12('nvme,lver=1,namespaces=3,lchannels=1:2:4,lnum_lun=2,size=96M');
  assert.deepEqual(c.channels, [1, 2, 4]);
  const layouts = ocssd12Layouts(c, 96 * 2 ** 20);
  assert.deepEqual(layouts.map((l) => [l.offset, l.geometry.groups, l.geometry.blocksPerPlane]), [[0, 1, 15], [32 * 2 ** 20, 2, 7], [64 * 2 ** 20, 4, 3]]);
  assert.deepEqual(as12('nvme,lver=1,namespaces=2,lnum_ch=3').channels, [3, 3]);
  const explicit = ocssd12Layouts(as12('nvme,lver=1,lnum_blk=5,lnum_lun=4,size=64M'), 64 * 2 ** 20)[0]!;
  assert.equal(explicit.geometry.blocksPerPlane, 5);
});

test('bad options are refused with the option, the value and what is allowed', () => {
  const cases: [string, RegExp][] = [
    ['nvme,lver=1,lfoo=1', /^unknown option 'lfoo': allowed drive, size, .*lnum_blk, lchannels, ltype/],
    ['nvme,lver=1,lnum_lun=256', /^option lnum_lun=256: allowed an integer 1\.\.255$/],
    ['nvme,lver=1,lmax_sec_per_rq=65', /^option lmax_sec_per_rq=65: allowed an integer 1\.\.64$/],
    ['nvme,lver=1,lnum_pln=3', /^option lnum_pln=3: allowed 1, 2 or 4$/],
    ['nvme,lver=1,ltype=1', /^option ltype=1: allowed an integer 0\.\.0$/],
    ['nvme,lver=1,meta=16', /^option meta=16: allowed an integer 0\.\.0$/],
    ['nvme,lver=3', /^option lver=3: allowed an integer 0\.\.2$/],
    ['nvme,lver=3', /^option lver=3: allowed an integer 0\.\.2$/],
    ['nvme,lver=1,lba_index=2', /^option lba_index=2: gives 2048-byte blocks; it must select lsec_size=4096 \(lba_index=3\)$/],
    ['nvme,lver=1,lsec_size=3000', /^option lsec_size=3000: allowed a power of two 512\.\.65536$/],
    ['nvme,lver=1,lsecs_per_pg=16', /^option lsecs_per_pg=16: lsec_size=4096 x 16 = 65536 bytes per flash page; .*allowed 1\.\.15\)$/],
    ['nvme,lver=1,namespaces=2,lchannels=1:2:3', /^option lchannels=1:2:3: names 3 namespaces, but namespaces=2/],
    ['nvme,lver=1,lchannels=0', /^option lchannels=0: allowed integers joined by ':'/],
    ['nvme,lver=1,lmetadata=meta.qemu', /^option lmetadata=meta\.qemu: needs drive=/],
    ['nvme,lver=1,size=1M,lnum_lun=16,lpgs_per_blk=512', /^option size=1M: namespace 1 gets 1M \(255 blocks\), not one block per plane/],
    ['nvme,lver=1,lnum_blk=2000,size=64M', /^option lnum_blk=2000: namespace 1 holds 16352 blocks of 4096 B, .* x 2000 needs 512000; allowed 1\.\.63$/],
    ['ocssd,lver=1', /^option model=ocssd: allowed 'nvme'/],
    ['nvme,lver=1,lbbtable=/nonexistent-dir/bbt', /^option lbbtable=\/nonexistent-dir\/bbt: its directory \/nonexistent-dir does not exist$/],
  ];
  for (const [line, re] of cases) assert.throws(() => parseNvmeDevice(line), (e: unknown) => e instanceof DeviceOptionError && re.test(e.message), line);
});

test("an existing drive's size gives the geometry; size= grows it", (t) => {
  const dir = tempDir(t);
  const drive = join(dir, 'img');
  writeFileSync(drive, '');
  const fd = statSync(drive);
  assert.equal(fd.size, 0);
  assert.throws(() => as12(`nvme,lver=1,drive=${drive}`), /option drive=.*img: namespace 1 gets 0/, 'an empty file has no geometry');
  const c = as12(`nvme,lver=1,drive=${drive},size=32M`);
  const ctrl = createOcssd12Controller(c);
  try {
    assert.equal(statSync(drive).size, 32 * 2 ** 20);
    assert.equal(ctrl.namespaces.get(1)!.nsze, Math.floor(32 * 2 ** 20 / 4104));
  } finally {
    ctrl.close();
  }
  // Later, without size=, the file's own size decides.
  assert.equal(ocssd12Layouts(as12(`nvme,lver=1,drive=${drive}`), statSync(drive).size)[0]!.geometry.blocksPerPlane, 31);
});

test('--help documents every option with its default; the shared LightNVM options are in the table', () => {
  const help = describeOptions(OCSSD12_DEVICE_OPTIONS).join('\n');
  for (const name of ['lver', 'll2pmode', 'lsec_size', 'lsecs_per_pg', 'lpgs_per_blk', 'lmax_sec_per_rq', 'lmtype', 'lfmtype', 'lnum_ch', 'lnum_lun', 'lnum_pln', 'lreadl2ptbl', 'lbbtable', 'lbbfrequency', 'lmetadata', 'lmetasize', 'lb_err_write', 'ln_err_write', 'ldebug', 'lstrict', 'lnum_blk', 'lchannels', 'ltype']) {
    assert.match(help, new RegExp(`^  ${name} `, 'm'), name);
  }
  assert.match(help, /lpgs_per_blk +pages per block; an integer 1\.\.65535; default 256/);
  for (const o of LIGHTNVM_COMMON_OPTIONS) assert.ok(OCSSD12_DEVICE_OPTIONS.includes(o), o.name);
});

test('probe prints the 1.2 identity of the tutorial device: geometry, PPA format, capacity', async () => {
  const p = await probeNvmeDevice(as12('nvme,lver=1,serial=deadbeef,lmetasize=16,lnum_lun=16,lnum_pln=2,lsecs_per_pg=4,lpgs_per_blk=512'), 'local');
  const text = describeProbe(p).join('\n');
  assert.match(text, /1     1022\.00 MiB 261632 /);
  assert.match(text, /1 channel\(s\) x 16 LUNs x 2 planes x 3 blocks x 512 pages x 4 sectors of 4096 B, 16 B OOB per sector/);
  assert.match(text, /PPA format: sec 2@0, pln 1@2, pg 9@3, blk 2@12, lun 4@14, ch 0@18/);
  assert.match(text, /reachable through PPAs: 768\.00 MiB \(196608 sectors\) of the namespace's 1022\.00 MiB/);
  assert.match(text, /vid 0x1d1d ssvid 0x1d1d/);
});
