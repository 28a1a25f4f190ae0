// Every OCSSD 2.0 chunk rule and status code, one by one, through the real dispatch (specs.md
// 2.5, 2.6; docs/ocssd20.md "Rules"). Statuses are raw 15-bit values with DNR where it applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DNR, Ocssd20Status as O } from '../../src/spec/index.js';
import { FaultKind } from '../../src/media/index.js';
import { Harness, fill } from './ocssd20-harness.js';

const INVALID_FIELD = 0x4002;
const INVALID_OPCODE = 0x4001;
const LBA_OUT_OF_RANGE = 0x4080;
const OOO = O.OUT_OF_ORDER_WRITE | DNR;
const OFFLINE = O.OFFLINE_CHUNK | DNR;
const INVALID_RESET = O.INVALID_RESET | DNR;
const DULB = O.DEALLOCATED_OR_UNWRITTEN | DNR;

const seq = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

test('writes go at the write pointer in multiples of ws_min; the chunk opens, then closes when full', () => {
  const h = new Harness({ clba: 8, wsMin: 2 });
  const c = h.lba(0, 1, 2, 0);
  assert.equal(h.write([c], fill(1, 512, 1)).status, INVALID_FIELD, 'one sector is below ws_min');
  assert.equal(h.write(seq(c, 3), fill(3, 512, 1)).status, INVALID_FIELD, 'three is not a multiple of two');
  const ooo = h.write(seq(c + 2, 2), fill(2, 512, 1));
  assert.deepEqual([ooo.status, ooo.bitmap], [OOO, 0b11n], 'not at WP: every bit set');
  assert.equal(h.write([c, c + 2], fill(2, 512, 1)).status, OOO, 'a gap inside the run');
  assert.equal(h.write(seq(c, 2), fill(2, 512, 1)).status, 0);
  assert.equal(h.ns.media.writePointer(5 + 1), 2);
  assert.equal(h.write(seq(c, 2), fill(2, 512, 1)).status, OOO, 'rewriting below WP');
  const full = h.write(seq(c + 2, 6), fill(6, 512, 2));
  assert.equal(full.status, 0);
  const log = h.log(0xca, 32, 6 * 32).data;
  assert.deepEqual([log[0], log[24]], [0x02, 8], 'CLOSED, WP = CNLB');
  assert.equal(h.write(seq(c, 2), fill(2, 512, 1)).status, OOO, 'a closed chunk');
});

test('an LBA outside the address space fails the whole command with LBA Out of Range', () => {
  const h = new Harness({ numChk: 3, clba: 6, wsMin: 2 });
  // chk field has 2 bits: chunk 3 does not exist; sector field has 3 bits: sectors 6, 7 do not.
  const bad = [h.lba(0, 0, 0, 0), h.lba(0, 0, 0, 1), h.ns.lbaOf(0, 0) + 6, 0];
  const w = h.write(bad.slice(0, 3).concat([h.lba(0, 0, 0, 3)]), fill(4, 512, 1));
  assert.deepEqual([w.status, w.bitmap], [LBA_OUT_OF_RANGE, 0b1111n]);
  assert.equal(h.read([2 ** 40]).status, LBA_OUT_OF_RANGE);
  assert.equal(h.reset([3 << 3]).status, LBA_OUT_OF_RANGE, 'chunk 3 of PU 0');
  assert.equal(h.ns.media.writePointer(0), 0, 'nothing was written');
});

test('the last mw_cunits written sectors of an open chunk are unreadable; DULBE makes that an error, else zeroes', () => {
  const h = new Harness({ clba: 8, wsMin: 2, mwCunits: 2 });
  const c = h.lba(0, 0, 1, 0);
  const data = fill(4, 512, 7);
  assert.equal(h.write(seq(c, 4), data).status, 0);
  const r = h.read(seq(c, 4));
  assert.equal(r.status, 0, 'without DULBE unwritten sectors read as predefined data');
  assert.deepEqual(r.data.subarray(0, 1024), data.subarray(0, 1024));
  assert.deepEqual(r.data.subarray(1024), new Uint8Array(1024), 'sectors 2, 3 are still in the write cache: zeroes (DLFEAT 1)');
  h.setDulbe(true);
  const e = h.read(seq(c, 5));
  assert.deepEqual([e.status, e.bitmap], [DULB, 0b11100n]);
  assert.equal(h.read(seq(c, 2)).status, 0);
  // Closing the chunk makes everything below WP readable.
  assert.equal(h.write(seq(c + 4, 4), fill(4, 512, 8)).status, 0);
  const all = h.read(seq(c, 8));
  assert.equal(all.status, 0);
  assert.deepEqual(all.data.subarray(0, 2048), data);
});

