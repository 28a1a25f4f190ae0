// What an OCSSD 1.2 device keeps: the bad block table through the original's raw lbbtable file
// (read at start, rewritten on Set BBT, factory marks into the media, a short file refused at
// start), and data, OOB, erased state and BBT across a restart on the tutorial line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ocssd12Status } from '../../src/spec/index.js';
import { Ocssd12Device } from '../../src/host/index.js';
import { TUTORIAL, attach12, oobBytes, sectors } from './ocssd12-helpers.js';
import { tempDir } from '../media/helpers.js';

const INVALID_FIELD = 0x4002;
/** Tutorial: 16 LUNs x 3 blocks x 2 planes. */
const BBT_BYTES = 96;
const entry = (lun: number, blk: number, pln: number): number => lun * 6 + blk * 2 + pln;

test('Get / Set BBT round trip through the lbbtable file', async (t) => {
  const dir = tempDir(t);
  const bbt = join(dir, 'bbtable.qemu');
  const line = `${TUTORIAL},drive=${join(dir, 'blknvme')},lbbtable=${bbt},lmetadata=${join(dir, 'meta.qemu')}`;
  const a = await attach12(t, line);
  const fresh = await a.dev.getBbt(0, 3);
  assert.deepEqual([fresh.tblks, fresh.tfact, fresh.tgrown, fresh.tdresv, fresh.thresv], [6, 0, 0, 0, 0]);
  assert.deepEqual(fresh.entries, new Uint8Array(6));
  assert.equal(existsSync(bbt), false, 'a missing file means all good, and nothing is written until Set BBT');

  assert.deepEqual(await a.dev.setBbt([a.dev.ppa({ lun: 3, blk: 1, pln: 1 })], 2), { status: 0, bitmap: 0n });
  assert.equal((await a.dev.setBbt([a.dev.ppa({ blk: 2, pln: 0 }), a.dev.ppa({ blk: 2, pln: 1 })], 8)).status, 0, 'a PPA list');
  const file = readFileSync(bbt);
  assert.equal(file.length, BBT_BYTES);
  const expect = new Uint8Array(BBT_BYTES);
  expect[entry(3, 1, 1)] = 2;
  expect[entry(0, 2, 0)] = 8;
  expect[entry(0, 2, 1)] = 8;
  assert.deepEqual(new Uint8Array(file), expect);
  const lun3 = await a.dev.getBbt(0, 3);
  assert.deepEqual([...lun3.entries], [0, 0, 0, 2, 0, 0]);
  assert.equal(lun3.tgrown, 1);
  assert.equal((await a.dev.getBbt(0, 0)).thresv, 2);

  // A marked block is neither erased nor written.
  const erase = await a.dev.erase([a.dev.ppa({ lun: 3, blk: 1 })], { planeMode: 1 });
  assert.deepEqual([erase.status, erase.bitmap], [INVALID_FIELD, 1n]);
  const w = await a.dev.write(a.dev.pagePpas(0, 3, 1, 0), sectors(4096, 8, 1));
  assert.equal(w.status, INVALID_FIELD);
  // Bad values and addresses are refused without touching the table.
  assert.equal((await a.dev.setBbt([a.dev.ppa({ lun: 4 })], 3)).status, INVALID_FIELD);
  const outside = await a.host.passthrough('admin', { opc: 0xf2, nsid: 1, cdw10: 16 << 14 }, { dataInLength: 70 });
  assert.equal(outside.status, 0x4080, 'LUN 16 of 16');
  assert.deepEqual(new Uint8Array(readFileSync(bbt)), expect);
  // Cleared again: the block works.
  assert.equal((await a.dev.setBbt([a.dev.ppa({ lun: 3, blk: 1, pln: 1 })], 0)).status, 0);
  assert.equal((await a.dev.erase([a.dev.ppa({ lun: 3, blk: 1 })], { planeMode: 1 })).status, 0);
  await a.close();

  // Edited by hand between runs (factory marks, as the original's users did): read at start.
  const edited = new Uint8Array(readFileSync(bbt));
  edited[entry(5, 0, 0)] = 1;
  writeFileSync(bbt, edited);
  const b = await attach12(t, line);
  const lun5 = await b.dev.getBbt(0, 5);
  assert.deepEqual([lun5.tfact, lun5.entries[0]], [1, 1]);
  assert.equal((await b.dev.erase([b.dev.ppa({ lun: 5 })])).status, INVALID_FIELD, 'factory-bad marks reach the media');
  assert.equal((await b.dev.getBbt(0, 0)).entries[4], 8, 'host marks kept');
  await b.close();

  // A short file, or a value that is no BBT entry, stops start-up with a clear message (the original hung Get BBT).
  writeFileSync(bbt, edited.subarray(0, 95));
  await assert.rejects(attach12(t, line), /bbtable\.qemu: 95 bytes, but namespace 1 needs exactly 96/);
  edited[7] = 3;
  writeFileSync(bbt, edited);
  await assert.rejects(attach12(t, line), /bbtable\.qemu: entry 7 is 3; allowed 0 \(good\), 1 \(factory bad\)/);
});

