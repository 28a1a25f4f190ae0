import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkIoStatus, ChunkReportState, LineLayout, NO_LBA, deviceAddress, targetShape, type ChunkGeometry } from '../../src/ftl/index.js';
import { padOpenChunks, padSmetaChunks, recoveryPadEnds } from '../../src/ftl/recovery-pad.js';
import { mediaDevice } from './helpers.js';

const GEO: ChunkGeometry = { numGroups: 1, numPu: 4, numChunk: 8, clba: 64, wsMin: 4, wsOpt: 8, mwCunits: 16, sectorSize: 4096, oobSize: 16, maxVector: 64 };

test('recovery pad ends: every chunk up to the last unit written (no holes), and mw_cunits past its write pointer', () => {
  const shape = targetShape(GEO, 0, 3);
  const L = new LineLayout(shape, 1, [0, 1, 2, 3]);
  // Last units on the media: PU0 unit 12 (row 3), PU1 unit 9, PU2 unit 10, PU3 unit 7 (rows 2, 2, 1).
  assert.deepEqual(recoveryPadEnds(shape, L, [32, 24, 24, 16]), [48, 40, 40, 32]);
  const noMw = targetShape({ ...GEO, mwCunits: 0 }, 0, 3);
  // Without mw_cunits only the hole (PU3's row 2, below unit 12) is padded.
  assert.deepEqual(recoveryPadEnds(noMw, new LineLayout(noMw, 1, [0, 1, 2, 3]), [32, 24, 24, 16]), [32, 24, 24, 24]);
  // A full chunk is left alone and padding stops at a chunk's end; chunks behind (a program
  // failure closed them early: the pad write then fails) are padded up to the last unit too.
  assert.deepEqual(recoveryPadEnds(shape, L, [64, 56, 0, 0]), [64, 64, 56, 56]);
  // A line with only its smeta unit written.
  assert.deepEqual(recoveryPadEnds(shape, L, [8, 0, 0, 0]), [24, 0, 0, 0]);
  // mw_cunits not a multiple of the unit: rounded up to a unit boundary.
  const odd = targetShape({ ...GEO, mwCunits: 12 }, 0, 3);
  assert.deepEqual(recoveryPadEnds(odd, new LineLayout(odd, 1, [0, 1, 2, 3]), [8, 8, 8, 8]), [24, 24, 24, 24]);
});

test('padOpenChunks makes every sector written before a crash readable, pads carrying no LBA', async () => {
  const dev = mediaDevice({ mwCunits: 16 });
  const g = dev.geometry;
  const shape = targetShape(g, 0, 3);
  const L = new LineLayout(shape, 1, [0, 1, 2, 3]);
  const wps = [32, 24, 24, 16];
  const data = new Uint8Array(64 * 4096).fill(7);
  const oob = new Uint8Array(64 * g.oobSize);
  for (const [pu, wp] of wps.entries()) {
    const addrs = Array.from({ length: wp }, (_, i) => deviceAddress(g, pu, 1, i));
    assert.equal((await dev.write(addrs, wp, data, oob)).status, ChunkIoStatus.OK);
  }
  const last = new Uint8Array(4096);
  const tailOf = (pu: number): number[] => [deviceAddress(g, pu, 1, wps[pu]! - 1)];
  assert.notEqual((await dev.read(tailOf(0), 1, last)).status, ChunkIoStatus.OK, 'the tail is unreadable before the pad');
  const written = await padOpenChunks(dev, shape, L, 99, (pu) => wps[pu]!);
  assert.equal(written, 16 + 16 + 16 + 16);
  const report = await dev.chunkReport();
  assert.deepEqual([0, 1, 2, 3].map((pu) => report[pu * g.numChunk + 1]!.wp), [48, 40, 40, 32]);
  for (let pu = 0; pu < 4; pu++) {
    const r = await dev.read(tailOf(pu), 1, last);
    assert.equal(r.status, ChunkIoStatus.OK, `PU ${pu}: the last sector written before the pad reads`);
    assert.equal(last[0], 7);
  }
  // The pads are within mw_cunits of the write pointer themselves: write on to read one back.
  assert.equal((await dev.write(Array.from({ length: 16 }, (_, i) => deviceAddress(g, 3, 1, 32 + i)), 16, data, oob)).status, ChunkIoStatus.OK);
  const padOob = new Uint8Array(g.oobSize);
  assert.equal((await dev.read([deviceAddress(g, 3, 1, 16)], 1, last, padOob)).status, ChunkIoStatus.OK);
  const dv = new DataView(padOob.buffer);
  assert.equal(dv.getUint32(0, true), NO_LBA, 'pad OOB: no LBA');
  assert.equal(dv.getUint32(4, true), 99, 'pad OOB: the line seq');
});

test('padSmetaChunks pads a first chunk whose smeta is still within mw_cunits of its write pointer', async () => {
  const dev = mediaDevice({ mwCunits: 16 });
  const g = dev.geometry;
  const shape = targetShape(g, 0, 3);
  const data = new Uint8Array(8 * 4096);
  const oob = new Uint8Array(8 * g.oobSize);
  // Line 2: smeta unit only on PU1 (PU0 has nothing); line 3: far enough written already.
  await dev.write(Array.from({ length: 8 }, (_, i) => deviceAddress(g, 1, 2, i)), 8, data, oob);
  for (let s = 0; s < 32; s += 8) await dev.write(Array.from({ length: 8 }, (_, i) => deviceAddress(g, 0, 3, s + i)), 8, data, oob);
  const report = await dev.chunkReport();
  const first = Array.from({ length: g.numChunk }, () => -1);
  first[2] = 1;
  first[3] = 0;
  const written = await padSmetaChunks(dev, shape, first, report, (pu, line) => pu * g.numChunk + line);
  assert.equal(written, 16);
  const after = await dev.chunkReport();
  assert.equal(after[1 * g.numChunk + 2]!.wp, 24);
  assert.equal(after[1 * g.numChunk + 2]!.state, ChunkReportState.OPEN);
  assert.equal(after[0 * g.numChunk + 3]!.wp, 32, 'line 3 untouched');
  assert.equal((await dev.read([deviceAddress(g, 1, 2, 0)], 1, new Uint8Array(4096))).status, ChunkIoStatus.OK, 'smeta sector reads');
});