test('DLFEAT 2 reads unwritten sectors as 0xFF', () => {
  const h = new Harness({ dlfeat: 2 });
  const r = h.read([h.lba(0, 0, 0, 3)]);
  assert.equal(r.status, 0);
  assert.deepEqual(r.data, new Uint8Array(512).fill(0xff));
});

test('reset rules: free needs multiple resets, open needs early reset, offline is Offline Chunk', () => {
  const strict = new Harness({ mccap: 0 });
  const c = strict.lba(0, 0, 0, 0);
  assert.deepEqual([strict.reset([c]).status, strict.reset([c]).bitmap], [INVALID_RESET, 1n], 'FREE without MCCAP bit 1');
  strict.write(seq(c, 2), fill(2, 512, 1));
  assert.equal(strict.reset([c]).status, INVALID_RESET, 'OPEN without MCCAP bit 2');
  strict.write(seq(c + 2, 6), fill(6, 512, 1));
  const ok = strict.reset([c], true);
  assert.equal(ok.status, 0, 'CLOSED resets');
  assert.deepEqual([ok.desc[0], ok.desc[2]], [0x01, 0], 'descriptor after the reset: FREE (wear 1/1000 rounds to WLI 0)');
  const lax = new Harness({ mccap: 0x6 });
  const d = lax.lba(0, 1, 3, 0);
  assert.equal(lax.reset([d]).status, 0, 'FREE with multiple resets');
  lax.write(seq(d, 2), fill(2, 512, 1));
  assert.equal(lax.reset([d]).status, 0, 'OPEN with early reset');
  assert.equal(lax.ns.openChunks, 0);
  lax.ns.overrideChunk({ grp: 0, pu: 1, chk: 3 }, { state: 'OFFLINE', type: 'SEQUENTIAL', wp: 0, wi: 0 });
  const off = lax.reset([lax.lba(0, 0, 0, 0), d]);
  assert.deepEqual([off.status, off.bitmap], [OFFLINE, 0b10n], 'per-LBA: the first reset happened');
  assert.equal(lax.write(seq(d, 2), fill(2, 512, 1)).status, OFFLINE);
  assert.deepEqual([lax.read([d]).status, lax.read([d]).bitmap], [OFFLINE, 1n]);
  assert.equal(lax.log(0xca, 32, 7 * 32).data.subarray(24, 32).every((x) => x === 0xff), true, 'offline WP is all ones');
});

test('MAXOC and MAXOCPU limit open chunks; filling one frees its slot', () => {
  const h = new Harness({ numPu: 2, numChk: 4, clba: 4, wsMin: 2, maxoc: 2, maxocpu: 1 });
  const a = h.lba(0, 0, 0, 0);
  const b = h.lba(0, 0, 1, 0);
  const c = h.lba(0, 1, 0, 0);
  assert.equal(h.write(seq(a, 2), fill(2, 512, 1)).status, 0);
  assert.equal(h.write(seq(b, 2), fill(2, 512, 1)).status, O.WRITE_FAULT | DNR, 'a second open chunk in PU 0');
  assert.equal(h.write(seq(c, 2), fill(2, 512, 1)).status, 0, 'PU 1 has room');
  assert.equal(h.ns.openChunks, 2);
  assert.equal(h.write(seq(h.lba(0, 1, 1, 0), 4), fill(4, 512, 1)).status, 0, 'a write that fills a chunk at once never holds it open');
  assert.equal(h.write([a + 2, a + 3, b, b + 1], fill(4, 512, 1)).status, 0, 'closing a in the same command frees the slot for b');
  assert.equal(h.ns.openChunks, 2);
});

test('a vector write spanning chunks checks each run; the list need not be sorted by chunk', () => {
  const h = new Harness({ clba: 8, wsMin: 2 });
  const a = h.lba(0, 0, 0, 0);
  const b = h.lba(0, 1, 2, 0);
  const data = fill(6, 512, 3);
  const oob = fill(6, 8, 4);
  assert.equal(h.write([b, b + 1, a, a + 1, b + 2, b + 3], data, oob).status, 0);
  const r = h.read([a, a + 1, b + 3]);
  assert.deepEqual(r.data, Uint8Array.from([...data.subarray(1024, 2048), ...data.subarray(2560, 3072)]));
  assert.deepEqual(r.oob, Uint8Array.from([...oob.subarray(16, 32), ...oob.subarray(40, 48)]));
  assert.equal(h.ns.media.writePointer(6), 4);
});

