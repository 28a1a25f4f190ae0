// The OCSSD 1.2 personality as a host sees it, through the host library's Ocssd12Device over
// the in-process transport: the tutorial device's identity, every physical command and its
// error paths, plain NVMe access to the same bytes, channels that do not alias, per-namespace
// channel counts, error injection and ldebug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Ocssd12Status, NvmOpcode } from '../../src/spec/index.js';
import { Ocssd12Device, nvmeCommands as C, ocssd12StatusName } from '../../src/host/index.js';
import { SMALL, TUTORIAL, attach12, oobBytes, sectors } from './ocssd12-helpers.js';
import { tempDir } from '../media/helpers.js';

const INVALID_FIELD = 0x4002;
const OUT_OF_RANGE = 0x4080;

test('the tutorial device: NSZE, every geometry field, the PPA bit layout and 768 MiB through PPAs', async (t) => {
  const drive = join(tempDir(t), 'blknvme');
  const { host, dev } = await attach12(t, `${TUTORIAL},drive=${drive}`);
  const ctrl = host.controller!;
  assert.equal(ctrl.vid, 0x1d1d);
  assert.equal(ctrl.ssvid, 0x1d1d);
  assert.equal(ctrl.sn.trim(), 'deadbeef');
  assert.equal(ctrl.mdts, 10);
  const ns = await host.identifyNamespace(1);
  assert.equal(ns.nsze, 261_632);
  assert.equal(ns.nsze * ns.lbaSize, 1022 * 2 ** 20, '1022 MiB, the nvme0n1 of the tutorial');
  assert.equal(ns.lbaSize, 4096);
  assert.equal(ns.vs0, 1, 'vs[0] = 1: what Linux checks');
  const id = dev.identity;
  assert.deepEqual(
    [id.verId, id.cgrps, id.cap, id.dom, id.mtype, id.fmtype, id.numCh, id.numLun, id.numPln, id.numBlk, id.numPg, id.fpgSz, id.csecs, id.sos, id.mpos, id.mccap],
    [1, 1, 3, 0, 0, 0, 1, 16, 2, 3, 512, 16384, 4096, 16, 0x20202, 1],
  );
  assert.deepEqual([id.trdt, id.trdm, id.tprt, id.tprm, id.tbet, id.tbem], [70_000, 100_000, 1_900_000, 3_500_000, 3_000_000, 3_000_000]);
  const f = id.ppaf;
  assert.deepEqual(
    { sec: [f.secOff, f.secLen], pln: [f.plnOff, f.plnLen], pg: [f.pgOff, f.pgLen], blk: [f.blkOff, f.blkLen], lun: [f.lunOff, f.lunLen], ch: [f.chOff, f.chLen] },
    { sec: [0, 2], pln: [2, 1], pg: [3, 9], blk: [12, 2], lun: [14, 4], ch: [18, 0] },
  );
  assert.equal(id.totalSectors, 196_608);
  assert.equal(id.totalBytes, 768 * 2 ** 20);
  assert.equal(dev.ppa({ lun: 15, blk: 2, pg: 511, pln: 1, sec: 3 }), (15n << 14n) | (2n << 12n) | (511n << 3n) | (1n << 2n) | 3n);
  // The last PPA-reachable sector is plain LBA 196607: write it by PPA, read it as an LBA.
  const last = dev.pagePpas(0, 15, 2, 511);
  const data = sectors(4096, 8, 9);
  assert.equal((await dev.write(last, data, { planeMode: 1 })).status, 0);
  assert.deepEqual(await host.read(1, 196_600, 8), data);
});

