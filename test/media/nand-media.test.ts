import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadMark, ChunkState, ChunkType, FaultKind, MediaOpKind, MediaStatus, VirtualClock, openMedia, type MediaOptions } from '../../src/media/index.js';
import { DUAL_PLANE, SMALL, oobPattern, pattern } from './helpers.js';

const mem = (o: MediaOptions = {}) => openMedia({ kind: 'memory' }, { geometry: SMALL, ...o });
const SS = SMALL.sectorSize;
const SPC = SMALL.pagesPerBlock * SMALL.sectorsPerPage;

test('program at the write pointer, read back data and OOB', () => {
  const m = mem();
  const data = pattern(SS, 3, 1);
  const oob = oobPattern(8, 3, 1);
  let op = m.program(0, 0, 3, data, 0, oob);
  assert.equal(op.status, MediaStatus.OK);
  assert.equal(op.done, 3);
  assert.equal(m.chunk(0).state, ChunkState.OPEN);
  assert.equal(m.writePointer(0), 3);
  const back = new Uint8Array(3 * SS);
  const oobBack = new Uint8Array(24);
  op = m.read(0, 0, 3, back, 0, oobBack);
  assert.equal(op.status, MediaStatus.OK);
  assert.deepEqual(back, data);
  assert.deepEqual(oobBack, oob);
});

test('sequential chunks refuse programs off the write pointer', () => {
  const m = mem();
  assert.equal(m.program(0, 1, 1, pattern(SS, 1, 0)).status, MediaStatus.OUT_OF_ORDER);
  m.program(0, 0, 2, pattern(SS, 2, 0));
  assert.equal(m.program(0, 0, 1, pattern(SS, 1, 0)).status, MediaStatus.OUT_OF_ORDER);
  assert.equal(m.program(0, 3, 1, pattern(SS, 1, 0)).status, MediaStatus.OUT_OF_ORDER);
  assert.equal(m.writePointer(0), 2);
});

test('filling a chunk closes it; a closed chunk takes no program', () => {
  const m = mem();
  assert.equal(m.program(1, 0, SPC, pattern(SS, SPC, 2)).status, MediaStatus.OK);
  assert.equal(m.chunk(1).state, ChunkState.CLOSED);
  assert.equal(m.program(1, SPC - 1, 1, pattern(SS, 1, 0)).status, MediaStatus.CHUNK_CLOSED);
  m.erase(1);
  m.program(1, 0, 1, pattern(SS, 1, 0));
  assert.equal(m.chunk(1).state, ChunkState.OPEN);
});

test('reads of unwritten sectors are reported distinctly and stop there', () => {
  const m = mem();
  m.program(0, 0, 2, pattern(SS, 2, 3));
  const buf = new Uint8Array(4 * SS).fill(0xee);
  const op = m.read(0, 0, 4, buf);
  assert.equal(op.status, MediaStatus.UNWRITTEN);
  assert.equal(op.done, 2);
  assert.deepEqual(buf.subarray(0, 2 * SS), pattern(SS, 2, 3));
  assert.ok(buf.subarray(2 * SS).every((x) => x === 0xee), 'no data is transferred for unwritten sectors');
  assert.equal(m.read(0, 5, 1, buf).status, MediaStatus.UNWRITTEN);
  assert.equal(m.read(2, 0, 1, buf).done, 0);
});

test('erase: all sectors unwritten, wp 0, one P/E cycle, old OOB gone', () => {
  const m = mem();
  m.program(0, 0, 2, pattern(SS, 2, 1), 0, oobPattern(8, 2, 9));
  const op = m.erase(0);
  assert.equal(op.status, MediaStatus.OK);
  const c = m.chunk(0);
  assert.equal(c.state, ChunkState.FREE);
  assert.equal(c.wp, 0);
  assert.equal(c.eraseCount, 1);
  assert.equal(m.read(0, 0, 1, new Uint8Array(SS)).status, MediaStatus.UNWRITTEN);
  m.program(0, 0, 1, pattern(SS, 1, 2));
  const oob = new Uint8Array(8).fill(1);
  m.read(0, 0, 1, new Uint8Array(SS), 0, oob);
  assert.deepEqual(oob, new Uint8Array(8), 'a program without OOB stores zeros, not the previous OOB');
});

