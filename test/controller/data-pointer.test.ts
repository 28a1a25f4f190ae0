import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GenericStatus as G, SCT, SglType, sglId, status } from '../../src/spec/index.js';
import { Direction } from '../../src/controller/data-mover.js';
import { HostDataMover, pageOffset, type HostDataMoverOptions } from '../../src/controller/data-pointer.js';
import { RegionHostMemory } from '../../src/controller/host-memory.js';
import { SqeView } from '../../src/controller/sqe-view.js';

// Expected statuses are built here from spec/, not imported from the code under test.
const dnr = { dnr: true };
const PRP_OFFSET_INVALID = status(SCT.GENERIC, G.PRP_OFFSET_INVALID, dnr);
const INVALID_FIELD = status(SCT.GENERIC, G.INVALID_FIELD, dnr);
const DATA_TRANSFER_ERROR = status(SCT.GENERIC, G.DATA_TRANSFER_ERROR);
const DATA_SGL_LENGTH_INVALID = status(SCT.GENERIC, G.DATA_SGL_LENGTH_INVALID, dnr);
const METADATA_SGL_LENGTH_INVALID = status(SCT.GENERIC, G.METADATA_SGL_LENGTH_INVALID, dnr);
const SGL_TYPE_INVALID = status(SCT.GENERIC, G.SGL_DESCRIPTOR_TYPE_INVALID, dnr);
const INVALID_SGL_SEGMENT = status(SCT.GENERIC, G.INVALID_SGL_SEGMENT_DESCRIPTOR, dnr);
const INVALID_SGL_COUNT = status(SCT.GENERIC, G.INVALID_NUMBER_OF_SGL_DESCRIPTORS, dnr);

const BASE = 0x100000;
const P = 4096;
const TWO32 = 2 ** 32;
const { TO_HOST, FROM_HOST, NONE } = Direction;
const DATA = sglId(SglType.DATA_BLOCK, 0);
const BUCKET = sglId(SglType.BIT_BUCKET, 0);
const SEGMENT = sglId(SglType.SEGMENT, 0);
const LAST = sglId(SglType.LAST_SEGMENT, 0);

function put64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v >>> 0, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32), true);
}

/** Host memory at BASE, with writers for PRP lists and SGL descriptors. */
class Host {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  readonly memory: RegionHostMemory;
  constructor(size = 1 << 20) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
    this.memory = new RegionHostMemory(this.bytes, BASE);
  }
  /** Host address of page `n` of this memory. */
  page(n: number, pageSize = P): number {
    return BASE + n * pageSize;
  }
  u64(addr: number, v: number): void {
    put64(this.dv, addr - BASE, v);
  }
  prpList(addr: number, entries: number[]): void {
    entries.forEach((e, i) => this.u64(addr + 8 * i, e));
  }
  desc(addr: number, dAddr: number, len: number, id: number): void {
    this.u64(addr, dAddr);
    this.dv.setUint32(addr - BASE + 8, len, true);
    this.dv.setUint8(addr - BASE + 15, id);
  }
  read(addr: number, len: number): Uint8Array {
    return this.bytes.slice(addr - BASE, addr - BASE + len);
  }
  mover(options: Partial<HostDataMoverOptions> = {}): HostDataMover {
    return new HostDataMover({ memory: this.memory, pageSize: P, maxTransfer: 0, sglSupported: true, ...options });
  }
}

interface Cmd {
  psdt?: number;
  prp1?: number;
  prp2?: number;
  mptr?: number;
  sgl?: [addr: number, len: number, id: number];
}

function sqe(c: Cmd): SqeView {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  b[1] = (c.psdt ?? 0) << 6;
  put64(dv, 16, c.mptr ?? 0);
  put64(dv, 24, c.prp1 ?? 0);
  put64(dv, 32, c.prp2 ?? 0);
  if (c.sgl !== undefined) {
    put64(dv, 24, c.sgl[0]);
    dv.setUint32(32, c.sgl[1], true);
    dv.setUint8(39, c.sgl[2]);
    if (c.psdt === undefined) b[1] = 1 << 6;
  }
  return new SqeView().attach(b);
}

function pattern(len: number, seed = 1): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return out;
}

function segments(m: HostDataMover): [number, number, boolean][] {
  return Array.from({ length: m.data.count }, (_, i) => m.data.segment(i));
}

// ---- PRPs ----

test('expected statuses have the raw values QEMU completes with', () => {
  assert.equal(PRP_OFFSET_INVALID, 0x4013);
  assert.equal(INVALID_FIELD, 0x4002);
  assert.equal(DATA_TRANSFER_ERROR, 0x0004);
  assert.equal(DATA_SGL_LENGTH_INVALID, 0x400f);
  assert.equal(SGL_TYPE_INVALID, 0x4011);
  assert.equal(INVALID_SGL_SEGMENT, 0x400d);
  assert.equal(INVALID_SGL_COUNT, 0x400e);
  assert.equal(METADATA_SGL_LENGTH_INVALID, 0x4010);
  assert.equal(pageOffset(BASE + 0x1234, P), 0x234);
});

