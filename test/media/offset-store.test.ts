// Media windows inside a shared image (dataOffset): two media over one data file, each with its
// own state file, land their sectors in their own byte ranges; the raw data store (what the 1.2
// personality's plain LBA access uses) sees the same bytes; an image too small for the window
// is refused with the offset named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ImageError, MemoryStore, OffsetStore, openMedia } from '../../src/media/index.js';
import { SMALL, pattern, tempDir } from './helpers.js';

test('an OffsetStore reads and writes its window of the inner store and reports the size left', () => {
  const inner = new MemoryStore(1000);
  const w = new OffsetStore(inner, 600, false);
  assert.equal(w.size, 400);
  w.write(Uint8Array.of(1, 2, 3), 10);
  const all = new Uint8Array(1000);
  inner.read(all, 0);
  assert.deepEqual([...all.subarray(609, 614)], [0, 1, 2, 3, 0]);
  const back = new Uint8Array(3);
  w.read(back, 10);
  assert.deepEqual([...back], [1, 2, 3]);
  assert.throws(() => new OffsetStore(inner, -1), /store offset -1: must be an integer >= 0/);
});

test('two media windows over one image: separate byte ranges, separate state files', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  const bytes = 64 * 512; // SMALL: 2 PUs x 4 chunks x 8 sectors of 512 B
  const a = openMedia({ kind: 'file', path, statePath: join(dir, 'a'), imageSize: 2 * bytes }, { geometry: SMALL });
  const b = openMedia({ kind: 'file', path, statePath: join(dir, 'b'), dataOffset: bytes }, { geometry: SMALL });
  assert.equal(a.program(1, 0, 2, pattern(512, 2, 1)).status, 0);
  assert.equal(b.program(1, 0, 2, pattern(512, 2, 2)).status, 0);
  const raw = new Uint8Array(1024);
  b.dataStore.read(raw, 8 * 512);
  assert.deepEqual(raw, pattern(512, 2, 2), 'the raw store is the window');
  a.close();
  b.close();
  assert.equal(statSync(path).size, 2 * bytes);
  const file = readFileSync(path);
  assert.deepEqual(new Uint8Array(file.subarray(8 * 512, 10 * 512)), pattern(512, 2, 1));
  assert.deepEqual(new Uint8Array(file.subarray(bytes + 8 * 512, bytes + 10 * 512)), pattern(512, 2, 2));
  const again = openMedia({ kind: 'file', path, statePath: join(dir, 'b'), dataOffset: bytes });
  const back = new Uint8Array(1024);
  assert.equal(again.read(1, 0, 2, back).status, 0);
  assert.deepEqual(back, pattern(512, 2, 2));
  again.close();
  assert.throws(() => openMedia({ kind: 'file', path, statePath: join(dir, 'c'), dataOffset: 2 * bytes - 512 }, { geometry: SMALL }), (e: unknown) => e instanceof ImageError && /has 65536 bytes but geometry .* needs 32768 from byte 65024/.test(e.message));
});