test('random-write chunks: any erased sector, never twice before an erase', () => {
  const m = mem({ chunkType: (c) => (c === 3 ? ChunkType.RANDOM : ChunkType.SEQUENTIAL) });
  assert.equal(m.chunk(3).type, ChunkType.RANDOM);
  assert.equal(m.program(3, 5, 2, pattern(SS, 2, 4)).status, MediaStatus.OK);
  assert.equal(m.program(3, 1, 1, pattern(SS, 1, 5)).status, MediaStatus.OK);
  const op = m.program(3, 4, 3, pattern(SS, 3, 6));
  assert.equal(op.status, MediaStatus.NOT_ERASED);
  assert.equal(op.done, 1, 'sector 5 is the first already-programmed one');
  const buf = new Uint8Array(SS);
  assert.equal(m.read(3, 0, 1, buf).status, MediaStatus.UNWRITTEN);
  assert.equal(m.read(3, 1, 1, buf).status, MediaStatus.OK);
  assert.deepEqual(buf, pattern(SS, 1, 5));
  const two = new Uint8Array(3 * SS);
  const r = m.read(3, 5, 3, two);
  assert.equal(r.status, MediaStatus.UNWRITTEN);
  assert.equal(r.done, 2);
  assert.equal(m.chunk(3).state, ChunkState.OPEN);
  m.erase(3);
  assert.equal(m.program(3, 5, 1, pattern(SS, 1, 7)).status, MediaStatus.OK);
});

test('dual-plane geometry keeps each plane-block separate', () => {
  const m = openMedia({ kind: 'memory' }, { geometry: DUAL_PLANE });
  const spc = DUAL_PLANE.pagesPerBlock * DUAL_PLANE.sectorsPerPage;
  for (let c = 0; c < 4; c++) assert.equal(m.program(c, 0, spc, pattern(512, spc, 10 + c), 0, oobPattern(4, spc, c)).status, MediaStatus.OK);
  for (let c = 0; c < 4; c++) {
    const buf = new Uint8Array(spc * 512);
    const oob = new Uint8Array(spc * 4);
    assert.equal(m.read(c, 0, spc, buf, 0, oob).status, MediaStatus.OK);
    assert.deepEqual(buf, pattern(512, spc, 10 + c));
    assert.deepEqual(oob, oobPattern(4, spc, c));
  }
  m.erase(1);
  const buf = new Uint8Array(spc * 512);
  assert.equal(m.read(0, 0, spc, buf).status, MediaStatus.OK, 'erasing plane 1 leaves plane 0 of the same block');
});

test('OFFLINE chunks reject everything', () => {
  const m = mem({ factoryBad: { chunks: [2] } });
  const c = m.chunk(2);
  assert.equal(c.state, ChunkState.OFFLINE);
  assert.equal(c.mark, BadMark.FACTORY);
  assert.equal(m.program(2, 0, 1, pattern(SS, 1, 0)).status, MediaStatus.OFFLINE);
  assert.equal(m.read(2, 0, 1, new Uint8Array(SS)).status, MediaStatus.OFFLINE);
  assert.equal(m.erase(2).status, MediaStatus.OFFLINE);
  assert.equal(m.census().offline, 1);
});

test('bad marks refuse program and erase but still allow reads; marks can be cleared', () => {
  const m = mem();
  m.program(0, 0, 1, pattern(SS, 1, 1));
  m.setBadMark(0, BadMark.HOST_RESERVED);
  assert.equal(m.program(0, 1, 1, pattern(SS, 1, 1)).status, MediaStatus.BAD_BLOCK);
  assert.equal(m.erase(0).status, MediaStatus.BAD_BLOCK);
  assert.equal(m.read(0, 0, 1, new Uint8Array(SS)).status, MediaStatus.OK);
  m.setBadMark(0, BadMark.GOOD);
  assert.equal(m.erase(0).status, MediaStatus.OK);
  assert.throws(() => m.setBadMark(99, BadMark.GROWN), /chunk 99: allowed 0\.\.7/);
});

test('wear: the erase that reaches the endurance retires the chunk', () => {
  const m = mem({ endurance: 3 });
  assert.equal(m.erase(0).status, MediaStatus.OK);
  assert.equal(m.chunk(0).wearIndex, 85);
  assert.equal(m.erase(0).status, MediaStatus.OK);
  assert.equal(m.erase(0).status, MediaStatus.WORN_OUT);
  const c = m.chunk(0);
  assert.equal(c.state, ChunkState.OFFLINE);
  assert.equal(c.mark, BadMark.GROWN);
  assert.equal(c.wearIndex, 255);
});