test('PRP: one page with an offset, PRP2 ignored', () => {
  const h = new Host();
  const m = h.mover();
  const addr = h.page(1) + 0x100;
  assert.equal(m.prepare(sqe({ prp1: addr, prp2: 0xdead }), 0x200, TO_HOST), 0);
  assert.deepEqual(segments(m), [[addr, 0x200, false]]);
  const data = pattern(0x200);
  assert.equal(m.toHost(data, 0, 0, 0x200), 0);
  assert.deepEqual(h.read(addr, 0x200), data);
  assert.equal(h.bytes[addr - BASE - 1], 0, 'nothing before the buffer');
  assert.equal(h.bytes[addr - BASE + 0x200], 0, 'nothing after it');
  // Exactly to the end of the first page still needs no PRP2.
  assert.equal(m.prepare(sqe({ prp1: addr, prp2: 3 }), P - 0x100, TO_HOST), 0);
  assert.deepEqual(segments(m), [[addr, P - 0x100, false]]);
});

test('PRP: two pages, PRP2 is the second page', () => {
  const h = new Host();
  const m = h.mover();
  const prp1 = h.page(1) + 0x800;
  const prp2 = h.page(5);
  assert.equal(m.prepare(sqe({ prp1, prp2 }), P, FROM_HOST), 0);
  assert.deepEqual(segments(m), [
    [prp1, 0x800, false],
    [prp2, 0x800, false],
  ]);
  h.bytes.set(pattern(0x800, 1), prp1 - BASE);
  h.bytes.set(pattern(0x800, 2), prp2 - BASE);
  const got = new Uint8Array(P);
  assert.equal(m.fromHost(got, 0, 0, P), 0);
  assert.deepEqual(got.subarray(0, 0x800), pattern(0x800, 1));
  assert.deepEqual(got.subarray(0x800), pattern(0x800, 2));
  // Contiguous pages merge into one segment.
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: h.page(2) }), 2 * P, FROM_HOST), 0);
  assert.deepEqual(segments(m), [[h.page(1), 2 * P, false]]);
});

test('PRP: a list of one page, entries in any order', () => {
  const h = new Host();
  const m = h.mover();
  const prp1 = h.page(10) + 0x200;
  const pages = [h.page(3), h.page(7), h.page(4), h.page(20)];
  const list = h.page(50) + 0x40; // a list may start inside a page
  h.prpList(list, pages);
  const len = P - 0x200 + 3 * P + 0x10;
  assert.equal(m.prepare(sqe({ prp1, prp2: list }), len, TO_HOST), 0);
  assert.deepEqual(segments(m), [
    [prp1, P - 0x200, false],
    [pages[0]!, P, false],
    [pages[1]!, P, false],
    [pages[2]!, P, false],
    [pages[3]!, 0x10, false],
  ]);
  const data = pattern(len, 9);
  assert.equal(m.toHost(data, 0, 0, len), 0);
  assert.deepEqual(h.read(prp1, P - 0x200), data.subarray(0, P - 0x200));
  assert.deepEqual(h.read(pages[2]!, P), data.subarray(P - 0x200 + 2 * P, P - 0x200 + 3 * P));
  assert.deepEqual(h.read(pages[3]!, 0x10), data.subarray(len - 0x10));
});

/** Data pages d0..; prp1 = d0; list pages chained as a real host builds them. Returns prp2. */
function buildChainedPrps(h: Host, dataPages: number[], listPages: number[]): number {
  const entries = dataPages.slice(1).map((n) => h.page(n));
  const per = P / 8;
  let li = 0;
  while (entries.length > 0) {
    const list = h.page(listPages[li]!);
    if (entries.length <= per) {
      h.prpList(list, entries.splice(0));
    } else {
      h.prpList(list, [...entries.splice(0, per - 1), h.page(listPages[li + 1]!)]);
    }
    li++;
  }
  return h.page(listPages[0]!);
}

test('PRP: chained list pages; a full last page holds data, not a chain pointer', () => {
  // 1 + 511 + 512 entries: the second list page is exactly full of data entries.
  // 1 + 511 + 511 + 2: the second page chains to a third.
  for (const n of [1024, 1025, 1200]) {
    const h = new Host((n + 8) * P);
    const m = h.mover();
    // Data pages in reverse order (no merging), list pages after them.
    const dataPages = Array.from({ length: n }, (_, i) => n - i);
    const listPages = [n + 1, n + 2, n + 3];
    const prp2 = buildChainedPrps(h, dataPages, listPages);
    for (const [i, p] of dataPages.entries()) h.dv.setUint32(h.page(p) - BASE, i, true);
    assert.equal(m.prepare(sqe({ prp1: h.page(dataPages[0]!), prp2 }), n * P, FROM_HOST), 0, `${n} pages`);
    assert.equal(m.data.count, n, `${n} pages: one segment per page`);
    const got = new Uint8Array(n * P);
    assert.equal(m.fromHost(got, 0, 0, n * P), 0);
    const dv = new DataView(got.buffer);
    for (let i = 0; i < n; i++) assert.equal(dv.getUint32(i * P, true), i, `${n} pages: page ${i}`);
  }
});

