import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { BadMark, ChunkState, Geometry, ImageError, MediaStatus, defaultStatePath, inspectImage, openMedia } from '../../src/media/index.js';
import { CHUNK_SLOT, HEADER_SIZE, SLOT_SIZE } from '../../src/media/image-format.js';
import { DUAL_PLANE, SMALL, oobPattern, pattern, tempDir } from './helpers.js';

const SS = SMALL.sectorSize;

test('a new file image is created sparse with the requested size and records its geometry', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  const m = openMedia({ kind: 'file', path, imageSize: 1 << 20 }, { geometry: SMALL, endurance: 77 });
  m.close();
  assert.equal(statSync(path).size, 1 << 20);
  assert.ok(existsSync(defaultStatePath(path)));
  const info = inspectImage(defaultStatePath(path));
  assert.ok(info.geometry.equals(SMALL));
  assert.equal(info.endurance, 77);
});

test('data, OOB, write pointers, wear and bad marks survive close and reopen', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  let m = openMedia({ kind: 'file', path }, { geometry: DUAL_PLANE, factoryBad: { chunks: [7] } });
  m.program(0, 0, 3, pattern(512, 3, 1), 0, oobPattern(4, 3, 1));
  m.program(5, 0, 8, pattern(512, 8, 2), 0, oobPattern(4, 8, 2));
  m.erase(3);
  m.erase(3);
  m.setBadMark(2, BadMark.HOST_RESERVED);
  m.close();

  m = openMedia({ kind: 'file', path }); // geometry comes from the image
  assert.ok(m.geometry.equals(DUAL_PLANE));
  assert.deepEqual([m.chunk(0).state, m.chunk(0).wp], [ChunkState.OPEN, 3]);
  assert.deepEqual([m.chunk(5).state, m.chunk(5).wp], [ChunkState.CLOSED, 8]);
  assert.equal(m.chunk(3).eraseCount, 2);
  assert.equal(m.badMark(2), BadMark.HOST_RESERVED);
  assert.deepEqual([m.chunk(7).state, m.chunk(7).mark], [ChunkState.OFFLINE, BadMark.FACTORY]);
  const buf = new Uint8Array(8 * 512);
  const oob = new Uint8Array(8 * 4);
  assert.equal(m.read(5, 0, 8, buf, 0, oob).status, MediaStatus.OK);
  assert.deepEqual(buf, pattern(512, 8, 2));
  assert.deepEqual(oob, oobPattern(4, 8, 2));
  assert.equal(m.read(0, 3, 1, buf).status, MediaStatus.UNWRITTEN);
  m.close();
});

test('opening never truncates: files keep their size and content', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  let m = openMedia({ kind: 'file', path, imageSize: 4 << 20 }, { geometry: SMALL });
  m.program(0, 0, 1, pattern(SS, 1, 5));
  m.close();
  const before = [statSync(path).size, statSync(defaultStatePath(path)).size, readFileSync(path).subarray(0, SS)];
  m = openMedia({ kind: 'file', path }, { geometry: SMALL });
  m.close();
  assert.deepEqual([statSync(path).size, statSync(defaultStatePath(path)).size, readFileSync(path).subarray(0, SS)], before);
});

test('an existing raw image (the original drive= file) is used as it is when big enough', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'blknvme');
  const g = Geometry.create(SMALL);
  writeFileSync(path, Buffer.alloc(g.dataBytes + 4096, 0xab));
  const m = openMedia({ kind: 'file', path }, { geometry: SMALL });
  m.close();
  assert.equal(statSync(path).size, g.dataBytes + 4096);
  writeFileSync(join(dir, 'small'), Buffer.alloc(100));
  assert.throws(() => openMedia({ kind: 'file', path: join(dir, 'small') }, { geometry: SMALL }), /image .*small has 100 bytes but geometry .* needs 32768/);
});

