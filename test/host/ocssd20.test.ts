// The OCSSD 2.0 device as a host sees it through the host library and the in-process (PCIe-like)
// transport: geometry, identify, chunk log, vector commands with host-memory lists and MPTR OOB,
// and the same commands in the fabrics inline layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DNR, Ocssd20Status, OCSSD20_GEOMETRY_SIZE, Ocssd20Opcode } from '../../src/spec/index.js';
import { Ocssd20Host } from '../../src/host/index.js';
import { SMALL, attach, oobFor, sectors } from './ocssd20-helpers.js';

test('geometry, identify namespace and the chunk log describe the configured device', async (t) => {
  const { host, oc } = await attach(t, `${SMALL},maxoc=5,maxocpu=2,wit=7,mccap=3`);
  const g = oc.geometry;
  assert.deepEqual(
    [g.mjr, g.mnr, g.numGrp, g.numPu, g.numChk, g.clba, g.wsMin, g.wsOpt, g.mwCunits, g.maxoc, g.maxocpu, g.wit, g.mccap],
    [2, 0, 2, 2, 4, 16, 4, 8, 0, 5, 2, 7, 0x7],
  );
  assert.deepEqual(g.lbaf, { grpLen: 1, puLen: 1, chkLen: 2, lbaLen: 4 });
  assert.deepEqual([g.trdt, g.twrt, g.tcrst], [70000, 1900000, 3000000]);
  const id = await host.identifyNamespace(1);
  assert.equal(id.nsze, 2 ** 8);
  assert.equal(id.ncap, 2 * 2 * 4 * 16);
  assert.equal(id.vs0, 1, 'vs[0] = 1 marks an Open-Channel namespace');
  assert.deepEqual([id.lbaSize, id.metadataSize, id.mc, id.dlfeat, id.nsfeat & 4], [4096, 16, 2, 1, 4]);
  const chunks = await oc.chunkInfo();
  assert.equal(chunks.length, 16);
  chunks.forEach((c, i) => {
    assert.equal(c.state, 'FREE');
    assert.equal(c.slba, oc.pack({ ...oc.addressing.chunkAt(i), sec: 0 }));
    assert.deepEqual([c.cnlb, c.wp, c.wli, c.sequential], [16, 0, 0, true]);
  });
  const raw = await host.passthrough('admin', { opc: 0xe2, nsid: 1 }, { dataInLength: OCSSD20_GEOMETRY_SIZE });
  assert.equal(raw.data![0], 2);
  assert.equal((await host.passthrough('admin', { opc: 0xe2, nsid: 9 }, { dataInLength: 4096 })).status, 0x400b, 'Invalid Namespace');
});

test('vector write, read and reset with host-memory lists and OOB through MPTR', async (t) => {
  const { oc } = await attach(t, SMALL);
  assert.equal(oc.fabric, false);
  const c0 = oc.pack({ grp: 1, pu: 0, chk: 2, sec: 0 });
  const c1 = oc.pack({ grp: 0, pu: 1, chk: 3, sec: 0 });
  const lbas = [c0, c0 + 1, c0 + 2, c0 + 3, c1, c1 + 1, c1 + 2, c1 + 3];
  const data = sectors(lbas, 4096);
  const oob = oobFor(lbas, 16);
  const w = await oc.vectorWrite(lbas, data, oob);
  assert.deepEqual([w.status, w.bitmap], [0, 0n]);
  const r = await oc.vectorRead([c1 + 2, c0, c1 + 3]);
  assert.deepEqual([r.status, r.bitmap], [0, 0n]);
  assert.deepEqual(r.data, Uint8Array.from([...data.subarray(6 * 4096, 7 * 4096), ...data.subarray(0, 4096), ...data.subarray(7 * 4096)]));
  assert.deepEqual(r.oob, Uint8Array.from([...oob.subarray(96, 112), ...oob.subarray(0, 16), ...oob.subarray(112)]));
  const d = await oc.chunk({ grp: 1, pu: 0, chk: 2 });
  assert.deepEqual([d.state, d.wp], ['OPEN', 4]);
  const reset = await oc.vectorReset([c0, c1], { descriptors: true });
  assert.deepEqual([reset.status, reset.bitmap], [0, 0n]);
  assert.deepEqual(reset.descriptors!.map((x) => [x.state, x.wp, x.slba]), [['FREE', 0, c0], ['FREE', 0, c1]]);
  // Reset again: a free chunk without MCCAP multiple resets is Invalid Reset, bit 1 set.
  const again = await oc.vectorReset([oc.pack({ grp: 0, pu: 0, chk: 0, sec: 0 }), c1]);
  assert.equal(again.status, Ocssd20Status.INVALID_RESET | DNR);
  assert.equal(again.bitmap, 0b11n);
});