test('program failure closes the chunk early; what came before stays readable; next erase retires it', () => {
  const m = mem();
  m.faults.add({ kind: FaultKind.PROGRAM_FAIL, chunk: 0, sector: 3, trigger: { mode: 'count' } });
  const op = m.program(0, 0, 5, pattern(SS, 5, 1));
  assert.equal(op.status, MediaStatus.PROGRAM_FAIL);
  assert.equal(op.done, 3);
  const c = m.chunk(0);
  assert.equal(c.state, ChunkState.CLOSED);
  assert.equal(c.wp, 3);
  const buf = new Uint8Array(3 * SS);
  assert.equal(m.read(0, 0, 3, buf).status, MediaStatus.OK);
  assert.deepEqual(buf, pattern(SS, 3, 1));
  assert.equal(m.erase(0).status, MediaStatus.ERASE_FAIL);
  assert.equal(m.chunk(0).state, ChunkState.OFFLINE);
  assert.equal(m.chunk(0).mark, BadMark.GROWN);
  assert.deepEqual(m.faults.list(), [], 'a counted rule retires after firing');
});

test('erase failure retires the chunk', () => {
  const m = mem();
  m.faults.add({ kind: FaultKind.ERASE_FAIL, chunk: 1, trigger: { mode: 'count', after: 1 } });
  assert.equal(m.erase(1).status, MediaStatus.OK);
  assert.equal(m.erase(1).status, MediaStatus.ERASE_FAIL);
  assert.equal(m.chunk(1).state, ChunkState.OFFLINE);
});

test('uncorrectable and high-ECC reads', () => {
  const m = mem();
  m.program(0, 0, 6, pattern(SS, 6, 1));
  m.faults.add({ kind: FaultKind.UNCORRECTABLE, chunk: 0, sector: 4, trigger: { mode: 'count', times: Infinity } });
  m.faults.add({ kind: FaultKind.HIGH_ECC, chunk: 0, sector: 1, trigger: { mode: 'count' } });
  const buf = new Uint8Array(6 * SS);
  let op = m.read(0, 0, 6, buf);
  assert.equal(op.status, MediaStatus.HIGH_ECC);
  assert.equal(op.done, 1);
  assert.deepEqual(buf.subarray(0, 2 * SS), pattern(SS, 2, 1), 'the high-ECC sector is returned');
  op = m.read(0, 2, 4, buf);
  assert.equal(op.status, MediaStatus.UNCORRECTABLE);
  assert.equal(op.done, 2);
  assert.equal(m.read(0, 4, 1, buf).status, MediaStatus.UNCORRECTABLE, 'sticky rule');
  assert.equal(m.read(0, 5, 1, buf).status, MediaStatus.OK);
});

test('out-of-range addresses and short buffers are refused, never thrown', () => {
  const m = mem();
  const buf = new Uint8Array(SS);
  assert.equal(m.program(8, 0, 1, buf).status, MediaStatus.OUT_OF_RANGE);
  assert.equal(m.program(0, SPC, 1, buf).status, MediaStatus.OUT_OF_RANGE);
  assert.equal(m.program(0, 0, 2, buf).status, MediaStatus.OUT_OF_RANGE);
  assert.equal(m.read(-1, 0, 1, buf).status, MediaStatus.OUT_OF_RANGE);
  assert.equal(m.read(0, 0.5, 1, buf).status, MediaStatus.OUT_OF_RANGE);
  assert.equal(m.erase(8).status, MediaStatus.OUT_OF_RANGE);
});

test('operations report their completion time from the timing model', () => {
  const clock = new VirtualClock();
  const calls: string[] = [];
  const timing = {
    complete(kind: MediaOpKind, chunk: number, sectors: number, at: number) {
      calls.push(`${kind}:${chunk}:${sectors}@${at}`);
      return at + [50_000, 1_000_000, 3_000_000][kind]!;
    },
  };
  const m = mem({ clock, timing });
  clock.advanceTo(1000);
  assert.equal(m.program(0, 0, 2, pattern(SS, 2, 1)).completesAt, 1_001_000);
  assert.equal(m.read(0, 0, 2, new Uint8Array(2 * SS)).completesAt, 51_000);
  assert.equal(m.erase(1).completesAt, 3_001_000);
  assert.deepEqual(calls, ['1:0:2@1000', '0:0:2@1000', `2:1:${SPC}@1000`]);
});

test('timing off: operations complete at submission', () => {
  const clock = new VirtualClock();
  clock.advanceTo(42);
  const m = mem({ clock });
  assert.equal(m.program(0, 0, 1, pattern(SS, 1, 1)).completesAt, 42);
});

test('overrideChunk sets a starting state; closed media refuses work', () => {
  const m = mem();
  m.overrideChunk(0, { state: ChunkState.CLOSED, wp: SPC, eraseCount: 7 });
  assert.equal(m.chunk(0).eraseCount, 7);
  assert.equal(m.read(0, 0, 1, new Uint8Array(SS)).status, MediaStatus.OK);
  assert.throws(() => m.overrideChunk(0, { wp: SPC + 1 }), /wp = 9: allowed 0\.\.8/);
  m.close();
  assert.throws(() => m.read(0, 0, 1, new Uint8Array(SS)), /closed/);
});
