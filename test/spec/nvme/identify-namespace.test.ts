import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import { DLFEAT, FLBAS, IDENTIFY_NAMESPACE, LBA_FORMAT, NSFEAT, getBits, packBits } from '../../../src/spec/nvme/index.js';

test('Identify Namespace is 4096 bytes with no gaps or overlaps', () => {
  assert.equal(IDENTIFY_NAMESPACE.size, 4096);
  assert.deepEqual(checkLayout(IDENTIFY_NAMESPACE), []);
  assert.equal(LBA_FORMAT.size, 4);
  assert.deepEqual(checkLayout(LBA_FORMAT), []);
});

test('Identify Namespace offsets match specs.md 3.7', () => {
  const o = IDENTIFY_NAMESPACE.offset;
  assert.deepEqual(
    [o.nsze, o.ncap, o.nuse, o.nsfeat, o.nlbaf, o.flbas, o.mc, o.dpc, o.dps, o.nmic, o.rescap, o.fpi, o.dlfeat],
    [0, 8, 16, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33],
  );
  assert.deepEqual([o.nawun, o.nawupf, o.nacwu, o.nabsn, o.nabo, o.nabspf, o.noiob, o.nvmcap], [34, 36, 38, 40, 42, 44, 46, 48]);
  assert.deepEqual([o.npwg, o.npwa, o.npdg, o.npda, o.nows], [64, 66, 68, 70, 72]);
  assert.deepEqual([o.anagrpid, o.nsattr, o.nvmsetid, o.endgid, o.nguid, o.eui64], [92, 99, 100, 102, 104, 120]);
  assert.deepEqual([o.lbaf0, o.lbaf1, o.lbaf15, o.vs], [128, 132, 188, 384]);
});

test('an LBA format written in place at lbaf1: ms u16, lbads u8, rp', () => {
  const ns = encode(IDENTIFY_NAMESPACE, { nsze: 0x10_0000n, ncap: 0x10_0000n, nuse: 0n, nlbaf: 1, flbas: packBits(FLBAS, { format: 1 }) });
  encode(LBA_FORMAT, { ms: 16, lbads: 12, rp: 0 }, ns, IDENTIFY_NAMESPACE.offset.lbaf0 + 4 * 1);
  assert.deepEqual([...ns.subarray(132, 136)], [0x10, 0x00, 0x0c, 0x00]);
  assert.deepEqual([...ns.subarray(0, 8)], [0, 0, 0x10, 0, 0, 0, 0, 0]);
  const d = decode(IDENTIFY_NAMESPACE, ns);
  assert.deepEqual(decode(LBA_FORMAT, d.lbaf1 as Uint8Array), { ms: 16, lbads: 12, rp: 0 });
  assert.equal(getBits(d.flbas as number, FLBAS.format), 1);
  assert.equal(d.nsze, 0x10_0000n);
});

test('byte 384 (vs) marks an OCSSD namespace for Linux', () => {
  const vs = new Uint8Array(3712);
  vs[0] = 0x01;
  const ns = encode(IDENTIFY_NAMESPACE, { vs });
  assert.equal(ns[384], 0x01);
});

test('namespace bit tables: FLBAS extended bit 4, NSFEAT DAE bit 2, DLFEAT read value 2:0', () => {
  assert.equal(packBits(FLBAS, { format: 0xf, extended: 1 }), 0x1f);
  assert.equal(packBits(NSFEAT, { dae: 1 }), 0x04);
  assert.equal(packBits(DLFEAT, { readValue: 1, writeZeroesDeac: 1 }), 0x09);
});