test('write with OOB and read back; empty pages give 0x42FF with exactly their bits set', async (t) => {
  const { dev } = await attach12(t, SMALL);
  const ppas = dev.pagePpas(0, 1, 2, 3);
  const data = sectors(4096, 4, 1);
  const oob = oobBytes(8, 4, 1);
  const w = await dev.write(ppas, data, { oob, planeMode: 1 });
  assert.deepEqual([w.status, w.bitmap], [0, 0n]);
  const r = await dev.read(ppas, { oob: true, planeMode: 1 });
  assert.deepEqual([r.status, r.bitmap], [0, 0n]);
  assert.deepEqual(r.data, data);
  assert.deepEqual(r.oob, oob);
  // Mixed: PPAs 1 and 3 unwritten (page 4), the others written.
  const mixed = [ppas[0]!, dev.ppa({ lun: 1, blk: 2, pg: 4 }), ppas[2]!, dev.ppa({ lun: 1, blk: 2, pg: 4, pln: 1, sec: 1 })];
  const m = await dev.read(mixed, { oob: true });
  assert.equal(m.status, Ocssd12Status.EMPTY_PAGE);
  assert.equal(m.bitmap, 0b1010n);
  assert.deepEqual(m.data!.subarray(0, 4096), data.subarray(0, 4096));
  assert.deepEqual(m.data!.subarray(4096, 8192), new Uint8Array(4096), 'an empty page reads as zeroes');
  assert.deepEqual(m.data!.subarray(8192, 12288), data.subarray(8192, 12288));
  assert.deepEqual(m.oob!.subarray(0, 8), oob.subarray(0, 8));
  assert.deepEqual(m.oob!.subarray(8, 16), new Uint8Array(8));
  // Without MPTR the OOB is zeroes.
  const p2 = dev.pagePpas(0, 0, 0, 0);
  assert.equal((await dev.write(p2, sectors(4096, 4, 2))).status, 0);
  assert.deepEqual((await dev.read(p2, { oob: true })).oob, new Uint8Array(32));
  // A single PPA (NLB = 0) needs no list.
  const one = await dev.read([ppas[1]!], { oob: true });
  assert.deepEqual([one.status, one.data, one.oob], [0, data.subarray(4096, 8192), oob.subarray(8, 16)]);
});

test('erase: a sector is written once per erase; plane modes erase one plane or the whole block', async (t) => {
  const { dev } = await attach12(t, SMALL);
  const page = dev.pagePpas(0, 0, 1, 0);
  assert.equal((await dev.write(page, sectors(4096, 4, 1))).status, 0);
  const again = await dev.write(page, sectors(4096, 4, 2));
  assert.deepEqual([again.status, again.bitmap], [INVALID_FIELD, 0b1111n], 'rewrite without erase');
  // Single-plane erase of plane 1 only.
  const e1 = await dev.erase([dev.ppa({ blk: 1, pln: 1 })]);
  assert.deepEqual([e1.status, e1.bitmap], [0, 0n]);
  const r = await dev.read(page);
  assert.deepEqual([r.status, r.bitmap], [Ocssd12Status.EMPTY_PAGE, 0b1100n], 'plane 1 erased, plane 0 kept');
  // Dual-plane erase: both planes.
  assert.equal((await dev.erase([dev.ppa({ blk: 1 })], { planeMode: 1 })).status, 0);
  assert.equal((await dev.read(page)).bitmap, 0b1111n);
  const fresh = sectors(4096, 4, 3);
  assert.equal((await dev.write(page, fresh)).status, 0);
  assert.deepEqual((await dev.read(page)).data, fresh);
  // Pages need not go in order (as in the original): page 5 before page 1.
  assert.equal((await dev.write(dev.pagePpas(0, 0, 1, 5), sectors(4096, 4, 4))).status, 0);
  // Erasing an erased block is fine; a list of blocks erases each.
  assert.equal((await dev.erase([dev.ppa({ blk: 3 }), dev.ppa({ lun: 1, blk: 3 })], { planeMode: 1 })).status, 0);
});

