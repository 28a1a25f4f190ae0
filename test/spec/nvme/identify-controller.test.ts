import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import {
  IDENTIFY_CONTROLLER,
  ONCS,
  OACS,
  POWER_STATE_DESCRIPTOR,
  PSD_FLAGS,
  SGLS,
  packBits,
  u128,
  u128Bytes,
} from '../../../src/spec/nvme/index.js';

const at = (name: string): [number, number] => {
  const fd = IDENTIFY_CONTROLLER.fields.find((x) => x.name === name);
  assert.ok(fd, `no field ${name}`);
  return [fd.offset, fd.size];
};

test('Identify Controller is 4096 bytes with no gaps or overlaps', () => {
  assert.equal(IDENTIFY_CONTROLLER.size, 4096);
  assert.deepEqual(checkLayout(IDENTIFY_CONTROLLER), []);
});

test('Identify Controller offsets and sizes match specs.md 3.6', () => {
  const want: Record<string, [number, number]> = {
    vid: [0, 2], ssvid: [2, 2], sn: [4, 20], mn: [24, 40], fr: [64, 8], rab: [72, 1], ieee: [73, 3],
    cmic: [76, 1], mdts: [77, 1], cntlid: [78, 2], ver: [80, 4], rtd3r: [84, 4], rtd3e: [88, 4],
    oaes: [92, 4], ctratt: [96, 4], cntrltype: [111, 1], fguid: [112, 16],
    oacs: [256, 2], acl: [258, 1], aerl: [259, 1], frmw: [260, 1], lpa: [261, 1], elpe: [262, 1],
    npss: [263, 1], avscc: [264, 1], wctemp: [266, 2], cctemp: [268, 2], tnvmcap: [280, 16],
    unvmcap: [296, 16], kas: [320, 2], sqes: [512, 1], cqes: [513, 1], maxcmd: [514, 2], nn: [516, 4],
    oncs: [520, 2], fuses: [522, 2], fna: [524, 1], vwc: [525, 1], awun: [526, 2], awupf: [528, 2],
    nvscc: [530, 1], acwu: [532, 2], sgls: [536, 4], mnan: [540, 4], subnqn: [768, 256],
    ioccsz: [1792, 4], iorcsz: [1796, 4], icdoff: [1800, 2], fcatt: [1802, 1], msdbd: [1803, 1],
    ofcs: [1804, 2], psd0: [2048, 32], psd1: [2080, 32], psd31: [3040, 32], vs: [3072, 1024],
  };
  for (const [name, pos] of Object.entries(want)) assert.deepEqual(at(name), pos, name);
});

test('identify strings: SN/MN/FR space-padded ASCII, SUBNQN NUL-padded bytes', () => {
  const subnqn = Buffer.from('nqn.2014-08.org.ocssd:ctrl0', 'latin1');
  const id = encode(IDENTIFY_CONTROLLER, { vid: 0x1d1d, sn: 'OC-1', mn: 'ocssd', fr: '0.1', subnqn, ver: 0x00010400, nn: 4 });
  assert.deepEqual([...id.subarray(0, 2)], [0x1d, 0x1d]);
  assert.equal(Buffer.from(id.subarray(4, 24)).toString('latin1'), 'OC-1' + ' '.repeat(16));
  assert.equal(Buffer.from(id.subarray(64, 72)).toString('latin1'), '0.1     ');
  assert.equal(id[768 + subnqn.length], 0);
  assert.equal(id[1023], 0);
  assert.deepEqual([...id.subarray(80, 84)], [0x00, 0x04, 0x01, 0x00]);
  const d = decode(IDENTIFY_CONTROLLER, id);
  assert.equal(d.sn, 'OC-1');
  assert.equal(d.mn, 'ocssd');
  assert.equal(d.nn, 4);
  assert.deepEqual((d.subnqn as Uint8Array).subarray(0, subnqn.length), new Uint8Array(subnqn));
});

test('a Linux-friendly controller round-trips: SQES 0x66, CQES 0x44, MDTS, KAS, 128-bit capacity', () => {
  const values = {
    sqes: 0x66, cqes: 0x44, mdts: 5, cntlid: 1, kas: 10, acl: 3, aerl: 3, elpe: 63, lpa: 0x06,
    oncs: packBits(ONCS, { dsm: 1, writeZeroes: 1 }), oacs: packBits(OACS, { format: 1 }),
    sgls: packBits(SGLS, { supported: 1, offset: 1, transportDataBlock: 1 }), tnvmcap: u128Bytes(1n << 40n),
  };
  const d = decode(IDENTIFY_CONTROLLER, encode(IDENTIFY_CONTROLLER, values));
  for (const [k, v] of Object.entries(values)) assert.deepEqual(d[k as keyof typeof d], v, k);
  assert.equal(d.oncs, 0x000c);
  assert.equal(d.sgls, 0x0030_0001);
  assert.equal(u128(d.tnvmcap as Uint8Array), 1n << 40n);
});

test('power state descriptor is 32 bytes and lands at psd0', () => {
  assert.equal(POWER_STATE_DESCRIPTOR.size, 32);
  assert.deepEqual(checkLayout(POWER_STATE_DESCRIPTOR), []);
  const id = new Uint8Array(4096);
  encode(POWER_STATE_DESCRIPTOR, { mp: 2500, flags: packBits(PSD_FLAGS, { nops: 0 }), enlat: 16, exlat: 4 }, id, IDENTIFY_CONTROLLER.offset.psd0);
  assert.deepEqual([...id.subarray(2048, 2060)], [0xc4, 0x09, 0, 0, 16, 0, 0, 0, 4, 0, 0, 0]);
  assert.deepEqual(POWER_STATE_DESCRIPTOR.offset.idlp, 16);
  assert.deepEqual(POWER_STATE_DESCRIPTOR.offset.actp, 20);
});

test('capability bit tables sit where the spec puts them', () => {
  assert.equal(packBits(OACS, { doorbellBufferConfig: 1 }), 1 << 8);
  assert.equal(packBits(ONCS, { timestamp: 1, verify: 1, copy: 1 }), 0x1c0);
  assert.equal(packBits(SGLS, { bitBucket: 1, mptrSgl: 1 }), (1 << 16) | (1 << 19));
});