test('PRP: chained list entries with an offset list start (few slots in the first list page)', () => {
  const h = new Host();
  const m = h.mover();
  const list1 = h.page(40) + P - 16; // two slots: one entry, then the chain pointer
  const list2 = h.page(41);
  h.prpList(list1, [h.page(2), list2]);
  h.prpList(list2, [h.page(9), h.page(4)]);
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list1 }), 4 * P, TO_HOST), 0);
  assert.deepEqual(segments(m), [
    [h.page(1), 2 * P, false],
    [h.page(9), P, false],
    [h.page(4), P, false],
  ]);
  // Two entries needed and two slots: the last slot is data.
  h.prpList(list1, [h.page(2), h.page(7)]);
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list1 }), 3 * P, TO_HOST), 0);
  assert.deepEqual(segments(m), [
    [h.page(1), 2 * P, false],
    [h.page(7), P, false],
  ]);
});

test('PRP errors: offsets, alignment, unreadable lists, MDTS', () => {
  const h = new Host();
  const m = h.mover({ maxTransfer: 8 * P });
  const list = h.page(60);
  h.prpList(list, [h.page(2), h.page(3), h.page(4)]);
  assert.equal(m.prepare(sqe({ prp1: h.page(1) + 2 }), 16, TO_HOST), PRP_OFFSET_INVALID, 'PRP1 not dword aligned');
  assert.equal(m.prepare(sqe({ prp1: h.page(1) + 4 }), 16, TO_HOST), 0, 'a dword offset is fine');
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: h.page(2) + 0x200 }), 2 * P, TO_HOST), PRP_OFFSET_INVALID, 'PRP2 page with an offset');
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list + 2 }), 4 * P, TO_HOST), PRP_OFFSET_INVALID, 'list pointer not dword aligned');
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: h.page(1) + P - 4 }), 4 * P, TO_HOST), PRP_OFFSET_INVALID, 'no whole entry in the list page');
  h.prpList(list, [h.page(2), h.page(3) + 0x800, h.page(4)]);
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list }), 4 * P, TO_HOST), PRP_OFFSET_INVALID, 'list entry with an offset');
  // A chain pointer with an offset.
  const list1 = h.page(61) + P - 16;
  h.prpList(list1, [h.page(2), h.page(62) + 8]);
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list1 }), 4 * P, TO_HOST), PRP_OFFSET_INVALID, 'chain pointer with an offset');
  // Unreadable list memory (PRP2 outside host memory), and a chain into nowhere.
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: BASE + h.bytes.length }), 4 * P, TO_HOST), DATA_TRANSFER_ERROR, 'list unmapped');
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: 0 }), 4 * P, TO_HOST), DATA_TRANSFER_ERROR, 'list below the region');
  h.prpList(list1, [h.page(2), 0x40000000]);
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list1 }), 4 * P, TO_HOST), DATA_TRANSFER_ERROR, 'chained list unmapped');
  // A list whose page runs past the end of memory is read only as far as needed.
  const h2 = new Host(16 * P + 16);
  h2.prpList(h2.page(16), [h2.page(2), h2.page(3)]);
  assert.equal(h2.mover().prepare(sqe({ prp1: h2.page(1), prp2: h2.page(16) }), 3 * P, TO_HOST), 0, 'short list at the end of memory');
  assert.equal(h2.mover().prepare(sqe({ prp1: h2.page(1), prp2: h2.page(16) }), 4 * P, TO_HOST), DATA_TRANSFER_ERROR, 'one entry more is unmapped');
  // MDTS: Invalid Field, DNR; exactly MDTS is fine.
  h.prpList(list, [h.page(2), h.page(3), h.page(4), h.page(5), h.page(6), h.page(7), h.page(8)]);
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list }), 8 * P + 1, TO_HOST), INVALID_FIELD, 'over MDTS');
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: list }), 8 * P, TO_HOST), 0, 'at MDTS');
  assert.equal(m.prepare(sqe({ sgl: [h.page(1), 8 * P + 1, DATA] }), 8 * P + 1, FROM_HOST), INVALID_FIELD, 'MDTS applies to SGLs');
});