test('restart: data, OOB, erased state and BBT survive closing and opening the device', async (t) => {
  const dir = tempDir(t);
  const drive = join(dir, 'blknvme');
  const meta = join(dir, 'meta.qemu');
  const line = `${TUTORIAL},drive=${drive},lbbtable=${join(dir, 'bbtable.qemu')},lmetadata=${meta}`;
  const pages = [
    [2, 0, 0],
    [2, 0, 1],
    [7, 2, 100],
  ] as const;
  const a = await attach12(t, line);
  for (const [i, [lun, blk, pg]] of pages.entries()) {
    const r = await a.dev.write(a.dev.pagePpas(0, lun, blk, pg), sectors(4096, 8, i), { oob: oobBytes(16, 8, i), planeMode: 1 });
    assert.equal(r.status, 0);
  }
  // Written, then erased: must read empty after the restart too.
  assert.equal((await a.dev.write(a.dev.pagePpas(0, 9, 1, 0), sectors(4096, 8, 9))).status, 0);
  assert.equal((await a.dev.erase([a.dev.ppa({ lun: 9, blk: 1 })], { planeMode: 1 })).status, 0);
  assert.equal((await a.dev.setBbt([a.dev.ppa({ lun: 11, blk: 2 })], 2)).status, 0);
  await a.close();
  assert.equal(statSync(drive).size, 2 ** 30, 'the 1 GiB image the geometry comes from');
  assert.ok(statSync(meta).size > 196_608 * 20, 'the state file sits at lmetadata');

  const b = await attach12(t, line);
  for (const [i, [lun, blk, pg]] of pages.entries()) {
    const r = await b.dev.read(b.dev.pagePpas(0, lun, blk, pg), { oob: true, planeMode: 1 });
    assert.equal(r.status, 0, `page ${i}`);
    assert.deepEqual(r.data, sectors(4096, 8, i));
    assert.deepEqual(r.oob, oobBytes(16, 8, i));
  }
  const again = await b.dev.write(b.dev.pagePpas(0, 2, 0, 0), sectors(4096, 8, 5));
  assert.equal(again.status, INVALID_FIELD, 'written sectors stay written: no rewrite without erase');
  const erased = await b.dev.read(b.dev.pagePpas(0, 9, 1, 0));
  assert.deepEqual([erased.status, erased.bitmap], [Ocssd12Status.EMPTY_PAGE, 0xffn]);
  assert.equal((await b.dev.read(b.dev.pagePpas(0, 0, 0, 0))).status, Ocssd12Status.EMPTY_PAGE, 'never written');
  assert.equal((await b.dev.getBbt(0, 11)).entries[4], 2);
  assert.deepEqual(await b.host.read(1, 7 * 3 * 512 * 8 + 2 * 512 * 8 + 100 * 8, 8), sectors(4096, 8, 2), 'plain reads see the same bytes');
  await b.close();

  // Another geometry on the same image is refused with both named.
  await assert.rejects(attach12(t, line.replace('lnum_lun=16', 'lnum_lun=8')), /was created with geometry 1 grp x 16 PU .* but 1 grp x 8 PU/);
});

test('two namespaces on one image: each has its share of the drive file, its own state file and BBT file', async (t) => {
  const dir = tempDir(t);
  const drive = join(dir, 'img');
  const line = `nvme,lver=1,namespaces=2,drive=${drive},size=8M,lnum_lun=2,lnum_pln=2,lsecs_per_pg=2,lpgs_per_blk=8,lbbtable=${join(dir, 'bbt')},lmetadata=${join(dir, 'meta')}`;
  const a = await attach12(t, line, { nsid: 2 });
  const page = a.dev.pagePpas(0, 1, 3, 2);
  const data = sectors(4096, 4, 21);
  assert.equal((await a.dev.write(page, data)).status, 0);
  assert.equal((await a.dev.setBbt([a.dev.ppa({ blk: 1 })], 8)).status, 0);
  await a.close();
  // Namespace 2 starts at byte 4 MiB of the image; the page's linear index is lun*S*P*G*B + blk*S*P*G + pg*S*P.
  const g = a.dev.identity;
  const index = 1 * 2 * 2 * 8 * g.numBlk + 3 * 2 * 2 * 8 + 2 * 2 * 2;
  const raw = readFileSync(drive).subarray(4 * 2 ** 20 + index * 4096, 4 * 2 ** 20 + (index + 4) * 4096);
  assert.deepEqual(new Uint8Array(raw), data);
  assert.ok(existsSync(join(dir, 'meta.ns1')) && existsSync(join(dir, 'meta.ns2')));
  assert.equal(existsSync(join(dir, 'bbt.ns1')), false);
  assert.equal(readFileSync(join(dir, 'bbt.ns2'))[2], 8);
  const b = await attach12(t, line, { nsid: 2 });
  assert.deepEqual((await b.dev.read(page)).data, data, 'namespace 2 after a restart');
  const ns1 = await Ocssd12Device.open(b.host, 1);
  assert.equal((await ns1.read(ns1.pagePpas(0, 1, 3, 2))).status, Ocssd12Status.EMPTY_PAGE, 'namespace 1 never saw it');
});
