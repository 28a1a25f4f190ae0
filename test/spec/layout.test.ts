import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, defineLayout, encode, f, readField } from '../../src/spec/index.js';

const demo = defineLayout('demo', 24, [
  f('op', 0, 1, 'u8'),
  f('rsvd1', 1, 1, 'bytes'),
  f('cid', 2, 2, 'u16'),
  f('nsid', 4, 4, 'u32'),
  f('slba', 8, 8, 'u64'),
  f('name', 16, 4, 'ascii'),
  f('tail', 20, 4, 'bytes'),
]);

test('encode writes little-endian fields at their offsets', () => {
  const b = encode(demo, { op: 0x91, cid: 0x1234, nsid: 1, slba: 0x0102030405060708n, name: 'AB', tail: Uint8Array.of(9) });
  assert.deepEqual(
    [...b],
    [0x91, 0, 0x34, 0x12, 1, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 0x41, 0x42, 0x20, 0x20, 9, 0, 0, 0],
  );
});

test('decode(encode(x)) round-trips and skips reserved fields', () => {
  const values = { op: 2, cid: 65535, nsid: 0xffffffff, slba: (1n << 64n) - 1n, name: 'LNVM', tail: Uint8Array.of(1, 2, 3, 4) };
  const d = decode(demo, encode(demo, values));
  assert.deepEqual(d, values);
  assert.ok(!('rsvd1' in d));
});

test('big-endian layouts (NBD) encode network order', () => {
  const be = defineLayout('be', 6, [f('magic', 0, 4, 'u32'), f('flags', 4, 2, 'u16')], 'be');
  assert.deepEqual([...encode(be, { magic: 0x25609513, flags: 1 })], [0x25, 0x60, 0x95, 0x13, 0, 1]);
});

test('values that do not fit are refused with the field name', () => {
  assert.throws(() => encode(demo, { op: 256 }), /demo\.op: 256 does not fit u8/);
  assert.throws(() => encode(demo, { slba: -1n }), /demo\.slba/);
  assert.throws(() => encode(demo, { name: 'TOOLONG' }), /demo\.name/);
  assert.throws(() => encode(demo, { nope: 1 } as never), /demo has no field nope/);
});

test('layout checks find overlaps, gaps, size mismatches and duplicates', () => {
  const bad = { name: 'bad', size: 12, endian: 'le' as const, offset: {}, fields: [f('a', 0, 4, 'u32'), f('b', 2, 2, 'u32'), f('a', 6, 2, 'u16')] };
  const p = checkLayout(bad);
  assert.ok(p.some((x) => /b at 2 overlaps/.test(x)));
  assert.ok(p.some((x) => /b is u32 but 2 bytes/.test(x)));
  assert.ok(p.some((x) => /unnamed gap 4\.\.5 before a/.test(x)));
  assert.ok(p.some((x) => /a declared twice/.test(x)));
  assert.ok(p.some((x) => /end at 8 but the layout is 12/.test(x)));
  assert.throws(() => defineLayout('short', 8, [f('a', 0, 4, 'u32')]), /layout short: fields end at 4/);
});

test('decode refuses a buffer that is too short', () => {
  assert.throws(() => decode(demo, new Uint8Array(10)), /demo: needs 24 bytes/);
  assert.equal(readField(demo, encode(demo, { nsid: 7 }), demo.fields[3]!), 7);
});

test("'cstr' fields are NUL padded and end at the first NUL (NQNs)", () => {
  const l = defineLayout('nqn', 12, [f('nqn', 0, 12, 'cstr')]);
  const b = encode(l, { nqn: 'nqn.a b' });
  assert.deepEqual([...b], [0x6e, 0x71, 0x6e, 0x2e, 0x61, 0x20, 0x62, 0, 0, 0, 0, 0]);
  assert.equal(decode(l, b).nqn, 'nqn.a b');
  b[3] = 0;
  assert.equal(decode(l, b).nqn, 'nqn');
  assert.throws(() => encode(l, { nqn: 'x'.repeat(13) }), /nqn\.nqn/);
});