test('data in unmapped memory fails the copy with Data Transfer Error', () => {
  const h = new Host();
  const m = h.mover();
  const last = BASE + h.bytes.length - P;
  assert.equal(m.prepare(sqe({ prp1: last, prp2: last + P }), 2 * P, TO_HOST), 0, 'prepare does not probe data pages');
  const buf = new Uint8Array(2 * P);
  assert.equal(m.toHost(buf, 0, 0, P), 0, 'the first page is mapped');
  assert.equal(m.toHost(buf, 0, P - 8, 16), DATA_TRANSFER_ERROR, 'the second is not');
  assert.equal(m.fromHost(buf, 0, P, 8), DATA_TRANSFER_ERROR);
});

test('length 0, Direction.NONE, PSDT checks, bugs that throw, reuse', () => {
  const h = new Host();
  const m = h.mover({ sglSupported: false });
  assert.equal(m.prepare(sqe({ prp1: 3 }), 0, TO_HOST), 0, 'length 0 maps nothing, checks nothing');
  assert.equal(m.prepare(sqe({ prp1: 3 }), 512, NONE), 0, 'no direction maps nothing');
  assert.throws(() => m.toHost(new Uint8Array(1), 0, 0, 1), RangeError);
  assert.equal(m.prepare(sqe({ sgl: [h.page(1), 512, DATA] }), 512, TO_HOST), INVALID_FIELD, 'SGL not supported');
  assert.equal(m.prepare(sqe({ psdt: 3, prp1: h.page(1) }), 512, TO_HOST), INVALID_FIELD, 'PSDT 3 reserved');
  assert.throws(() => m.prepare(sqe({ prp1: h.page(1) }), -1, TO_HOST), RangeError);
  assert.throws(() => m.prepare(sqe({ prp1: h.page(1) }), 1.5, TO_HOST), RangeError);

  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: h.page(2) }), 2 * P, TO_HOST), 0);
  const buf = new Uint8Array(2 * P);
  assert.throws(() => m.toHost(buf, 0, 2 * P - 1, 2), RangeError, 'past the prepared length');
  assert.throws(() => m.fromHost(buf, 0, -1, 1), RangeError);
  assert.throws(() => m.toHost(buf, P + 1, 0, P), RangeError, 'past the end of the buffer');
  assert.equal(m.toHost(buf, 0, 0, 0), 0);
  // A failed prepare leaves nothing mapped, even after PRP1 was; the next command starts clean.
  assert.equal(m.prepare(sqe({ prp1: h.page(1), prp2: h.page(2) + 4 }), 2 * P, TO_HOST), PRP_OFFSET_INVALID);
  assert.throws(() => m.toHost(buf, 0, 0, 1), RangeError);
  assert.equal(m.prepare(sqe({ prp1: h.page(3) }), 8, TO_HOST), 0);
  assert.deepEqual(segments(m), [[h.page(3), 8, false]]);
  assert.throws(() => h.mover({ pageSize: 1000 }), /pageSize 1000/);
  assert.throws(() => h.mover({ maxTransfer: -1 }), /maxTransfer -1/);
});

// ---- SGLs ----

test('SGL: one Data Block, byte aligned, longer than the transfer', () => {
  const h = new Host();
  const m = h.mover();
  const addr = h.page(2) + 3;
  assert.equal(m.prepare(sqe({ sgl: [addr, 200, DATA] }), 100, TO_HOST), 0);
  assert.deepEqual(segments(m), [[addr, 100, false]]);
  const data = pattern(100);
  assert.equal(m.toHost(data, 0, 0, 100), 0);
  assert.deepEqual(h.read(addr, 100), data);
  assert.equal(h.bytes[addr - BASE + 100], 0, 'the excess is not written');
  assert.equal(m.prepare(sqe({ sgl: [addr, 99, DATA] }), 100, TO_HOST), DATA_SGL_LENGTH_INVALID, 'too short');
  assert.equal(m.prepare(sqe({ sgl: [addr, 0, DATA] }), 100, TO_HOST), DATA_SGL_LENGTH_INVALID, 'empty');
  assert.equal(m.prepare(sqe({ psdt: 2, sgl: [addr, 100, DATA] }), 100, TO_HOST), 0, 'PSDT 2 describes data the same way');
});

