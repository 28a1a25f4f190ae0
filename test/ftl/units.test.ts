// Unit tests of the FTL's parts: capacity rule, line states, GC policies and model, metadata
// codecs, line layout arithmetic, L2P accounting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CACHE, EMETA_HEADER, Ftl, LINE_TRANSITIONS, LineEvent, LineLayout, LineState, NO_LBA, SMETA_HEADER, UNMAPPED, IllegalLineTransition,
  createTarget, decodeEmeta, decodeSmeta, encodeEmeta, encodeSmeta, greedyWaModel, metaSectors, nextLineState, pblkCapacity, pickVictim, targetShape,
  type ChunkGeometry,
} from '../../src/ftl/index.js';
import { checkLayout } from '../../src/spec/index.js';
import { mediaDevice } from './helpers.js';

/** The tutorial device as Linux sees it: 16 LUNs x 3 dual-plane blocks, 512 pages x 4 sectors x 2 planes. */
const TUTORIAL_20: ChunkGeometry = { numGroups: 1, numPu: 16, numChunk: 3, clba: 4096, wsMin: 8, wsOpt: 8, mwCunits: 0, sectorSize: 4096, oobSize: 16, maxVector: 64 };

test('capacity rule: the tutorial target on LUNs 0-3 is 144 MiB with both kernels; -o changes it', () => {
  const shape = targetShape(TUTORIAL_20, 0, 3);
  const m = metaSectors(shape);
  const base = { freeChunks: 12, lines: 3, clba: 4096, smetaSectors: m.smeta, emetaSectors: m.emeta };
  assert.equal(m.smeta, 8);
  assert.ok(m.emeta >= 8 && m.emeta <= 64, `emeta ${m.emeta} sectors`);
  assert.equal(pblkCapacity({ ...base, op: 11, rule: '4.20' }) * 4096, 144 * 1024 * 1024);
  assert.equal(pblkCapacity({ ...base, op: 11, rule: '4.12' }) * 4096, 144 * 1024 * 1024);
  // 4.20: floor(12 x 0.75) = 9, minus 1 chunk of metadata = 8 chunks = 128 MiB
  assert.equal(pblkCapacity({ ...base, op: 25, rule: '4.20' }) * 4096, 128 * 1024 * 1024);
  // 4.12 ignores -o (fixed 20 %)
  assert.equal(pblkCapacity({ ...base, op: 25, rule: '4.12' }) * 4096, 144 * 1024 * 1024);
  // a 16-LUN target: floor(48 x 0.89) = 42, blkMeta = ceil(3 x (8 + emeta) / 4096) = 1 -> 41 x 16 MiB
  const all = metaSectors(targetShape(TUTORIAL_20, 0, 15));
  assert.equal(pblkCapacity({ freeChunks: 48, lines: 3, clba: 4096, smetaSectors: all.smeta, emetaSectors: all.emeta, op: 11, rule: '4.20' }) * 4096, 41 * 16 * 1024 * 1024);
});

test('createTarget on the tutorial-shaped device reports 144 MiB', async () => {
  const dev = mediaDevice({ geometry: { groups: 1, pusPerGroup: 16, planes: 1, blocksPerPlane: 3, pagesPerBlock: 4096, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 }, wsMin: 8, wsOpt: 8 });
  const v = await createTarget(dev, { name: 'mydevice', puBegin: 0, puEnd: 3 });
  assert.equal(v.size, 144 * 1024 * 1024);
  assert.equal(v.size / (1024 * 1024), 144);
  await v.close();
});

test('line state table: legal moves, illegal ones refused with names', () => {
  assert.equal(nextLineState(0, LineState.FREE, LineEvent.OPEN), LineState.OPEN);
  assert.equal(nextLineState(0, LineState.OPEN, LineEvent.CLOSE), LineState.CLOSED);
  assert.equal(nextLineState(0, LineState.CLOSED, LineEvent.GC_PICK), LineState.GC);
  assert.equal(nextLineState(0, LineState.GC, LineEvent.RESET), LineState.FREE);
  assert.equal(nextLineState(0, LineState.GC, LineEvent.GC_ABORT), LineState.CLOSED);
  assert.equal(nextLineState(0, LineState.FREE, LineEvent.RETIRE), LineState.BAD);
  assert.throws(() => nextLineState(7, LineState.OPEN, LineEvent.GC_PICK), (e: unknown) => e instanceof IllegalLineTransition && /line 7: event 'gc-pick' is not allowed in state 'open'/.test(e.message));
  assert.throws(() => nextLineState(1, LineState.BAD, LineEvent.OPEN), IllegalLineTransition);
  assert.equal(Object.keys(LINE_TRANSITIONS[LineState.BAD]).length, 0);
});

test('GC policies: greedy takes the fewest valid, cost-benefit prefers old cold lines; full lines never', () => {
  const c = [
    { line: 0, valid: 100, capacity: 100, seq: 1 }, // full: nothing to gain
    { line: 1, valid: 60, capacity: 100, seq: 2 }, // old, 40 % free
    { line: 2, valid: 50, capacity: 100, seq: 90 }, // young, 50 % free
    { line: 3, valid: 70, capacity: 100, seq: 5 },
  ];
  assert.equal(c[pickVictim('greedy', c, 100)]!.line, 2);
  // cost-benefit: line 1: 0.4 x 98 / 1.2 = 32.7; line 2: 0.5 x 10 / 1 = 5; line 3: 0.3 x 95 / 1.4 = 20.4
  assert.equal(c[pickVictim('cost-benefit', c, 100)]!.line, 1);
  assert.equal(pickVictim('greedy', [c[0]!], 100), -1);
  assert.equal(pickVictim('cost-benefit', [], 100), -1);
  // an empty line always wins under cost-benefit
  assert.equal(pickVictim('cost-benefit', [...c, { line: 9, valid: 0, capacity: 100, seq: 99 }], 100), 4);
  // ties under greedy: the older line
  assert.equal(pickVictim('greedy', [{ line: 4, valid: 10, capacity: 100, seq: 8 }, { line: 5, valid: 10, capacity: 100, seq: 3 }], 10), 1);
});

