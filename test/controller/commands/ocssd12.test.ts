// The OCSSD 1.2 command set driven directly (no transport): a DataMover without host memory
// access (what a fabric gives) still runs single-PPA commands and refuses a PPA list with
// Invalid Field; the result bitmap lands in DW0-DW1; the PPA codec refuses every field past
// the geometry and every stray bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkType, FaultKind, Geometry, openMedia } from '../../../src/media/index.js';
import { OCSSD12_ADMIN_COMMANDS, OCSSD12_IO, OCSSD12_IO_COMMANDS, Ocssd12Namespace, Ppa12Codec, PpaProblem } from '../../../src/controller/index.js';
import { ppaFormatFor } from '../../../src/spec/index.js';
import { ArrayMover, FakeController, ioContext, ioSqe } from '../helpers.js';

const GEO = { groups: 2, pusPerGroup: 3, planes: 1, blocksPerPlane: 5, pagesPerBlock: 6, sectorsPerPage: 1, sectorSize: 4096, oobSize: 8 };

function namespace(): Ocssd12Namespace {
  const media = openMedia({ kind: 'memory' }, { geometry: GEO, chunkType: ChunkType.RANDOM, endurance: 0 });
  const g = media.geometry;
  return new Ocssd12Namespace({ nsid: 1, media, nsze: g.totalSectors + 10, nlbaf: 5, lbaIndex: 3, serial: 'T', io: OCSSD12_IO });
}

function run(ns: Ocssd12Namespace, opc: number, cdw10: number, nlb: number, mover: ArrayMover): { status: number; dw0: number; dw1: number } {
  const def = OCSSD12_IO_COMMANDS.commands.find((d) => d.opcode === opc)!;
  const ctx = ioContext(new FakeController(), ns, ioSqe({ opc, cdw10, cdw11: 0, nlb }), mover);
  const status = def.handler(ctx);
  return { status, dw0: ctx.result.dw0, dw1: ctx.result.dw1 };
}

test('without host memory access (a fabric): single-PPA commands work, a PPA list is Invalid Field', () => {
  const ns = namespace();
  const f = ns.ppaFormat;
  const ppa = (1 << f.chOff) | (2 << f.lunOff) | (4 << f.blkOff) | (5 << f.pgOff);
  const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 3) & 0xff);
  assert.equal(run(ns, 0x91, ppa, 1, new ArrayMover(data)).status, 0);
  const rd = new ArrayMover();
  assert.equal(run(ns, 0x92, ppa, 1, rd).status, 0);
  assert.deepEqual(rd.data, data);
  const list = run(ns, 0x92, 0x1000, 2, new ArrayMover());
  assert.deepEqual([list.status, list.dw0], [0x4002, 0]);
  assert.equal(run(ns, 0x90, ppa, 1, new ArrayMover()).status, 0);
  const empty = run(ns, 0x92, ppa, 1, new ArrayMover());
  assert.deepEqual([empty.status, empty.dw0, empty.dw1], [0x42ff, 1, 0]);
  // The same bytes as plain LBA: linear index ch x (L x B x G) + lun x (B x G) + blk x G + pg.
  assert.equal(ns.media.geometry.diskSector(ns.media.geometry.chunkOf12(1, 2, 4, 0), 5), 1 * 90 + 2 * 30 + 4 * 6 + 5);
  ns.close();
});