test('SGL: Segment chain into a Last Segment', () => {
  const h = new Host();
  const m = h.mover();
  const seg1 = h.page(30) + 0x10;
  const seg2 = h.page(31);
  const a = h.page(2) + 1;
  const b = h.page(5) + 7;
  const c = h.page(9);
  const d = h.page(12) + 100;
  h.desc(seg1, a, 10, DATA);
  h.desc(seg1 + 16, b, 0, DATA); // empty descriptors are skipped
  h.desc(seg1 + 32, b, 20, DATA);
  h.desc(seg1 + 48, seg2, 32, LAST);
  h.desc(seg2, c, 5000, DATA);
  h.desc(seg2 + 16, d, 1000, DATA);
  const len = 10 + 20 + 5000 + 600;
  assert.equal(m.prepare(sqe({ sgl: [seg1, 64, SEGMENT] }), len, TO_HOST), 0);
  assert.deepEqual(segments(m), [
    [a, 10, false],
    [b, 20, false],
    [c, 5000, false],
    [d, 600, false],
  ]);
  const data = pattern(len, 4);
  // In pieces that straddle descriptors.
  for (const [at, n] of [[0, 7], [7, 30], [37, 5000], [5037, len - 5037]] as const) assert.equal(m.toHost(data, at, at, n), 0);
  assert.deepEqual(h.read(a, 10), data.subarray(0, 10));
  assert.deepEqual(h.read(b, 20), data.subarray(10, 30));
  assert.deepEqual(h.read(c, 5000), data.subarray(30, 5030));
  assert.deepEqual(h.read(d, 600), data.subarray(5030));
  // One byte short.
  assert.equal(m.prepare(sqe({ sgl: [seg1, 64, SEGMENT] }), 10 + 20 + 5000 + 1001, TO_HOST), DATA_SGL_LENGTH_INVALID);
  // Segment -> Segment -> Last Segment.
  const seg0 = h.page(32);
  h.desc(seg0, h.page(40), 4, DATA);
  h.desc(seg0 + 16, seg1, 64, SEGMENT);
  assert.equal(m.prepare(sqe({ sgl: [seg0, 32, SEGMENT] }), 34, FROM_HOST), 0);
  assert.deepEqual(segments(m), [
    [h.page(40), 4, false],
    [a, 10, false],
    [b, 20, false],
  ]);
});

test('SGL: Last Segment in SGL1', () => {
  const h = new Host();
  const m = h.mover();
  const seg = h.page(30);
  h.desc(seg, h.page(1), 512, DATA);
  h.desc(seg + 16, h.page(3), 512, DATA);
  h.desc(seg + 32, h.page(1) + 512, 512, DATA);
  assert.equal(m.prepare(sqe({ sgl: [seg, 48, LAST] }), 1536, FROM_HOST), 0);
  h.bytes.set(pattern(1024, 1), h.page(1) - BASE);
  h.bytes.set(pattern(512, 2), h.page(3) - BASE);
  const got = new Uint8Array(1536);
  assert.equal(m.fromHost(got, 0, 0, 1536), 0);
  assert.deepEqual(got.subarray(0, 512), pattern(1024, 1).subarray(0, 512));
  assert.deepEqual(got.subarray(512, 1024), pattern(512, 2));
  assert.deepEqual(got.subarray(1024), pattern(1024, 1).subarray(512));
});

test('SGL: a bit bucket in a read discards its bytes; in a write it is invalid', () => {
  const h = new Host();
  const m = h.mover();
  const seg = h.page(30);
  h.desc(seg, h.page(1), 10, DATA);
  h.desc(seg + 16, 0, 20, BUCKET); // address ignored
  h.desc(seg + 32, h.page(2), 30, DATA);
  assert.equal(m.prepare(sqe({ sgl: [seg, 48, LAST] }), 60, TO_HOST), 0);
  assert.deepEqual(segments(m), [
    [h.page(1), 10, false],
    [0, 20, true],
    [h.page(2), 30, false],
  ]);
  const data = pattern(60, 3);
  assert.equal(m.toHost(data, 0, 0, 60), 0);
  assert.deepEqual(h.read(h.page(1), 10), data.subarray(0, 10));
  assert.deepEqual(h.read(h.page(2), 30), data.subarray(30, 60), 'bytes 10..29 went to the bucket');
  assert.equal(m.toHost(data, 12, 12, 5), 0, 'a copy entirely inside the bucket');
  assert.throws(() => m.fromHost(new Uint8Array(60), 0, 0, 60), /bit bucket/);
  assert.equal(m.prepare(sqe({ sgl: [seg, 48, LAST] }), 60, FROM_HOST), SGL_TYPE_INVALID, 'bit bucket in a write');
  assert.equal(m.prepare(sqe({ sgl: [0, 64, BUCKET] }), 64, TO_HOST), 0, 'SGL1 bit bucket: all discarded');
  assert.equal(m.toHost(data, 0, 0, 60), 0);
});

