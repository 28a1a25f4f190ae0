import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Geometry, GeometryError, validateGeometry } from '../../src/media/index.js';

// The tutorial device (seed-emulator-behaviour.md section 6).
const tutorial = () => Geometry.fromV12({ channels: 1, lunsPerChannel: 16, planes: 2, blocks: 3, pages: 512, sectorsPerPage: 4, sectorSize: 4096, oobSize: 16 });

test('tutorial geometry: sizes and the 768 MiB reachable through PPAs', () => {
  const g = tutorial();
  assert.equal(g.chunksPerPu, 6);
  assert.equal(g.sectorsPerChunk, 2048);
  assert.equal(g.totalChunks, 96);
  assert.equal(g.totalSectors, 196_608);
  assert.equal(g.dataBytes, 768 * 1024 * 1024);
});

test('2.0 view of a 1.2 device is what Linux derives: a chunk spans the planes', () => {
  assert.deepEqual(tutorial().v20(), { numGroups: 1, numPu: 16, numChunk: 3, clba: 4096, sectorSize: 4096, oobSize: 16 });
  assert.deepEqual(tutorial().v12(), { channels: 1, lunsPerChannel: 16, planes: 2, blocks: 3, pages: 512, sectorsPerPage: 4, sectorSize: 4096, oobSize: 16 });
});

test('2.0 geometry round-trips through its view', () => {
  const v = { numGroups: 2, numPu: 4, numChunk: 60, clba: 4096, sectorSize: 4096, oobSize: 16 };
  const g = Geometry.fromV20(v);
  assert.deepEqual(g.v20(), v);
  assert.equal(g.totalChunks, 480);
  assert.deepEqual(g.lbaBits(), { sec: 12, chk: 6, pu: 2, grp: 1 });
});

test('disk placement is the original 1.2 linear index: LUN, block, page, plane, sector', () => {
  const g = tutorial();
  const S = 4, P = 2, G = 512, B = 3;
  for (const [lun, blk, pln, pg, sec] of [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 3], [5, 2, 1, 511, 3], [15, 1, 0, 7, 2]] as const) {
    const want = sec + pln * S + pg * (S * P) + blk * (S * P * G) + lun * (S * P * G * B);
    assert.equal(g.diskSector(g.chunkOf12(0, lun, blk, pln), pg * S + sec), want, `lun ${lun} blk ${blk} pln ${pln} pg ${pg} sec ${sec}`);
  }
});

test('placement is a bijection onto [0, totalSectors) and runs are contiguous', () => {
  const g = Geometry.create({ groups: 2, pusPerGroup: 2, planes: 4, blocksPerPlane: 2, pagesPerBlock: 3, sectorsPerPage: 2, sectorSize: 512, oobSize: 0 });
  const seen = new Set<number>();
  for (let c = 0; c < g.totalChunks; c++) {
    for (let s = 0; s < g.sectorsPerChunk; ) {
      const run = g.contiguousRun(s, g.sectorsPerChunk - s);
      for (let k = 0; k < run; k++) {
        assert.equal(g.diskSector(c, s + k), g.diskSector(c, s) + k);
        seen.add(g.diskSector(c, s + k));
      }
      s += run;
    }
  }
  assert.equal(seen.size, g.totalSectors);
  assert.equal(Math.min(...seen), 0);
  assert.equal(Math.max(...seen), g.totalSectors - 1);
});

test('one plane: chunk-major placement, whole-request runs', () => {
  const g = Geometry.fromV20({ numGroups: 1, numPu: 2, numChunk: 4, clba: 8, sectorSize: 4096, oobSize: 0 });
  assert.equal(g.diskSector(5, 3), 43);
  assert.equal(g.contiguousRun(3, 5), 5);
  assert.equal(g.puOf(5), 1);
  assert.equal(g.chunkInPu(5), 1);
  assert.equal(g.groupOf(5), 0);
});

test('validation names the field, the value and the allowed range', () => {
  const base = { groups: 1, pusPerGroup: 1, planes: 1, blocksPerPlane: 1, pagesPerBlock: 1, sectorsPerPage: 1, sectorSize: 4096, oobSize: 0 };
  assert.deepEqual(validateGeometry(base), []);
  assert.deepEqual(validateGeometry({ ...base, planes: 3 }), ['planes = 3: allowed 1, 2, 4']);
  assert.deepEqual(validateGeometry({ ...base, sectorSize: 1000 }), ['sectorSize = 1000: allowed 512..65536, a power of two']);
  assert.deepEqual(validateGeometry({ ...base, groups: 0, oobSize: -1 }), ['groups = 0: allowed 1..65535', 'oobSize = -1: allowed 0..4096']);
  assert.deepEqual(validateGeometry({ ...base, blocksPerPlane: 1.5 }), ['blocksPerPlane = 1.5: allowed 1..4294967295']);
  assert.match(validateGeometry({ ...base, blocksPerPlane: 2 ** 32 - 1, pagesPerBlock: 2 ** 20 })[0]!, /total sectors = \d+: allowed at most 2\^48/);
  assert.throws(() => Geometry.create({ ...base, planes: 3 }), (e: unknown) => e instanceof GeometryError && /invalid geometry: planes = 3/.test(e.message));
  assert.throws(() => Geometry.fromV12({ channels: 256, lunsPerChannel: 1, planes: 1, blocks: 1, pages: 1, sectorsPerPage: 1, sectorSize: 4096, oobSize: 0 }), /channels = 256: allowed 1\.\.255/);
  assert.throws(() => Geometry.fromV20({ numGroups: 1, numPu: 0, numChunk: 1, clba: 1, sectorSize: 4096, oobSize: 0 }), /numPu = 0: allowed 1\.\.65535/);
});

test('describe and equals', () => {
  const g = tutorial();
  assert.equal(g.describe(), '1 grp x 16 PU x 2 pln x 3 blk x 512 pg x 4 sec of 4096+16 B');
  assert.ok(g.equals(g.params()));
  assert.ok(!g.equals({ ...g.params(), oobSize: 8 }));
});