test('bad commands get their spec status and the failing PPA\'s bit, and nothing is written', async (t) => {
  const { dev, host } = await attach12(t, SMALL);
  const page = dev.pagePpas(0, 0, 0, 0);
  const data = sectors(4096, 4, 1);
  const raw = async (opc: number, ppas: bigint[], control = 0) => {
    const w = await host.passthrough('io', { opc, nsid: 1, cdw10: Number(ppas[0]! & 0xffffffffn), cdw11: Number(ppas[0]! >> 32n), cdw12: ((ppas.length - 1) | (control << 16)) >>> 0 }, opc === 0x91 ? { dataOut: data.subarray(0, 4096 * ppas.length) } : {});
    return [w.status, w.dw0, w.dw1];
  };
  // SMALL's counts are powers of two (sec 1 bit @0, pln 1 @1, pg 3 @2, blk 2 @5, lun 1 @7): only bits outside every field can be wrong.
  const cases: [string, bigint][] = [
    ['the bit just above the LUN field (no channel bits)', 1n << 8n],
    ['bits in the upper dword', 1n << 40n],
    ['all ones (unmapped)', 0xffff_ffff_ffff_ffffn],
  ];
  for (const [what, ppa] of cases) assert.deepEqual(await raw(0x92, [ppa]), [OUT_OF_RANGE, 1, 0], what);
  // A geometry whose counts are not powers of two leaves room in each field: tutorial blocks (3 in 2 bits).
  const tut = await attach12(t, `${TUTORIAL},size=1G`);
  const b3 = tut.dev.identity.ppaf;
  const blk3 = 3n << BigInt(b3.blkOff);
  const r = await tut.host.passthrough('io', { opc: 0x92, nsid: 1, cdw10: Number(blk3), cdw11: 0, cdw12: 0 }, { dataInLength: 4096 });
  assert.deepEqual([r.status, r.dw0], [OUT_OF_RANGE, 1], 'block 3 of 3 is refused, not aliased into the next LUN');
  // The bit of the failing PPA in a list.
  const list = [...page];
  list[2] = 1n << 40n;
  const l = await dev.read(list);
  assert.deepEqual([l.status, l.bitmap], [OUT_OF_RANGE, 0b100n]);
  // More PPAs than lmax_sec_per_rq (64).
  const many = Array.from({ length: 65 }, (_, i) => dev.ppa({ blk: i % 4, pg: (i >> 2) % 8 }));
  assert.equal((await dev.read(many)).status, INVALID_FIELD);
  // A write smaller than one page on every plane (host mode): 2 of 4 sectors.
  assert.equal((await dev.write(page.slice(0, 2), data.subarray(0, 8192))).status, INVALID_FIELD);
  // Plane modes the geometry lacks: quad on 2 planes; mode 3 is reserved.
  assert.equal((await dev.erase([page[0]!], { planeMode: 2 })).status, INVALID_FIELD);
  assert.equal((await dev.read(page, { planeMode: 3 })).status, INVALID_FIELD);
  // Nothing of that reached the media.
  assert.equal((await dev.read(page)).status, Ocssd12Status.EMPTY_PAGE);
  // A namespace that is not there.
  const bad = await host.passthrough('io', { opc: 0x92, nsid: 7, cdw12: 0 }, { dataInLength: 4096 });
  assert.equal(bad.status, 0x400b);
});

test('lstrict refuses an erase list; a dual-plane erase on a one-plane device is refused', async (t) => {
  const strict = await attach12(t, 'nvme,lver=1,lstrict=1,lnum_lun=2,lnum_blk=4,lpgs_per_blk=4,size=8M');
  const two = [strict.dev.ppa({ blk: 0 }), strict.dev.ppa({ blk: 1 })];
  assert.deepEqual([(await strict.dev.erase(two)).status], [INVALID_FIELD]);
  assert.equal((await strict.dev.erase(two.slice(0, 1))).status, 0);
  assert.equal((await strict.dev.erase(two.slice(0, 1), { planeMode: 1 })).status, INVALID_FIELD);
  // One plane, one sector per page: a single-PPA write is a whole page, so NLB = 0 writes work.
  const d = sectors(4096, 1, 5);
  assert.equal((await strict.dev.write([strict.dev.ppa({ blk: 2, pg: 1 })], d)).status, 0);
  assert.deepEqual((await strict.dev.read([strict.dev.ppa({ blk: 2, pg: 1 })])).data, d);
});

test('plain NVMe read and write see the bytes PPA commands wrote, over the whole NSZE', async (t) => {
  const { dev, host } = await attach12(t, SMALL);
  const ns = await host.identifyNamespace(1);
  assert.equal(ns.nsze, Math.floor((16 * 2 ** 20) / 4104));
  assert.equal(dev.identity.totalSectors, 256);
  // PPA (lun 1, blk 2, pg 3): linear index = lun*S*P*G*B + blk*S*P*G + pg*S*P + pln*S + sec.
  const page = dev.pagePpas(0, 1, 2, 3);
  const data = sectors(4096, 4, 7);
  assert.equal((await dev.write(page, data)).status, 0);
  const lba = 1 * 2 * 2 * 8 * 4 + 2 * 2 * 2 * 8 + 3 * 2 * 2;
  assert.deepEqual(await host.read(1, lba, 4), data);
  // Plain writes land where PPA reads find them (the sectors are written as far as the media knows).
  const plain = sectors(4096, 2, 8);
  await host.write(1, lba, plain);
  assert.deepEqual((await dev.read(page.slice(0, 2))).data, plain);
  // Past the PPA-reachable sectors the namespace is plain-LBA only.
  const tail = sectors(4096, 3, 9);
  await host.write(1, ns.nsze - 3, tail);
  assert.deepEqual(await host.read(1, ns.nsze - 3, 3), tail);
  await assert.rejects(host.read(1, ns.nsze - 1, 2), /LBA Out of Range/);
  // Write Uncorrectable marks LBAs: plain and PPA reads of them fail, until written again.
  await host.writeUncorrectable(1, lba + 2, 1);
  await assert.rejects(host.read(1, lba + 2, 1), /Unrecovered Read Error/);
  const u = await dev.read(page);
  assert.deepEqual([u.status, u.bitmap], [Ocssd12Status.FAIL_ECC, 0b100n]);
  await host.write(1, lba + 2, sectors(4096, 1, 10));
  assert.equal((await dev.read(page)).status, 0);
  const cmp = await host.passthrough('io', C.lbaRange(NvmOpcode.COMPARE, 1, lba, 2), { dataOut: plain });
  assert.equal(cmp.status, 0);
});

