import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionDmaAllocator } from '../../src/transport/index.js';
import { writePrps, writeSgl } from '../../src/host/data-pointer.js';
import { CommandSlot } from '../../src/host/queue-pair.js';

const BASE = 2 ** 32;
const PAGE = 4096;

/** Walks a PRP data pointer the way a controller does: the pages (address, bytes) it names. */
function walk(sqe: DataView, region: Uint8Array, length: number): [number, number][] {
  const u64 = (dv: DataView, off: number) => dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;
  const prp1 = u64(sqe, 24);
  const prp2 = u64(sqe, 32);
  const out: [number, number][] = [];
  const first = Math.min(length, PAGE - (prp1 % PAGE));
  out.push([prp1, first]);
  let left = length - first;
  if (left === 0) {
    assert.equal(prp2, 0, 'PRP2 unused for a one-page transfer');
    return out;
  }
  if (left <= PAGE) {
    out.push([prp2, left]);
    return out;
  }
  let list = prp2;
  const dv = new DataView(region.buffer);
  for (;;) {
    assert.equal(list % PAGE, 0);
    for (let i = 0; i < PAGE / 8 && left > 0; i++) {
      const e = u64(dv, list - BASE + 8 * i);
      if (i === PAGE / 8 - 1 && left > PAGE) {
        list = e; // chain to the next list page
        break;
      }
      assert.equal(e % PAGE, 0, 'list entries are page aligned');
      out.push([e, Math.min(PAGE, left)]);
      left -= Math.min(PAGE, left);
    }
    if (left === 0) return out;
  }
}

for (const [name, offset, length] of [
  ['within one page', 512, 2048],
  ['two pages', 2048, 4096],
  ['exactly one aligned page', 0, 4096],
  ['three pages: a PRP list', 0, 3 * PAGE],
  ['a full list page', 100 * 4, 512 * PAGE],
  ['chained list pages', 64, 1300 * PAGE + 5],
] as const) {
  test(`PRPs cover the buffer exactly: ${name}`, () => {
    const region = new Uint8Array(16 << 20);
    const memory = new RegionDmaAllocator(region, BASE);
    const buf = memory.allocate(offset + length + 8);
    const addr = buf.addr + offset;
    const sqe = new DataView(new ArrayBuffer(64));
    const slot = new CommandSlot(0);
    writePrps(sqe, 0, { addr, length }, PAGE, slot, memory);
    const pages = walk(sqe, region, length);
    let at = addr;
    for (const [a, n] of pages) {
      assert.equal(a, at, 'each PRP continues where the previous one ended');
      at += n;
    }
    assert.equal(at, addr + length);
    // The slot keeps its list pages for the next command; a smaller command reuses them.
    const list = slot.prpList;
    writePrps(sqe, 0, { addr, length: Math.min(length, 3 * PAGE) }, PAGE, slot, memory);
    if (list !== undefined) assert.equal(slot.prpList, list);
  });
}

test('an SGL data block descriptor sets PSDT and carries address and length', () => {
  const sqe = new DataView(new ArrayBuffer(64));
  sqe.setUint8(1, 0x01); // fuse bits survive
  writeSgl(sqe, 0, { addr: BASE + 0x1230, length: 9000 });
  assert.equal(sqe.getUint8(1), 0x41);
  assert.equal(sqe.getBigUint64(24, true), BigInt(BASE + 0x1230));
  assert.equal(sqe.getUint32(32, true), 9000);
  assert.equal(sqe.getUint8(39), 0x00, 'data block, address subtype');
});

test('a data pointer that is not dword aligned is refused', () => {
  const memory = new RegionDmaAllocator(new Uint8Array(65536), BASE);
  assert.throws(() => writePrps(new DataView(new ArrayBuffer(64)), 0, { addr: BASE + 2, length: 10 }, PAGE, new CommandSlot(0), memory), /dword aligned/);
});
