// NbdExport over a memory volume: byte-granular reads, writes and write-zeroes against a plain
// byte-array model (random offsets and lengths, block sizes 512 and 4096, small maxTransfer),
// and concurrent sub-block writes into the same blocks (the per-block lock keeps every one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NbdExport } from '../../src/nbd/index.js';
import { MemoryVolume, randomBytes } from './helpers.js';

test('random unaligned reads, writes and write-zeroes match a byte-array model', async () => {
  for (const blockSize of [512, 4096]) {
    const size = 256 * 1024;
    const vol = new MemoryVolume({ size, blockSize, maxTransfer: 3 * blockSize });
    const exp = new NbdExport(vol);
    const model = new Uint8Array(size);
    let x = blockSize;
    const rnd = (n: number): number => {
      x = (x * 1103515245 + 12345) >>> 0;
      return (x >>> 4) % n;
    };
    for (let i = 0; i < 300; i++) {
      const offset = rnd(size);
      const length = 1 + rnd(Math.min(size - offset, 5 * blockSize + 17));
      const op = rnd(3);
      if (op === 0) {
        const d = randomBytes(length, i + 1);
        await exp.write(offset, d, rnd(2) === 0);
        model.set(d, offset);
      } else if (op === 1) {
        await exp.writeZeroes(offset, length, false);
        model.fill(0, offset, offset + length);
      } else {
        const into = new Uint8Array(length);
        await exp.read(offset, into);
        assert.deepEqual(into, model.subarray(offset, offset + length), `read ${offset}+${length} (bs ${blockSize})`);
      }
    }
    assert.deepEqual(vol.data, model, `final image (bs ${blockSize})`);
    assert.ok(vol.biggest <= 3 * blockSize, 'pieces stay within maxTransfer');
    assert.equal(exp.lockedBlocks, 0, 'no block lock left behind');
  }
});

test('concurrent sub-block writes into shared blocks all land (read-modify-write is serialised per block)', async () => {
  const vol = new MemoryVolume({ size: 64 * 1024, blockSize: 4096, delayMs: 3, seed: 7 });
  const exp = new NbdExport(vol);
  // 64 writes of 100 bytes, 16 per block, over four blocks, all at once.
  const writes = Array.from({ length: 64 }, (_, i) => ({ offset: (i % 4) * 4096 + Math.floor(i / 4) * 100 + 50, data: new Uint8Array(100).fill(i + 1) }));
  await Promise.all(writes.map((w) => exp.write(w.offset, w.data, false)));
  for (const w of writes) assert.deepEqual(vol.data.subarray(w.offset, w.offset + 100), w.data, `write at ${w.offset}`);
  assert.equal(exp.lockedBlocks, 0);
});

test('trim drops only the whole blocks inside the range; FUA variants flush', async () => {
  const vol = new MemoryVolume({ size: 64 * 1024, blockSize: 4096 });
  vol.data.fill(0xaa);
  const exp = new NbdExport(vol);
  await exp.trim(100, 3 * 4096, true);
  assert.equal(vol.data[4095], 0xaa);
  assert.deepEqual(vol.data.subarray(4096, 3 * 4096), new Uint8Array(2 * 4096));
  assert.equal(vol.data[3 * 4096], 0xaa);
  assert.equal(vol.calls.flush, 1);
  await exp.trim(10, 100, false);
  assert.equal(vol.calls.trim, 1, 'a range inside one block trims nothing');
  await exp.writeZeroes(0, 8192, true);
  assert.equal(vol.calls.flush, 2);
});

test('a volume failure reaches the caller only after every piece has settled', async () => {
  const vol = new MemoryVolume({ size: 64 * 1024, blockSize: 4096, maxTransfer: 4096 });
  const exp = new NbdExport(vol);
  vol.failWith = new Error('boom');
  await assert.rejects(exp.write(10, new Uint8Array(20000), false), /boom/);
  assert.equal(exp.lockedBlocks, 0);
  assert.throws(() => new NbdExport(new MemoryVolume({ size: 5000, blockSize: 4096 })), /volume size 5000: must be a multiple of the block size 4096/);
});
