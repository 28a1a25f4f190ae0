import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  b,
  checkBitFields,
  defineBits,
  getBits,
  getBits64,
  packBits,
  readBits,
  setBits,
  setBits64,
  writeBits,
} from '../../../src/spec/nvme/index.js';

const T = defineBits('t', [b('lo', 0, 0, 4), b('mid', 0, 4, 12), b('top', 0, 31, 1), b('all', 1, 0, 32)]);

test('getBits extracts unsigned fields, including bit 31 and full dwords', () => {
  assert.equal(getBits(0xabcd_1234, T.lo), 0x4);
  assert.equal(getBits(0xabcd_1234, T.mid), 0x123);
  assert.equal(getBits(0x8000_0000, T.top), 1);
  assert.equal(getBits(0xffff_ffff, T.all), 0xffff_ffff);
});

test('setBits replaces only the field and stays unsigned', () => {
  assert.equal(setBits(0xffff_ffff, T.lo, 0), 0xffff_fff0);
  assert.equal(setBits(0, T.top, true), 0x8000_0000);
  assert.equal(setBits(0x1234_5678, T.all, 0xdead_beef), 0xdead_beef);
  assert.equal(setBits(0x0000_0001, T.mid, 0xabc), 0x0000_abc1);
});

test('setBits refuses values that do not fit, naming the field', () => {
  assert.throws(() => setBits(0, T.lo, 16), /lo: 16 does not fit 4 bits/);
  assert.throws(() => setBits(0, T.lo, -1), /lo/);
  assert.throws(() => setBits(0, T.lo, 1.5), /lo/);
});

test('packBits builds one dword and refuses fields of another dword or unknown names', () => {
  assert.equal(packBits(T, { lo: 0xf, mid: 1, top: 1 }), 0x8000_001f);
  assert.equal(packBits(T, { lo: 1 }, 0xff00), 0xff01);
  assert.throws(() => packBits(T, { lo: 1, all: 2 }), /all is in dword 1, not 0/);
  assert.throws(() => packBits(T, { nope: 1 } as never), /no bit field nope/);
});

test('readBits / writeBits find the dword at base + 4 * dword, little-endian', () => {
  const buf = new Uint8Array(12);
  writeBits(buf, T.all, 0x0102_0304, 4);
  assert.deepEqual([...buf], [0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 2, 1]);
  writeBits(buf, T.top, 1, 4);
  assert.equal(buf[7], 0x80);
  assert.equal(readBits(buf, T.top, 4), 1);
  assert.equal(readBits(buf, T.all, 4), 0x0102_0304);
});

test('64-bit helpers address the high dword with dword 1', () => {
  const v = setBits64(setBits64(0n, T.all, 0xffff_fffe), T.lo, 3);
  assert.equal(v, 0xffff_fffe_0000_0003n);
  assert.equal(getBits64(v, T.all), 0xffff_fffe);
  assert.equal(getBits64(v, T.lo), 3);
});

test('checkBitFields finds overlaps, fields leaving the dword, bad widths and duplicates', () => {
  const p = checkBitFields([b('a', 0, 0, 4), b('b', 0, 3, 2), b('c', 0, 30, 4), b('d', 1, 0, 0), b('a', 2, 0, 1)]);
  assert.ok(p.some((x) => /b overlaps a in dword 0/.test(x)), p.join('\n'));
  assert.ok(p.some((x) => /c bits 30\.\.33 leave the dword/.test(x)));
  assert.ok(p.some((x) => /d has 0 bits/.test(x)));
  assert.ok(p.some((x) => /a declared twice/.test(x)));
  assert.deepEqual(checkBitFields([b('x', 0, 0, 16), b('y', 0, 16, 16), b('z', 1, 0, 16)]), []);
  assert.throws(() => defineBits('bad', [b('a', 0, 0, 8), b('b', 0, 7, 2)]), /bit table bad: b overlaps a/);
});