test('opening with another geometry is refused, naming both', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  openMedia({ kind: 'file', path }, { geometry: SMALL }).close();
  assert.throws(
    () => openMedia({ kind: 'file', path }, { geometry: { ...SMALL, blocksPerPlane: 5 } }),
    (e: unknown) =>
      e instanceof ImageError &&
      e.message.includes('was created with geometry 1 grp x 2 PU x 1 pln x 4 blk x 8 pg x 1 sec of 512+8 B') &&
      e.message.includes('but 1 grp x 2 PU x 1 pln x 5 blk x 8 pg x 1 sec of 512+8 B was requested'),
  );
  assert.throws(() => openMedia({ kind: 'file', path }, { endurance: 5 }), /created with endurance 1000 P\/E cycles, but 5 was requested/);
});

test('corrupt, foreign, cut-short state files and a missing data image are refused clearly', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  const state = defaultStatePath(path);
  openMedia({ kind: 'file', path }, { geometry: SMALL }).close();
  const fd = openSync(state, 'r+');
  writeSync(fd, Buffer.from([0xff]), 0, 1, 100);
  closeSync(fd);
  assert.throws(() => openMedia({ kind: 'file', path }), /header checksum mismatch/);

  writeFileSync(join(dir, 'other.ocssd'), Buffer.alloc(HEADER_SIZE));
  assert.throws(() => openMedia({ kind: 'file', path: join(dir, 'other') }), /not an ocssd state file/);

  const p2 = join(dir, 'img2');
  openMedia({ kind: 'file', path: p2 }, { geometry: SMALL }).close();
  truncateSync(defaultStatePath(p2), HEADER_SIZE + 10);
  assert.throws(() => openMedia({ kind: 'file', path: p2 }), /was cut short/);

  const p3 = join(dir, 'img3');
  openMedia({ kind: 'file', path: p3 }, { geometry: SMALL }).close();
  writeFileSync(p3, Buffer.alloc(0));
  assert.throws(() => openMedia({ kind: 'file', path: p3 }), /img3 has 0 bytes but its geometry/);
});

test('a torn chunk slot falls back to the older complete copy', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'img');
  let m = openMedia({ kind: 'file', path }, { geometry: SMALL });
  m.program(1, 0, 2, pattern(SS, 2, 1)); // seq 1 -> slot 1
  m.program(1, 2, 1, pattern(SS, 1, 2)); // seq 2 -> slot 0
  m.close();
  // Corrupt the newest copy (slot 0 of chunk 1), as a torn write would.
  const fd = openSync(defaultStatePath(path), 'r+');
  writeSync(fd, Buffer.from([0x99]), 0, 1, HEADER_SIZE + (1 * 2 + 0) * SLOT_SIZE + CHUNK_SLOT.offset.wp);
  closeSync(fd);
  m = openMedia({ kind: 'file', path });
  assert.equal(m.tornSlotsAtOpen, 1);
  assert.equal(m.writePointer(1), 2, 'the state before the torn update');
  m.close();
});

test('a 1 TiB image is sparse on disk and its resident table is per chunk', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'big');
  const geometry = { groups: 1, pusPerGroup: 16, planes: 1, blocksPerPlane: 4096, pagesPerBlock: 4096, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 };
  const m = openMedia({ kind: 'file', path }, { geometry });
  assert.equal(m.geometry.dataBytes, 2 ** 40);
  m.program(65535, 0, 1, pattern(4096, 1, 1));
  m.close();
  const img = statSync(path);
  const st = statSync(defaultStatePath(path));
  assert.equal(img.size, 2 ** 40);
  assert.ok(img.blocks * 512 < 1 << 20, `data image allocates ${img.blocks * 512} bytes`);
  assert.ok(st.blocks * 512 < 16 << 20, `state file allocates ${st.blocks * 512} bytes`);
});

test('memory backend needs a geometry and keeps nothing', () => {
  assert.throws(() => openMedia({ kind: 'memory' }), /creating a memory image needs a geometry/);
  const m = openMedia({ kind: 'memory' }, { geometry: SMALL });
  assert.equal(m.program(0, 0, 1, pattern(SS, 1, 1)).status, MediaStatus.OK);
  assert.equal(m.label, 'memory');
});