test('SGL errors: descriptor types, segment descriptors, unreadable lists', () => {
  const h = new Host();
  const m = h.mover();
  const seg = h.page(30);
  const seg2 = h.page(31);
  const sgl = (id: number, len = 32): SqeView => sqe({ sgl: [seg, len, id] });
  h.desc(seg, h.page(1), 10, sglId(SglType.KEYED_DATA_BLOCK, 0));
  h.desc(seg + 16, h.page(2), 10, DATA);
  assert.equal(m.prepare(sgl(SEGMENT), 20, TO_HOST), SGL_TYPE_INVALID, 'keyed data block in a list');
  h.desc(seg, h.page(1), 10, sglId(SglType.DATA_BLOCK, 1));
  assert.equal(m.prepare(sgl(SEGMENT), 20, TO_HOST), SGL_TYPE_INVALID, 'offset subtype');
  h.desc(seg, h.page(1), 10, 0x60);
  assert.equal(m.prepare(sgl(SEGMENT), 20, TO_HOST), SGL_TYPE_INVALID, 'reserved type');
  assert.equal(m.prepare(sqe({ sgl: [0, 20, 0x5a] }), 20, TO_HOST), SGL_TYPE_INVALID, 'SGL1 transport data block');
  assert.equal(m.prepare(sqe({ sgl: [0, 20, 0x01] }), 20, TO_HOST), SGL_TYPE_INVALID, 'SGL1 in-capsule offset');
  assert.equal(m.prepare(sqe({ sgl: [0, 20, 0x40] }), 20, TO_HOST), SGL_TYPE_INVALID, 'SGL1 keyed');

  h.desc(seg, h.page(1), 10, DATA);
  assert.equal(m.prepare(sgl(SEGMENT, 0), 20, TO_HOST), INVALID_SGL_SEGMENT, 'segment length 0');
  assert.equal(m.prepare(sgl(LAST, 24), 20, TO_HOST), INVALID_SGL_SEGMENT, 'segment length not a multiple of 16');
  h.desc(seg + 16, seg2, 8, LAST);
  assert.equal(m.prepare(sgl(SEGMENT), 20, TO_HOST), INVALID_SGL_SEGMENT, 'chained segment length not a multiple of 16');
  h.desc(seg + 16, seg2, 16, SEGMENT);
  assert.equal(m.prepare(sgl(LAST), 20, TO_HOST), INVALID_SGL_SEGMENT, 'a Last Segment list pointing on');
  h.desc(seg, seg2, 16, SEGMENT);
  h.desc(seg + 16, h.page(1), 10, DATA);
  assert.equal(m.prepare(sgl(SEGMENT), 20, TO_HOST), INVALID_SGL_COUNT, 'a Segment descriptor before the end of its list');

  assert.equal(m.prepare(sqe({ sgl: [BASE + h.bytes.length, 32, SEGMENT] }), 20, TO_HOST), DATA_TRANSFER_ERROR, 'list unmapped');
  h.desc(seg, h.page(1), 10, DATA);
  h.desc(seg + 16, 0x40000000, 16, LAST);
  assert.equal(m.prepare(sgl(SEGMENT), 20, TO_HOST), DATA_TRANSFER_ERROR, 'chained list unmapped');
  // The list wraps the 64-bit address space.
  assert.equal(m.prepare(sqe({ sgl: [2 ** 64 - 4096, 8192, SEGMENT] }), 20, TO_HOST), DATA_SGL_LENGTH_INVALID);
});

test('SGL: a looping segment chain is bounded', () => {
  const h = new Host();
  const seg = h.page(30);
  // A segment that points at itself and maps nothing.
  h.desc(seg, seg, 16, SEGMENT);
  assert.equal(h.mover().prepare(sqe({ sgl: [seg, 16, SEGMENT] }), 512, TO_HOST), INVALID_SGL_COUNT);
  // One that maps a byte per lap: ends by the bound unless the transfer is satisfied first.
  const seg2 = h.page(31);
  h.desc(seg2, h.page(1), 1, DATA);
  h.desc(seg2 + 16, seg2, 32, SEGMENT);
  assert.equal(h.mover().prepare(sqe({ sgl: [seg2, 32, SEGMENT] }), 1 << 20, TO_HOST), INVALID_SGL_COUNT);
  assert.equal(h.mover({ maxSglDescriptors: 8 }).prepare(sqe({ sgl: [seg2, 32, SEGMENT] }), 5, TO_HOST), INVALID_SGL_COUNT, '9 descriptors > 8');
  assert.equal(h.mover({ maxSglDescriptors: 9 }).prepare(sqe({ sgl: [seg2, 32, SEGMENT] }), 5, TO_HOST), 0, '9 descriptors');
  // A long legitimate list is read in chunks.
  const big = h.page(40);
  const n = 600;
  for (let i = 0; i < n; i++) h.desc(big + 16 * i, h.page(1) + 2 * i, 1, DATA);
  const m = h.mover();
  assert.equal(m.prepare(sqe({ sgl: [big, 16 * n, LAST] }), n, TO_HOST), 0);
  assert.equal(m.data.count, n);
  assert.deepEqual(m.data.segment(599), [h.page(1) + 1198, 1, false]);
});

// ---- metadata ----

