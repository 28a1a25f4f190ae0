import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DmaOutOfMemoryError, RegionDmaAllocator } from '../../../src/transport/index.js';

const BASE = 2 ** 32;

test('buffers are aligned bus addresses over the region, zeroed, and views of it', () => {
  const region = new Uint8Array(1 << 20).fill(0xee);
  const a = new RegionDmaAllocator(region, BASE);
  const x = a.allocate(100, 64);
  const y = a.allocate(5000);
  const z = a.allocate(16, 16384);
  assert.equal(x.addr % 64, 0);
  assert.equal(y.addr % 4096, 0);
  assert.equal(z.addr % 16384, 0);
  for (const b of [x, y, z]) {
    assert.ok(b.addr >= BASE && b.addr + b.bytes.length <= BASE + region.length);
    assert.ok(b.bytes.every((v) => v === 0), 'allocations are zeroed');
  }
  assert.equal(y.bytes.length, 5000);
  y.bytes[7] = 0x5a;
  assert.equal(region[y.addr - BASE + 7], 0x5a, 'the buffer is a view of the shared region');
  // No two live buffers overlap.
  const spans = [x, y, z].map((b) => [b.addr, b.addr + b.bytes.length] as const).sort((p, q) => p[0] - q[0]);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1]);
});

test('free coalesces, so a region filled and emptied in any order is whole again', () => {
  const a = new RegionDmaAllocator(new Uint8Array(256 * 1024), BASE);
  const whole = a.available;
  const bufs = Array.from({ length: 64 }, (_, i) => a.allocate(4096 - (i % 3) * 64, 4096));
  assert.throws(() => a.allocate(4096), DmaOutOfMemoryError);
  // Free odd ones, then even ones in reverse: every merge direction happens.
  for (let i = 1; i < 64; i += 2) a.free(bufs[i]!);
  for (let i = 62; i >= 0; i -= 2) a.free(bufs[i]!);
  assert.equal(a.available, whole);
  assert.equal(a.allocations, 0);
  const big = a.allocate(whole);
  assert.equal(big.addr, BASE);
});

test('double free and foreign buffers are refused; bad sizes and alignments too', () => {
  const a = new RegionDmaAllocator(new Uint8Array(65536), BASE);
  const b = a.allocate(128);
  a.free(b);
  assert.throws(() => a.free(b), /double free/);
  assert.throws(() => a.free({ addr: BASE + 4, bytes: new Uint8Array(4) }), /not an allocated buffer/);
  assert.throws(() => a.allocate(0), /positive integer/);
  assert.throws(() => a.allocate(64, 3), /power of two/);
  assert.throws(() => new RegionDmaAllocator(new Uint8Array(4096), 100), /multiple of 4096/);
  const err = (() => {
    try {
      a.allocate(1 << 20);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(err instanceof DmaOutOfMemoryError);
  assert.match(err.message, /memoryBytes/);
});