test('greedy WA model: fixed point (u - 1)/ln u = user fraction, WA = 1/(1 - u)', () => {
  for (const f of [0.5, 0.8, 0.89, 0.95]) {
    const wa = greedyWaModel(f);
    const u = 1 - 1 / wa;
    assert.ok(Math.abs((u - 1) / Math.log(u) - f) < 1e-9, `fraction ${f}`);
  }
  assert.ok(greedyWaModel(0.8) < greedyWaModel(0.9));
  // 20 % spare: the model's textbook value, about 2.69
  assert.ok(Math.abs(greedyWaModel(0.8) - 2.69) < 0.01, `WA at 80 % user: ${greedyWaModel(0.8)}`);
  assert.ok(Number.isNaN(greedyWaModel(1)));
});

test('metadata layouts: sizes without overlap; smeta and emeta round-trip and reject damage', () => {
  assert.deepEqual(checkLayout(SMETA_HEADER), []);
  assert.deepEqual(checkLayout(EMETA_HEADER), []);
  assert.equal(SMETA_HEADER.size, 128);
  assert.equal(EMETA_HEADER.size, 32);
  const s = { name: 'mydevice', instance: 0xdeadbeef, line: 2, seq: 17, puBegin: 4, puEnd: 19, op: 11, rule: 0, capacity: 36864, clba: 4096, wsOpt: 8, lines: 3, good: [0, 1, 5, 15] };
  const sector = new Uint8Array(4096);
  encodeSmeta(s, sector);
  assert.deepEqual(decodeSmeta(sector), s);
  sector[200] = 1; // inside the (zero) tail: CRC covers the whole sector
  assert.equal(decodeSmeta(sector), undefined);
  assert.equal(decodeSmeta(new Uint8Array(4096)), undefined);
  const lbas = Uint32Array.of(5, NO_LBA, 7, 0);
  const bytes = new Uint8Array(4096);
  encodeEmeta(2, 17, 9, lbas, bytes);
  assert.deepEqual(decodeEmeta(bytes, 2, 17, 9, 4), lbas);
  assert.equal(decodeEmeta(bytes, 2, 18, 9, 4), undefined, 'other seq');
  assert.equal(decodeEmeta(bytes, 2, 17, 8, 4), undefined, 'other instance');
  bytes[EMETA_HEADER.size + 4] ^= 1;
  assert.equal(decodeEmeta(bytes, 2, 17, 9, 4), undefined, 'damaged');
});

test('line layout: data positions and paddrs are inverse, metadata units excluded, bad chunks skipped', () => {
  const geo: ChunkGeometry = { numGroups: 2, numPu: 4, numChunk: 8, clba: 64, wsMin: 4, wsOpt: 8, mwCunits: 0, sectorSize: 4096, oobSize: 16, maxVector: 64 };
  const shape = targetShape(geo, 2, 6);
  assert.equal(shape.nPus, 5);
  const L = new LineLayout(shape, 3, [0, 2, 3, 4]);
  assert.equal(L.totalUnits, 4 * 8);
  assert.equal(L.emetaUnits, 1);
  assert.equal(L.dataSectors, (32 - 2) * 8);
  const seen = new Set<number>();
  for (let d = 0; d < L.dataSectors; d++) {
    const p = L.dataPaddr(d);
    assert.equal(L.dataPosition(p), d);
    assert.ok(!seen.has(p));
    seen.add(p);
    const pu = Math.floor((p - 3 * shape.nPus * shape.clba) / shape.clba);
    assert.notEqual(pu, 1, 'bad chunk 1 never used');
  }
  assert.equal(L.dataPosition(L.paddr(0, 0)), -1, 'smeta unit');
  assert.equal(L.dataPosition(L.paddr(1, 8)), -1, 'chunk not in the line');
  assert.equal(L.dataPosition(L.paddr(4, 56)), -1, 'emeta unit (the last)');
  assert.throws(() => targetShape(geo, 3, 8), /PU range -b 3 -e 8: allowed 0 <= begin <= end <= 7/);
});

test('L2P: valid-sector counts follow every remap', async () => {
  const dev = mediaDevice();
  const shape = targetShape(dev.geometry, 0, 3);
  const ftl = new Ftl(dev, shape, { name: 't', instance: 1, puBegin: 0, puEnd: 3, op: 11, rule: '4.20', capacity: 100 });
  const span = shape.nPus * shape.clba;
  ftl.setL2p(1, 5);
  ftl.setL2p(2, span + 5);
  ftl.setL2p(3, span + 6);
  assert.deepEqual([ftl.vsc[0], ftl.vsc[1]], [1, 2]);
  ftl.setL2p(2, (CACHE | 4) >>> 0); // overwritten into the buffer
  assert.deepEqual([ftl.vsc[0], ftl.vsc[1]], [1, 1]);
  ftl.setL2p(2, 2 * span); // buffer -> media
  ftl.setL2p(1, UNMAPPED); // trim
  assert.deepEqual([ftl.vsc[0], ftl.vsc[1], ftl.vsc[2]], [0, 1, 1]);
  assert.equal(ftl.mappedSectors(), 2);
  ftl.trimBlocks(0, 100);
  assert.equal(ftl.mappedSectors(), 0);
  assert.deepEqual([...ftl.vsc.subarray(0, 3)], [0, 0, 0]);
});