test('metadata pointer: contiguous (PSDT 0 and 1) and SGL (PSDT 2)', () => {
  const h = new Host();
  const m = h.mover();
  const md = pattern(64, 5);
  for (const psdt of [0, 1]) {
    const mptr = h.page(7) + 8 * psdt + 4;
    assert.equal(m.prepareMeta(sqe({ psdt, mptr }), 64, TO_HOST), 0, `PSDT ${psdt}`);
    assert.equal(m.metaToHost(md, 0, 0, 64), 0);
    assert.deepEqual(h.read(mptr, 64), md);
    const got = new Uint8Array(64);
    assert.equal(m.metaFromHost(got, 0, 0, 64), 0);
    assert.deepEqual(got, md);
  }
  // PSDT 2: MPTR holds one descriptor: a Data Block ...
  const d = h.page(20);
  h.desc(d, h.page(8) + 1, 64, DATA);
  assert.equal(m.prepareMeta(sqe({ psdt: 2, mptr: d }), 64, TO_HOST), 0);
  assert.deepEqual([m.meta.count, m.meta.segment(0)], [1, [h.page(8) + 1, 64, false]]);
  assert.equal(m.metaToHost(md, 0, 0, 64), 0);
  assert.deepEqual(h.read(h.page(8) + 1, 64), md);
  // ... or a Last Segment pointing at a list.
  const list = h.page(21);
  h.desc(d, list, 32, LAST);
  h.desc(list, h.page(9), 16, DATA);
  h.desc(list + 16, h.page(10), 48, DATA);
  assert.equal(m.prepareMeta(sqe({ psdt: 2, mptr: d }), 64, FROM_HOST), 0);
  h.bytes.set(md.subarray(0, 16), h.page(9) - BASE);
  h.bytes.set(md.subarray(16), h.page(10) - BASE);
  const got = new Uint8Array(64);
  assert.equal(m.metaFromHost(got, 0, 0, 64), 0);
  assert.deepEqual(got, md);
  // Data and metadata are separate maps.
  assert.equal(m.prepare(sqe({ psdt: 2, sgl: [h.page(11), 100, DATA] }), 100, FROM_HOST), 0);
  assert.equal(m.meta.count, 2);
  // Errors.
  assert.equal(m.prepareMeta(sqe({ psdt: 2, mptr: d }), 65, FROM_HOST), METADATA_SGL_LENGTH_INVALID, 'short metadata SGL');
  assert.throws(() => m.metaFromHost(got, 0, 0, 1), RangeError, 'the failed prepare left nothing mapped');
  assert.equal(m.prepareMeta(sqe({ psdt: 2, mptr: 0x10 }), 64, FROM_HOST), DATA_TRANSFER_ERROR, 'MPTR unreadable');
  h.desc(d, 0, 64, 0x40);
  assert.equal(m.prepareMeta(sqe({ psdt: 2, mptr: d }), 64, FROM_HOST), SGL_TYPE_INVALID);
  assert.equal(h.mover({ sglSupported: false }).prepareMeta(sqe({ psdt: 2, mptr: d }), 64, FROM_HOST), INVALID_FIELD);
  assert.equal(m.prepareMeta(sqe({ psdt: 0, mptr: 0x10 }), 8, TO_HOST), 0, 'contiguous MPTR is checked when copied');
  assert.equal(m.metaToHost(md, 0, 0, 8), DATA_TRANSFER_ERROR);
  assert.equal(m.prepareMeta(sqe({ psdt: 0, mptr: 0x10 }), 0, TO_HOST), 0, 'no metadata');
  assert.equal(m.meta.count, 0);
});

// ---- properties ----

/** Random cuts of [0, len) into consecutive pieces. */
function pieces(len: number, cuts: number[]): [number, number][] {
  const points = [...new Set(cuts.map((c) => c % (len + 1)))].sort((a, b) => a - b);
  const out: [number, number][] = [];
  let at = 0;
  for (const p of [...points, len]) {
    if (p > at) out.push([at, p - at]);
    at = Math.max(at, p);
  }
  return out;
}