test('program failure closes the chunk early: Chunk Early Close, bits for the LBAs not written, readable up to WP, next reset takes it offline', () => {
  const h = new Harness({ clba: 8, wsMin: 2 });
  const a = h.lba(0, 0, 1, 0);
  const b = h.lba(0, 1, 0, 0);
  h.ns.injectFault({ kind: FaultKind.PROGRAM_FAIL, chunk: { grp: 0, pu: 0, chk: 1 }, trigger: { mode: 'count', after: 3 } });
  const data = fill(6, 512, 9);
  const w = h.write([a, a + 1, a + 2, a + 3, b, b + 1], data);
  assert.equal(w.status, O.WRITE_FAIL_CHUNK_EARLY_CLOSE | DNR);
  assert.equal(w.bitmap, 0b001000n, 'only sector 3 of chunk a failed; chunk b was written');
  const log = h.log(0xca, 64, 32).data;
  assert.deepEqual([log[0], log[24]], [0x02, 3], 'a is CLOSED with WP 3');
  assert.deepEqual([log[32], log[56]], [0x01, 0], 'chunk 2 is untouched');
  assert.deepEqual(h.read(seq(a, 3)).data, data.subarray(0, 1536));
  assert.equal(h.read(seq(b, 2)).status, 0);
  const rs = h.reset([a]);
  assert.equal(rs.status, OFFLINE, 'the retired chunk fails its reset and goes offline');
  assert.equal(h.log(0xca, 32, 32).data[0], 0x08);
});

test('write next unit: the failed unit is skipped, the chunk stays open, its sectors read as unrecovered', () => {
  const h = new Harness({ clba: 8, wsMin: 2 });
  const a = h.lba(0, 0, 0, 0);
  h.ns.injectFault({ kind: 'write-next-unit', chunk: { grp: 0, pu: 0, chk: 0 }, sec: 3, trigger: { mode: 'count' } });
  const w = h.write(seq(a, 6), fill(6, 512, 1));
  assert.deepEqual([w.status, w.bitmap], [O.WRITE_FAIL_WRITE_NEXT_UNIT | DNR, 0b111100n]);
  assert.equal(h.ns.media.writePointer(0), 4, 'WP past the failed unit (sectors 2-3)');
  assert.equal(h.ns.media.chunkState(0), 1, 'still OPEN');
  assert.equal(h.write(seq(a + 4, 4), fill(4, 512, 2)).status, 0, 'the host goes on at the next unit');
  const r = h.read(seq(a, 8));
  assert.deepEqual([r.status, r.bitmap], [O.UNRECOVERED_READ_ERROR | DNR, 0b1100n]);
  assert.equal(h.reset([a]).status, 0);
  assert.equal(h.ns.faults().length, 0, 'the marks go with the reset; the counted rule fired');
});

test('uncorrectable and high-ECC reads: statuses, bitmap, media feedback, notifications and the vendor AEN', () => {
  const h = new Harness({ clba: 8, wsMin: 2 });
  const a = h.lba(0, 0, 0, 0);
  const data = fill(8, 512, 5);
  h.write(seq(a, 8), data);
  assert.equal(h.requestEvent(), -1, 'AER parked');
  h.ns.injectFault({ kind: FaultKind.HIGH_ECC, chunk: { grp: 0, pu: 0, chk: 0 }, sec: 2, trigger: { mode: 'count', times: Infinity } });
  const quiet = h.read(seq(a, 4));
  assert.deepEqual([quiet.status, quiet.bitmap], [0, 0n], 'Media Feedback off: high ECC is not reported in the status');
  assert.deepEqual(quiet.data, data.subarray(0, 2048), 'the data is returned');
  assert.deepEqual(h.events, [0x00d00007], 'vendor AEN for log 0xD0');
  assert.equal(h.run({ opc: 0x09, nsid: 0, cdw10: 0xca, cdw11: 1 }, 'admin').status, 0);
  assert.equal(h.run({ opc: 0x0a, nsid: 0, cdw10: 0xca }, 'admin').dw0, 1);
  assert.equal(h.run({ opc: 0x09, nsid: 0, cdw10: 0xca, cdw11: 4 }, 'admin').status, INVALID_FIELD, 'reserved bit');
  const loud = h.read(seq(a, 4));
  assert.deepEqual([loud.status, loud.bitmap], [O.HIGH_ECC, 0b100n]);
  h.ns.injectFault({ kind: FaultKind.UNCORRECTABLE, chunk: { grp: 0, pu: 0, chk: 0 }, sec: 1, trigger: { mode: 'count' } });
  const unc = h.read(seq(a, 4));
  assert.deepEqual([unc.status, unc.bitmap], [O.UNRECOVERED_READ_ERROR | DNR, 0b110n], 'the harder error wins');
  assert.deepEqual(unc.data.subarray(512, 1024), new Uint8Array(512));
  const log = h.log(0xd0, 4096, 0, { rae: true });
  const dv = new DataView(log.data.buffer);
  const entries = [0, 1, 2, 3].map((i) => [Number(dv.getBigUint64(64 * i, true)), Number(dv.getBigUint64(64 * i + 8, true)), dv.getUint16(64 * i + 20, true), log.data[64 * i + 22]]);
  assert.deepEqual(entries, [[1, a + 2, 0x4, 1], [2, a + 2, 0x4, 1], [3, a + 1, 0x8, 1], [4, a + 2, 0x4, 1]]);
  assert.equal(h.log(0xd0, 64).data[0], 1, 'RAE kept them; this read consumes them');
  assert.equal(h.log(0xd0, 64).data[0], 0, 'consumed');
  assert.equal(h.requestEvent(), -1);
  h.read([a + 2]);
  assert.deepEqual(h.events, [0x00d00007, 0x00d00007], 're-armed after the consuming read');
});

