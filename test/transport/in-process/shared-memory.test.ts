import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedHostMemory, sharedLayout, totalBytes } from '../../../src/transport/in-process/shared-memory.js';

test('SharedHostMemory writes like RegionHostMemory: every alignment and length, and refuses unmapped ranges', () => {
  const base = 2 ** 32;
  const mem = new SharedHostMemory(new Uint8Array(new SharedArrayBuffer(256)), base);
  const src = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
  for (const at of [0, 1, 2, 3, 16, 60]) {
    for (const len of [1, 3, 4, 5, 16, 17]) {
      if (at + len > 256) continue;
      mem.bytes.fill(0);
      assert.equal(mem.write(base + at, src, 2, len), true);
      const want = new Uint8Array(256);
      want.set(src.subarray(2, 2 + len), at);
      assert.deepEqual(mem.bytes, want, `write of ${len} at ${at}`);
    }
  }
  assert.equal(mem.write(base + 250, src, 0, 16), false);
  assert.equal(mem.write(base - 4, src, 0, 4), false);
  const back = new Uint8Array(4);
  assert.equal(mem.read(base + 16, back, 0, 4), true);
});

test('the shared layout keeps the control area dword-indexed and the memory region page aligned', () => {
  const l = sharedLayout(100, 1 << 20, 2 ** 32);
  assert.equal(l.doorbellSlots, 128, 'rounded to whole dirty-bitmap words');
  assert.ok(l.doorbellBase >= l.dirtyBase + l.doorbellSlots / 32);
  assert.equal(l.memoryOffset % 4096, 0);
  assert.ok(l.memoryOffset >= 4 * (l.doorbellBase + l.doorbellSlots));
  assert.equal(totalBytes(l), l.memoryOffset + (1 << 20));
});