test('property: any valid PRP layout moves exactly the bytes, in any pieces', () => {
  const POOL = 48;
  fc.assert(
    fc.property(
      fc.constantFrom(4096, 8192),
      fc.integer({ min: 0, max: 1023 }),
      fc.integer({ min: 1, max: 40 * 4096 }),
      fc.shuffledSubarray([...Array(POOL).keys()], { minLength: POOL, maxLength: POOL }),
      fc.integer({ min: 1, max: 1024 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.integer(),
      (pageSize, off4, length0, order, firstSlots0, cutsOut, cutsIn, seed) => {
        const perPage = pageSize / 8;
        const offset = (off4 * 4) % pageSize;
        const length = Math.min(length0, (POOL - 1) * pageSize); // the pool holds the pages
        const nPages = Math.ceil((offset + length) / pageSize);
        // Memory: data pool, then 4 list pages.
        const h = new Host((POOL + 4) * pageSize);
        const page = (n: number): number => BASE + n * pageSize;
        const dataPages = order.slice(0, nPages).map(page);
        const prp1 = dataPages[0]! + offset;
        let prp2 = 0;
        const entries = dataPages.slice(1);
        if (entries.length === 1) prp2 = entries[0]!;
        else if (entries.length > 1) {
          // The first list page starts with `slots` entries left in it; later pages are whole.
          let slots = Math.min(perPage, firstSlots0);
          let list = page(POOL) + pageSize - slots * 8;
          prp2 = list;
          let nextList = POOL + 1;
          while (entries.length > 0) {
            if (entries.length <= slots) {
              for (const [i, e] of entries.splice(0).entries()) h.u64(list + 8 * i, e);
            } else {
              const chain = page(nextList++);
              for (const [i, e] of [...entries.splice(0, slots - 1), chain].entries()) h.u64(list + 8 * i, e);
              list = chain;
              slots = perPage;
            }
          }
        }
        const m = new HostDataMover({ memory: h.memory, pageSize, maxTransfer: 0, sglSupported: false });
        assert.equal(m.prepare(sqe({ prp1, prp2 }), length, TO_HOST), 0);
        // Expected image: the memory as built, with the data where the PRPs say.
        const data = pattern(length, seed & 0xff);
        const expected = h.bytes.slice();
        let done = 0;
        for (const [i, p] of dataPages.entries()) {
          const start = i === 0 ? offset : 0;
          const n = Math.min(pageSize - start, length - done);
          expected.set(data.subarray(done, done + n), p - BASE + start);
          done += n;
        }
        for (const [at, n] of pieces(length, cutsOut)) assert.equal(m.toHost(data, at, at, n), 0);
        assert.ok(Buffer.from(h.bytes).equals(Buffer.from(expected)), 'host memory holds the data exactly where the PRPs point');
        const back = new Uint8Array(length + 5);
        for (const [at, n] of pieces(length, cutsIn)) assert.equal(m.fromHost(back, at + 5, at, n), 0);
        assert.ok(Buffer.from(back.subarray(5)).equals(Buffer.from(data)), 'reads back the same bytes');
      },
    ),
    { numRuns: 150 },
  );
});

test('property: an SGL of random descriptors over random segments moves exactly the bytes', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ len: fc.integer({ min: 0, max: 3000 }), bucket: fc.boolean(), gap: fc.integer({ min: 0, max: 64 }) }), { minLength: 1, maxLength: 40 }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 6 }),
      (descs, perSegment, write, cuts) => {
        const h = new Host(1 << 18);
        const dataBase = BASE + 0x10000;
        // Descriptors at increasing addresses with gaps; bit buckets only in reads.
        let addr = dataBase;
        const plan = descs.map((d) => {
          const bucket = d.bucket && !write;
          const a = addr + d.gap;
          if (!bucket) addr = a + d.len;
          return { addr: bucket ? 0 : a, len: d.len, bucket };
        });
        const length = plan.reduce((s, d) => s + d.len, 0);
        if (length === 0) return;
        // Lay the descriptors out in segments: each list but the last ends with a pointer on.
        let listAddr = BASE + 0x1000;
        const lists: { addr: number; count: number }[] = [];
        let i = 0;
        let k = 0;
        while (i < plan.length) {
          const take = Math.min(perSegment[k++ % perSegment.length]!, plan.length - i);
          const isLast = i + take >= plan.length;
          lists.push({ addr: listAddr, count: take + (isLast ? 0 : 1) });
          listAddr += 16 * (take + 1) + 32;
          i += take;
        }
        i = 0;
        for (const [li, l] of lists.entries()) {
          const take = l.count - (li === lists.length - 1 ? 0 : 1);
          for (let j = 0; j < take; j++, i++) h.desc(l.addr + 16 * j, plan[i]!.addr, plan[i]!.len, plan[i]!.bucket ? BUCKET : DATA);
          const next = lists[li + 1];
          if (next !== undefined) h.desc(l.addr + 16 * take, next.addr, 16 * next.count, li + 1 === lists.length - 1 ? LAST : SEGMENT);
        }
        const first = lists[0]!;
        const m = h.mover();
        const dir = write ? FROM_HOST : TO_HOST;
        assert.equal(m.prepare(sqe({ sgl: [first.addr, 16 * first.count, lists.length === 1 ? LAST : SEGMENT] }), length, dir), 0);
        const data = pattern(length, length & 0xff);
        if (write) {
          let at = 0;
          for (const d of plan) {
            h.bytes.set(data.subarray(at, at + d.len), d.addr - BASE);
            at += d.len;
          }
          const got = new Uint8Array(length);
          for (const [a, n] of pieces(length, cuts)) assert.equal(m.fromHost(got, a, a, n), 0);
          assert.ok(Buffer.from(got).equals(Buffer.from(data)));
        } else {
          const expected = h.bytes.slice();
          let at = 0;
          for (const d of plan) {
            if (!d.bucket) expected.set(data.subarray(at, at + d.len), d.addr - BASE);
            at += d.len;
          }
          for (const [a, n] of pieces(length, cuts)) assert.equal(m.toHost(data, a, a, n), 0);
          assert.ok(Buffer.from(h.bytes).equals(Buffer.from(expected)));
        }
      },
    ),
    { numRuns: 150 },
  );
});