test('channels are real: the same LUN/block/page on two channels holds two different pages', async (t) => {
  const { dev, host } = await attach12(t, 'nvme,lver=1,lnum_ch=2,lnum_lun=2,lnum_pln=1,lnum_blk=2,lpgs_per_blk=4,size=8M');
  assert.equal(dev.identity.numCh, 2);
  assert.equal(dev.identity.ppaf.chLen, 1);
  const a = sectors(4096, 1, 1);
  const b = sectors(4096, 1, 2);
  assert.equal((await dev.write([dev.ppa({ ch: 0, lun: 1, blk: 1, pg: 2 })], a)).status, 0);
  assert.equal((await dev.write([dev.ppa({ ch: 1, lun: 1, blk: 1, pg: 2 })], b)).status, 0);
  assert.deepEqual((await dev.read([dev.ppa({ ch: 0, lun: 1, blk: 1, pg: 2 })])).data, a);
  assert.deepEqual((await dev.read([dev.ppa({ ch: 1, lun: 1, blk: 1, pg: 2 })])).data, b);
  // Linear index of channel 1: after every sector of channel 0.
  assert.deepEqual(await host.read(1, 2 * 2 * 4 + 1 * 2 * 4 + 1 * 4 + 2, 1), b);
  assert.equal((await dev.read([2n << BigInt(dev.identity.ppaf.chOff)])).status, OUT_OF_RANGE, 'no channel 2');
});

test('lchannels gives each namespace its own channel count; each namespace has its own data and BBT', async (t) => {
  const line = 'nvme,lver=1,namespaces=2,lchannels=1:2,lnum_lun=2,lnum_pln=1,lpgs_per_blk=4,size=4M';
  const one = await attach12(t, line);
  const two = await Ocssd12Device.open(one.host, 2);
  assert.equal(one.dev.identity.numCh, 1);
  assert.equal(two.identity.numCh, 2);
  // 2 MiB each: floor(2M / 4104) = 511 blocks; 511 / 4 pages = 127 blocks / (ch x 2 LUN) planes.
  assert.equal(one.dev.identity.numBlk, 63);
  assert.equal(two.identity.numBlk, 31);
  const d = sectors(4096, 1, 3);
  assert.equal((await one.dev.write([one.dev.ppa({ blk: 5 })], d)).status, 0);
  assert.equal((await two.read([two.ppa({ blk: 5 })])).status, Ocssd12Status.EMPTY_PAGE, 'namespace 2 is a different region');
  assert.equal((await one.dev.setBbt([one.dev.ppa({ lun: 1, blk: 7 })], 2)).status, 0);
  assert.equal((await one.dev.getBbt(0, 1)).entries[7], 2);
  assert.equal((await two.getBbt(0, 1)).entries[7], 0, 'namespace 2 has its own table');
});

test('lb_err_write / ln_err_write: counter-based write failures with the bitmap, data written all the same', async (t) => {
  const { dev, log } = await attach12(t, `${SMALL},lb_err_write=10,ln_err_write=3,ldebug=1`);
  const results: [number, bigint][] = [];
  const pages = [0, 1, 2].map((pg) => dev.pagePpas(0, 0, 0, pg));
  for (const [i, page] of pages.entries()) {
    const r = await dev.write(page, sectors(4096, 4, i));
    results.push([r.status, r.bitmap]);
  }
  // Counter 0 -> 4 -> 8; the third write takes it past 10 at its sector 2: bits 2..3 (3 asked, 2 left in the command).
  assert.deepEqual(results, [[0, 0n], [0, 0n], [Ocssd12Status.FAIL_WRITE, 0b1100n]]);
  assert.deepEqual((await dev.read(pages[2]!)).data, sectors(4096, 4, 2), 'the data was written before the failure was reported');
  // The counter restarts with the failed command's 4 sectors (as the original): 4 -> 8, then 8 + 4 > 10 again.
  const next = await dev.write(dev.pagePpas(0, 0, 0, 3), sectors(4096, 4, 3));
  assert.deepEqual([next.status, next.bitmap], [0, 0n]);
  const again = await dev.write(dev.pagePpas(0, 0, 0, 4), sectors(4096, 4, 4));
  assert.deepEqual([again.status, again.bitmap], [Ocssd12Status.FAIL_WRITE, 0b1100n]);
  assert.ok(log.some((l) => /injected write error: counter 8 \+ 4 > lb_err_write 10, bitmap 0xc/.test(l)), log.join('\n'));
  assert.ok(log.some((l) => /nsid 1 write 4 PPA\(s\): 0x0 \(ch 0 lun 0 pln 0 blk 0 pg 0 sec 0\), 0x1 \(ch 0 lun 0 pln 0 blk 0 pg 0 sec 1\)/.test(l)), log.join('\n'));
});