test('the PPA codec range-checks every field, refuses stray bits, and decodes fields spanning the dword boundary', () => {
  const g = Geometry.create(GEO);
  const fmt = ppaFormatFor({ ch: 2, lun: 3, pln: 1, blk: 5, pg: 6, sec: 1 });
  assert.deepEqual([fmt.secLen, fmt.plnLen, fmt.pgLen, fmt.blkLen, fmt.lunLen, fmt.chLen], [0, 0, 3, 3, 2, 1]);
  const c = new Ppa12Codec(fmt, g);
  const a = { ch: 0, lun: 0, pln: 0, blk: 0, pg: 0, sec: 0 };
  const at = (ch: number, lun: number, blk: number, pg: number): number => (ch << fmt.chOff) | (lun << fmt.lunOff) | (blk << fmt.blkOff) | (pg << fmt.pgOff);
  assert.equal(c.decodeNumber(at(1, 2, 4, 5), a), PpaProblem.NONE);
  assert.deepEqual(a, { ch: 1, lun: 2, pln: 0, blk: 4, pg: 5, sec: 0 });
  assert.equal(c.decodeNumber(at(0, 3, 0, 0), a), PpaProblem.LUN);
  assert.equal(c.decodeNumber(at(0, 0, 5, 0), a), PpaProblem.BLK);
  assert.equal(c.decodeNumber(at(0, 0, 0, 6), a), PpaProblem.PG);
  assert.equal(c.decodeNumber(1 << 9, a), PpaProblem.STRAY_BITS);
  assert.equal(c.decodeNumber(2 ** 60, a), PpaProblem.STRAY_BITS, 'past 2^53 a number is refused, never rounded');
  assert.equal(c.decode(0xffffffff, 0xffffffff, a), PpaProblem.STRAY_BITS);
  // A format with a field across bit 32 (hand-made: channel at bits 30..33).
  const wide = { ...fmt, chOff: 30, chLen: 4 };
  const big = Geometry.create({ ...GEO, groups: 12 });
  const w = new Ppa12Codec(wide, big);
  assert.equal(w.decode((3 << 30) >>> 0, 0b10, a), PpaProblem.NONE);
  assert.equal(a.ch, 0b1011);
  assert.equal(w.decode(0, 0b100, a), PpaProblem.STRAY_BITS);
});

test('an erase the media fails retires the block: Write Fault, grown bad in Get BBT and in the saved table; a failed save is Internal Error', () => {
  const saved: Uint8Array[] = [];
  let failSave = false;
  const bbt = {
    label: 'test table',
    load: () => undefined,
    save: (t: Uint8Array) => {
      if (failSave) throw new Error('disk full');
      saved.push(t.slice());
    },
  };
  const media = openMedia({ kind: 'memory' }, { geometry: GEO, chunkType: ChunkType.RANDOM, endurance: 0 });
  const lines: string[] = [];
  const ns = new Ocssd12Namespace({ nsid: 1, media, nsze: media.geometry.totalSectors, nlbaf: 5, lbaIndex: 3, serial: 'T', io: OCSSD12_IO, bbt, log: (l) => lines.push(l) });
  const f = ns.ppaFormat;
  const chunk = media.geometry.chunkOf12(0, 1, 3, 0);
  media.faults.add({ kind: FaultKind.ERASE_FAIL, chunk, trigger: { mode: 'count' } });
  const e = run(ns, 0x90, (1 << f.lunOff) | (3 << f.blkOff), 1, new ArrayMover());
  assert.deepEqual([e.status, e.dw0], [0x4280, 1]);
  assert.equal(media.badMark(chunk), 2);
  assert.equal(saved.length, 1);
  assert.equal(saved[0]![chunk], 2, 'the lbbtable file learns of the grown-bad block');
  const reply = new Uint8Array(64 + 5);
  ns.encodeBbt(0, 1, reply);
  assert.deepEqual([reply[20], reply[64 + 3]], [1, 2], 'TGROWN 1, entry blk 3');
  failSave = true;
  const set = OCSSD12_ADMIN_COMMANDS.commands.find((d) => d.opcode === 0xf1)!;
  const ctx = { sqe: ioSqe({ opc: 0xf1, cdw10: 2 << f.blkOff, cdw11: 0, nlb: 1, cdw12: 8 << 16 }), sqid: 0, data: new ArrayMover(), result: { dw0: 0, dw1: 0, completesAt: 0 }, ns, ctrl: undefined as never };
  assert.equal(set.handler(ctx), 0x0006);
  assert.equal(media.badMark(media.geometry.chunkOf12(0, 0, 2, 0)), 8, 'the mark is in the media all the same');
  assert.match(lines.join('\n'), /could not save the bad block table to test table: disk full/);
  ns.close();
});
