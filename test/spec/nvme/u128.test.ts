import { test } from 'node:test';
import assert from 'node:assert/strict';
import { u128, u128Bytes } from '../../../src/spec/nvme/index.js';

test('u128 is little-endian over 16 bytes', () => {
  const v = (1n << 64n) + 0x0102n;
  assert.deepEqual([...u128Bytes(v)], [2, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(u128(u128Bytes(v)), v);
});

test('u128 round-trips the extremes and writes in place at an offset', () => {
  const max = (1n << 128n) - 1n;
  assert.equal(u128(u128Bytes(max)), max);
  assert.equal(u128(u128Bytes(0n)), 0n);
  const buf = new Uint8Array(20).fill(0xee);
  u128Bytes(7n, buf, 2);
  assert.equal(buf[1], 0xee);
  assert.equal(buf[2], 7);
  assert.equal(buf[18], 0xee);
  assert.equal(u128(buf, 2), 7n);
});

test('u128 refuses values and buffers that do not fit', () => {
  assert.throws(() => u128Bytes(1n << 128n), /does not fit 128 bits/);
  assert.throws(() => u128Bytes(-1n), /does not fit/);
  assert.throws(() => u128(new Uint8Array(15)), /needs 16 bytes/);
});
