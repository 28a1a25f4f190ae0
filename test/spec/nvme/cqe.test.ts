import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import { CQE, CQE_STATUS, phaseOfField, readBits, statusField, statusOfField } from '../../../src/spec/nvme/index.js';

test('CQE is 16 bytes: dw0, dw1, sqhd, sqid, cid, status', () => {
  assert.equal(CQE.size, 16);
  assert.deepEqual(checkLayout(CQE), []);
  assert.deepEqual(CQE.offset, { dw0: 0, dw1: 4, sqhd: 8, sqid: 10, cid: 12, status: 14 });
});

test('status 0x4002 with phase 1 gives bytes 14..15 = 0x05 0x80', () => {
  const cqe = encode(CQE, { dw0: 0x1234_5678, sqhd: 5, sqid: 1, cid: 0x1234, status: statusField(0x4002, 1) });
  assert.deepEqual([...cqe], [0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0, 0x05, 0x00, 0x01, 0x00, 0x34, 0x12, 0x05, 0x80]);
  assert.equal(readBits(cqe, CQE_STATUS.p), 1);
  assert.equal(readBits(cqe, CQE_STATUS.sc), 0x02);
  assert.equal(readBits(cqe, CQE_STATUS.sct), 0);
  assert.equal(readBits(cqe, CQE_STATUS.dnr), 1);
  assert.equal(readBits(cqe, CQE_STATUS.m), 0);
});

test('status field packing round-trips and keeps SCT, CRD and More in place', () => {
  // 0x42C0: DNR, SCT 2, SC 0xC0 (an OCSSD media error); phase 0.
  const field = statusField(0x42c0, 0);
  assert.equal(field, 0x8580);
  const cqe = encode(CQE, { status: field });
  assert.equal(readBits(cqe, CQE_STATUS.sct), 2);
  assert.equal(readBits(cqe, CQE_STATUS.sc), 0xc0);
  assert.equal(statusOfField(decode(CQE, cqe).status as number), 0x42c0);
  assert.equal(phaseOfField(statusField(0x3fff, true)), 1);
  assert.equal(statusOfField(statusField(0x3fff, true)), 0x3fff);
  assert.equal(readBits(encode(CQE, { status: statusField(0x2000 | 0x1800, 0) }), CQE_STATUS.crd), 3);
  assert.equal(readBits(encode(CQE, { status: statusField(0x2000, 0) }), CQE_STATUS.m), 1);
});