test('wear: resets raise the WLI, a chunk that leaves avg +- WIT is notified, one that wears out goes offline', () => {
  const h = new Harness({ numPu: 1, numChk: 2, clba: 2, wsMin: 2, endurance: 4, wit: 100 });
  const a = h.lba(0, 0, 0, 0);
  for (let i = 0; i < 3; i++) assert.equal(h.reset([a]).status, 0);
  const log = h.log(0xca, 32).data;
  assert.equal(log[2], Math.floor((3 * 255) / 4), 'WLI = erases * 255 / pe_cycles');
  const d0 = h.log(0xd0, 4096).data;
  const dv = new DataView(d0.buffer);
  // avg after the 2nd reset = 63.5: WLI 127 is 63.5 above; after the 3rd (191, avg 95.5) 95.5 above; neither > 100.
  assert.equal(dv.getBigUint64(0, true), 0n);
  const w = new Harness({ numPu: 1, numChk: 2, clba: 2, wsMin: 2, endurance: 4, wit: 50 });
  const b = w.lba(0, 0, 0, 0);
  w.reset([b]);
  w.reset([b]);
  const n = new DataView(w.log(0xd0, 4096).data.buffer);
  assert.equal(n.getUint16(20, true), 0x100, 'WLI out of range');
  assert.equal(n.getUint8(22), 0x2, 'mask: chunk');
  w.reset([b]);
  assert.equal(w.reset([b]).status, OFFLINE, 'the 4th erase wears the chunk out');
  assert.equal(w.log(0xca, 32).data[0], 0x08);
});

test('scalar write, read and DSM deallocate follow the chunk rules', () => {
  const h = new Harness({ clba: 8, wsMin: 2 });
  const a = h.lba(0, 1, 1, 0);
  const data = fill(8, 512, 11);
  assert.equal(h.scalarWrite(a + 2, data.subarray(0, 1024)).status, OOO);
  assert.equal(h.scalarWrite(a, data.subarray(0, 512)).status, INVALID_FIELD);
  assert.equal(h.scalarWrite(a, data).status, 0);
  const r = h.scalarRead(a, 8);
  assert.deepEqual([r.status, r.dw0], [0, 0]);
  assert.deepEqual(r.data, data);
  // Scalar LBAs run past the chunk's last sector into the next chunk: each run is checked.
  assert.equal(h.scalarWrite(h.lba(0, 1, 2, 0), fill(4, 512, 1)).status, 0);
  const ranges = (slba: number, nlb: number): Uint8Array => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setUint32(4, nlb, true);
    dv.setBigUint64(8, BigInt(slba), true);
    return b;
  };
  h.mover.data = ranges(a, 4);
  assert.equal(h.run({ opc: 0x09, cdw10: 0, cdw11: 4 }).status, INVALID_FIELD, 'a range must be one whole chunk');
  h.mover.data = ranges(a + 1, 8);
  assert.equal(h.run({ opc: 0x09, cdw10: 0, cdw11: 4 }).status, INVALID_FIELD, 'starting at sector 0');
  h.mover.data = ranges(a, 8);
  assert.equal(h.run({ opc: 0x09, cdw10: 0, cdw11: 4 }).status, 0);
  assert.equal(h.ns.media.chunkState(h.ns.chunkOfLba(a, new Float64Array(1))), 0, 'deallocate = reset');
  h.mover.data = ranges(a, 8);
  assert.equal(h.run({ opc: 0x09, cdw10: 0, cdw11: 0 }).status, 0, 'without AD nothing happens');
});

