import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from '../../../src/spec/index.js';
import {
  ABORT,
  CREATE_IO_CQ,
  CREATE_IO_SQ,
  DSM,
  DSM_RANGE,
  FORMAT_NVM,
  Fuse,
  GET_FEATURES,
  GET_LOG_PAGE,
  IDENTIFY,
  NVM_RW,
  Psdt,
  SET_FEATURES,
  SGL_DESCRIPTOR,
  SQE,
  SQE_DW0,
  SQE_NVM_RW,
  SQE_SGL,
  WRITE_ZEROES,
  packBits,
  readBits,
  writeBits,
} from '../../../src/spec/nvme/index.js';

/** The 64 bytes with the given bytes set; everything else zero. */
function bytes64(set: Record<number, number>): number[] {
  const out = new Array<number>(64).fill(0);
  for (const [at, v] of Object.entries(set)) out[Number(at)] = v;
  return out;
}

test('SQE views are 64 bytes and name CDW10..15 at 40..60', () => {
  for (const l of [SQE, SQE_SGL, SQE_NVM_RW]) assert.equal(l.size, 64, l.name);
  assert.deepEqual(
    [SQE.offset.opc, SQE.offset.flags, SQE.offset.cid, SQE.offset.nsid, SQE.offset.cdw2, SQE.offset.cdw3, SQE.offset.mptr],
    [0, 1, 2, 4, 8, 12, 16],
  );
  assert.deepEqual([SQE.offset.prp1, SQE.offset.prp2, SQE_SGL.offset.sgl1, SQE_NVM_RW.offset.slba], [24, 32, 24, 40]);
  assert.deepEqual(
    [SQE.offset.cdw10, SQE.offset.cdw11, SQE.offset.cdw12, SQE.offset.cdw13, SQE.offset.cdw14, SQE.offset.cdw15],
    [40, 44, 48, 52, 56, 60],
  );
});

test('an NVMe Read (opc 0x02, cid 0x1234, nsid 1, slba 0x1000, nlb0 7) encodes byte for byte', () => {
  const sqe = encode(SQE_NVM_RW, { opc: 0x02, cid: 0x1234, nsid: 1, slba: 0x1000n, cdw12: packBits(NVM_RW, { nlb0: 7 }) });
  assert.deepEqual([...sqe], bytes64({ 0: 0x02, 2: 0x34, 3: 0x12, 4: 0x01, 41: 0x10, 48: 0x07 }));
  // The generic view sees SLBA split across CDW10/11.
  const g = decode(SQE, sqe);
  assert.equal(g.cdw10, 0x1000);
  assert.equal(g.cdw11, 0);
  assert.equal(readBits(sqe, NVM_RW.nlb0), 7);
  assert.equal(readBits(sqe, SQE_DW0.opc), 0x02);
  assert.equal(readBits(sqe, SQE_DW0.cid), 0x1234);
});

test('Read/Write CDW12 control bits land where Linux puts them (FUA bit 30, LR bit 31, PRINFO 29:26)', () => {
  assert.equal(packBits(NVM_RW, { fua: 1 }), 0x4000_0000);
  assert.equal(packBits(NVM_RW, { lr: 1 }), 0x8000_0000);
  assert.equal(packBits(NVM_RW, { prinfo: 0xf }), 0x3c00_0000);
  assert.equal(packBits(NVM_RW, { dtype: 2 }), 0x0020_0000);
  assert.equal(packBits(NVM_RW, { dsm: 0x7, dspec: 0xbeef }), 0xbeef_0007);
  assert.equal(NVM_RW.dsm.dword, 13);
  assert.equal(packBits(WRITE_ZEROES, { deac: 1, nlb0: 0xffff }), 0x0200_ffff);
});

test('flags byte: FUSE in bits 1:0, PSDT in bits 7:6 (Linux fabrics hosts send 0x40)', () => {
  const sqe = encode(SQE, { opc: 0x06, flags: 0x40 });
  assert.equal(readBits(sqe, SQE_DW0.psdt), Psdt.SGL_MPTR_CONTIGUOUS);
  assert.equal(readBits(sqe, SQE_DW0.fuse), Fuse.NORMAL);
  assert.equal(packBits(SQE_DW0, { opc: 0x05, fuse: Fuse.FIRST }) & 0xff00, 0x0100);
  assert.equal(packBits(SQE_DW0, { psdt: Psdt.SGL_MPTR_SGL }), 0x8000);
});