test('worker mode: the device runs in its own thread and PPA lists still reach it', async (t) => {
  const { dev } = await attach12(t, SMALL, { worker: true });
  const page = dev.pagePpas(0, 1, 3, 7);
  const data = sectors(4096, 4, 11);
  const oob = oobBytes(8, 4, 11);
  assert.equal((await dev.write(page, data, { oob })).status, 0);
  const r = await dev.read(page, { oob: true });
  assert.deepEqual([r.status, r.data, r.oob], [0, data, oob]);
});

test('quad-plane device: mpos, quad erase of all four planes; ll2pmode=1 sets DOM and lifts the one-page minimum', async (t) => {
  const { dev, host } = await attach12(t, 'nvme,lver=1,lnum_pln=4,lnum_lun=1,lsecs_per_pg=1,lnum_blk=2,lpgs_per_blk=4,ll2pmode=1,size=8M');
  assert.deepEqual([dev.identity.numPln, dev.identity.mpos, dev.identity.dom], [4, 0x40404, 1]);
  const one = sectors(4096, 1, 1);
  assert.equal((await dev.write([dev.ppa({ blk: 1, pln: 3, pg: 2 })], one)).status, 0, 'one sector, less than a 4-plane page: fine in hybrid mode');
  const page = dev.pagePpas(0, 0, 1, 0);
  assert.equal((await dev.write(page, sectors(4096, 4, 2), { planeMode: 2 })).status, 0);
  assert.equal((await dev.erase([dev.ppa({ blk: 1 })], { planeMode: 1 })).status, INVALID_FIELD, 'dual on a quad-plane device');
  assert.equal((await dev.erase([dev.ppa({ blk: 1 })], { planeMode: 2 })).status, 0);
  const r = await dev.read([...page, dev.ppa({ blk: 1, pln: 3, pg: 2 })]);
  assert.deepEqual([r.status, r.bitmap], [Ocssd12Status.EMPTY_PAGE, 0b11111n]);
  const ns = await host.identifyNamespace(1);
  assert.deepEqual(ns.lbaFormats.map((f) => 2 ** f.lbads), [512, 1024, 2048, 4096, 8192]);
  assert.equal(ns.formatIndex, 3);
  await assert.rejects(host.passthrough('admin', { opc: 0x80, nsid: 1, cdw10: 0 }).then((c) => (c.status === 0 ? undefined : Promise.reject(new Error(`status 0x${c.status.toString(16)}`)))), /status 0x410a/, 'Format NVM is not offered: Invalid Format');
});

test('admin error paths: identity and BBT of a namespace that is not there, a PPA list the device cannot read, a bad Set BBT address', async (t) => {
  const { dev, host } = await attach12(t, SMALL);
  const id = await host.passthrough('admin', { opc: 0xe2, nsid: 9 }, { dataInLength: 4096 });
  assert.equal(id.status, 0x400b);
  assert.equal((await host.passthrough('admin', { opc: 0xf2, nsid: 2 }, { dataInLength: 72 })).status, 0x400b);
  // NLB = 1: CDW10-11 is a list address, here outside host memory.
  const unreadable = await host.passthrough('io', { opc: 0x92, nsid: 1, cdw10: 0, cdw11: 0x7fff, cdw12: 1 }, { dataInLength: 8192 });
  assert.equal(unreadable.status, 0x0004, 'Data Transfer Error');
  const set = await dev.setBbt([dev.ppa({ blk: 1 }), 1n << 30n], 2);
  assert.deepEqual([set.status, set.bitmap], [0x4080, 0b10n]);
  assert.equal((await dev.getBbt(0, 0)).entries[2], 0, 'all or nothing: the good PPA was not marked either');
  assert.equal(ocssd12StatusName(Ocssd12Status.EMPTY_PAGE), 'Empty Page');
  assert.match(ocssd12StatusName(0x4002), /^Invalid Field in Command/);
});