test('vector copy moves data and OOB under the write rules; without MCCAP bit 0 it is Invalid Opcode', () => {
  const h = new Harness({ clba: 8, wsMin: 2, mccap: 0x1 });
  const a = h.lba(0, 0, 0, 0);
  const b = h.lba(0, 1, 3, 0);
  const data = fill(4, 512, 2);
  const oob = fill(4, 8, 3);
  h.write(seq(a, 4), data, oob);
  assert.equal(h.copy([a + 3, a + 2], [b, b + 1]).status, 0);
  const r = h.read([b, b + 1]);
  assert.deepEqual(r.data, Uint8Array.from([...data.subarray(1536), ...data.subarray(1024, 1536)]));
  assert.deepEqual(r.oob, Uint8Array.from([...oob.subarray(24), ...oob.subarray(16, 24)]));
  assert.equal(h.copy([a, a + 1], [b, b + 1]).status, OOO, 'the destination rules apply');
  h.setDulbe(true);
  const bad = h.copy([a + 6, a + 7], [b + 2, b + 3]);
  assert.deepEqual([bad.status, bad.bitmap], [DULB, 0b11n], 'an unreadable source fails the copy');
  assert.equal(h.ns.media.writePointer(7), 2, 'nothing was written');
  const none = new Harness({ mccap: 0 });
  assert.equal(none.copy([0], [8]).status, INVALID_OPCODE);
});

test('lists: a host address that cannot be read is a transfer error; on a fabric without the inline layout, Invalid Field', () => {
  const h = new Harness();
  const r = h.run({ opc: 0x92, cdw10: 0xdead0, cdw12: 1 });
  assert.deepEqual([r.status, r.bitmap], [0x0004, 0b11n]);
  h.mover.memory = false;
  assert.equal(h.read([h.lba(0, 0, 0, 0), h.lba(0, 0, 0, 1)]).status, INVALID_FIELD);
  assert.equal(h.read([h.lba(0, 0, 0, 0)]).status, 0, 'NLB = 0 needs no list');
});

test('Chunk Information log: offsets page through the chunks; past the end is Invalid Field; another NSID is refused', () => {
  const h = new Harness({ numGrp: 2, numPu: 2, numChk: 3, clba: 4, wsMin: 2 });
  h.write(seq(h.lba(1, 0, 2, 0), 2), fill(2, 512, 1));
  const idx = (1 * 2 + 0) * 3 + 2;
  const whole = h.log(0xca, 12 * 32).data;
  const part = h.log(0xca, 40, idx * 32 - 8).data;
  assert.deepEqual(part, whole.subarray(idx * 32 - 8, idx * 32 + 32));
  assert.deepEqual([part[8], part[8 + 24]], [0x04, 2]);
  const dv = new DataView(whole.buffer);
  assert.equal(Number(dv.getBigUint64(idx * 32 + 8, true)), h.lba(1, 0, 2, 0), 'SLBA');
  assert.equal(Number(dv.getBigUint64(idx * 32 + 16, true)), 4, 'CNLB');
  const tail = h.log(0xca, 64, 11 * 32);
  assert.equal(tail.status, 0);
  assert.deepEqual(tail.data.subarray(32), new Uint8Array(32), 'past the log: zeros');
  assert.equal(h.log(0xca, 32, 12 * 32).status, INVALID_FIELD);
  assert.equal(h.log(0xca, 32, 0, { nsid: 0xffffffff }).status, INVALID_FIELD);
  assert.equal(h.log(0xca, 32, 0, { nsid: 2 }).status, 0x400b);
});

test('random-write chunks (lchunkstate W_RAN) take writes anywhere once, and read back what was written', () => {
  const h = new Harness({ clba: 8, wsMin: 2 });
  h.ns.overrideChunk({ grp: 0, pu: 0, chk: 2 }, { state: 'FREE', type: 'RANDOM', wp: 0, wi: 0 });
  const a = h.lba(0, 0, 2, 0);
  const data = fill(3, 512, 4);
  assert.equal(h.write([a + 5, a + 1, a + 6], data).status, 0);
  assert.equal(h.write([a + 1], fill(1, 512, 9)).status, OOO, 'a written sector is not erased');
  h.setDulbe(true);
  const r = h.read([a + 1, a + 2, a + 5]);
  assert.deepEqual([r.status, r.bitmap], [DULB, 0b10n]);
  assert.deepEqual(r.data.subarray(0, 512), data.subarray(512, 1024));
  assert.equal(h.log(0xca, 32, 64).data[1], 0x02, 'CT random');
});