test('the SGL view carries SGL1 at bytes 24..39 and decodes as an SGL descriptor', () => {
  const sgl1 = encode(SGL_DESCRIPTOR, { address: 0n, length: 4096, sglid: 0x01 });
  const sqe = encode(SQE_SGL, { opc: 0x01, flags: 0x40, cid: 7, nsid: 1, sgl1 });
  assert.deepEqual([...sqe.subarray(24, 40)], [0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x10, 0, 0, 0, 0, 0, 0x01]);
  assert.deepEqual(decode(SGL_DESCRIPTOR, sqe, SQE_SGL.offset.sgl1), { address: 0n, length: 4096, sglid: 0x01 });
  // Under the PRP view the same bytes are prp1 = 0 and prp2 = length | id << 56.
  assert.equal(decode(SQE, sqe).prp2, 0x0100_0000_0000_1000n);
});

test('Identify CNS 1 for controller 3: CDW10 = 0x00030001; CSI in CDW11 bits 31:24', () => {
  const sqe = encode(SQE, { opc: 0x06, cdw10: packBits(IDENTIFY, { cns: 1, cntid: 3 }), cdw11: packBits(IDENTIFY, { csi: 2 }) });
  assert.deepEqual([...sqe.subarray(40, 48)], [0x01, 0x00, 0x03, 0x00, 0, 0, 0, 0x02]);
  assert.equal(readBits(sqe, IDENTIFY.csi), 2);
  assert.equal(readBits(sqe, IDENTIFY.cntid), 3);
});

test('Get Log Page SMART, 512 bytes, RAE: CDW10 bytes 02 80 7F 00; NUMDU/LPOL/LPOU/CSI in CDW11..14', () => {
  const sqe = new Uint8Array(64);
  for (const [fd, v] of [
    [GET_LOG_PAGE.lid, 0x02],
    [GET_LOG_PAGE.rae, 1],
    [GET_LOG_PAGE.numdl, 127],
    [GET_LOG_PAGE.numdu, 1],
    [GET_LOG_PAGE.lpol, 0x200],
    [GET_LOG_PAGE.lpou, 1],
    [GET_LOG_PAGE.csi, 2],
    [GET_LOG_PAGE.ot, 1],
  ] as const) writeBits(sqe, fd, v);
  assert.deepEqual([...sqe.subarray(40, 60)], [0x02, 0x80, 0x7f, 0x00, 0x01, 0, 0, 0, 0x00, 0x02, 0, 0, 1, 0, 0, 0, 0, 0, 0x80, 0x02]);
  assert.equal(readBits(sqe, GET_LOG_PAGE.lsp), 0);
  assert.equal(GET_LOG_PAGE.lsp.bits, 7);
});

test('Get / Set Features: FID 7:0, SEL 10:8, SV bit 31', () => {
  assert.equal(packBits(GET_FEATURES, { fid: 0x07, sel: 3 }), 0x0307);
  assert.equal(packBits(SET_FEATURES, { fid: 0x06, sv: 1 }), 0x8000_0006);
});

test('Create I/O CQ / SQ, Abort, DSM and Format NVM dwords', () => {
  assert.equal(packBits(CREATE_IO_CQ, { qid: 1, qsize: 1023 }), 0x03ff_0001);
  assert.equal(packBits(CREATE_IO_CQ, { pc: 1, ien: 1, iv: 2 }), 0x0002_0003);
  assert.equal(packBits(CREATE_IO_SQ, { pc: 1, qprio: 2, cqid: 1 }), 0x0001_0005);
  assert.equal(CREATE_IO_SQ.nvmsetid.dword, 12);
  assert.equal(packBits(ABORT, { sqid: 1, cid: 0xbeef }), 0xbeef_0001);
  assert.equal(packBits(DSM, { nr: 255 }), 0xff);
  assert.equal(packBits(DSM, { ad: 1 }), 0x4);
  assert.equal(packBits(FORMAT_NVM, { lbafl: 2, mset: 1, pi: 1, pil: 1, ses: 1, lbafu: 1 }), 0x1332);
});

test('DSM range is 16 bytes: context attributes, NLB, SLBA', () => {
  assert.equal(DSM_RANGE.size, 16);
  const r = encode(DSM_RANGE, { cattr: 0, nlb: 8, slba: 0x0102_0304_0506_0708n });
  assert.deepEqual([...r], [0, 0, 0, 0, 8, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1]);
  assert.deepEqual(decode(DSM_RANGE, r), { cattr: 0, nlb: 8, slba: 0x0102_0304_0506_0708n });
});