test('the inline (fabrics) layout moves lists and OOB in the data and gives the same results', async (t) => {
  const { host, oc: pcie } = await attach(t, `${SMALL},mccap=1`);
  // The inline layout over PCIe too (the controller accepts it on any transport).
  const oc = await Ocssd20Host.open(host, 1, { inline: true });
  assert.equal(oc.fabric, true);
  const c = oc.pack({ grp: 0, pu: 0, chk: 1, sec: 0 });
  const lbas = [c, c + 1, c + 2, c + 3, c + 4, c + 5, c + 6, c + 7];
  const data = sectors(lbas, 4096, 3);
  const oob = oobFor(lbas, 16, 3);
  assert.equal((await oc.vectorWrite(lbas, data, oob)).status, 0);
  const r = await oc.vectorRead([c + 7, c + 1]);
  assert.equal(r.status, 0);
  assert.deepEqual(r.data, Uint8Array.from([...data.subarray(7 * 4096), ...data.subarray(4096, 2 * 4096)]));
  assert.deepEqual(r.oob, Uint8Array.from([...oob.subarray(112), ...oob.subarray(16, 32)]));
  // NLB = 0 with OOB: the LBA in CDW10-11, OOB after the data.
  const one = await oc.vectorRead([c + 3]);
  assert.deepEqual(one.data, data.subarray(3 * 4096, 4 * 4096));
  assert.deepEqual(one.oob, oob.subarray(48, 64));
  // Copy four sectors elsewhere, then read them back with their OOB.
  const d = oc.pack({ grp: 1, pu: 1, chk: 0, sec: 0 });
  const cp = await oc.vectorCopy([c, c + 1, c + 2, c + 3], [d, d + 1, d + 2, d + 3]);
  assert.deepEqual([cp.status, cp.bitmap], [0, 0n]);
  const back = await pcie.vectorRead([d, d + 1, d + 2, d + 3]);
  assert.deepEqual(back.data, data.subarray(0, 4 * 4096));
  assert.deepEqual(back.oob, oob.subarray(0, 64));
  const rs = await oc.vectorReset([c, d]);
  assert.equal(rs.status, 0);
  assert.deepEqual((await oc.chunkInfo(1, 1))[0]!.state, 'FREE');
});

test('a multi-LBA list without the inline layout needs host memory: a staged read with an unknown tag is Invalid Field', async (t) => {
  const { host } = await attach(t, SMALL);
  // ILAY set, two LBAs, no list staged under tag 77.
  const r = await host.passthrough('io', { opc: Ocssd20Opcode.VECTOR_READ, nsid: 1, cdw10: 77, cdw12: 1, cdw13: 1 }, { dataInLength: 2 * (4096 + 16) });
  assert.equal(r.status, 0x4002);
  assert.equal(r.dw0, 0b11);
  assert.throws(() => Ocssd20Host.check({ status: r.status, bitmap: 3n }, 'read'), /bitmap 0x3/);
  assert.throws(() => Ocssd20Host.check({ status: 0x42c1, bitmap: 1n }, 'reset'), /reset \(Invalid Reset \(SCT 0x2 SC 0xC1, DNR\), bitmap 0x1\)/);
});
