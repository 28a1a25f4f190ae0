import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../src/nbd/index.js';

test('buffers come in power-of-two classes from 4 KiB and are reused after release', () => {
  const pool = new BufferPool(1 << 20, 2);
  const sizes: [number, number][] = [[1, 4096], [4096, 4096], [4097, 8192], [4112, 8192], [65536, 65536], [(1 << 20) + 1, 2 << 20]];
  for (const [ask, want] of sizes) assert.equal(pool.get(ask).length, want, `get(${ask})`);
  const a = pool.get(5000);
  pool.release(a);
  assert.equal(pool.retainedBytes, 8192);
  assert.equal(pool.get(6000), a, 'the released buffer is handed out again');
  assert.equal(pool.retainedBytes, 0);
  pool.release(a.subarray(0, 10));
  pool.release(new Uint8Array(3000));
  assert.equal(pool.retainedBytes, 0, 'views and foreign sizes are not kept');
  const perClass = new BufferPool(1 << 20, 2);
  for (let i = 0; i < 5; i++) perClass.release(new Uint8Array(4096));
  assert.equal(perClass.retainedBytes, 2 * 4096, 'at most perClass buffers per class');
  const capped = new BufferPool(8192, 8);
  for (let i = 0; i < 3; i++) capped.release(new Uint8Array(4096));
  assert.equal(capped.retainedBytes, 8192, 'the retained-bytes cap holds');
});
