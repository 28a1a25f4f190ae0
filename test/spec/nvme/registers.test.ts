import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import {
  AQA,
  CAP,
  CC,
  CSTS,
  CapCss,
  CcCss,
  DOORBELL_BASE,
  NVME_VERSION_1_4,
  NVME_VERSION_2_0,
  REGISTERS,
  Shn,
  Shst,
  VS,
  cqHeadDoorbell,
  getBits,
  getBits64,
  nvmeVersion,
  packBits,
  readBits,
  setBits64,
  sqTailDoorbell,
} from '../../../src/spec/nvme/index.js';

test('register map offsets from specs.md 3.10, up to the doorbells at 0x1000', () => {
  assert.equal(REGISTERS.size, 0x1000);
  assert.equal(DOORBELL_BASE, 0x1000);
  assert.deepEqual(checkLayout(REGISTERS), []);
  const o = REGISTERS.offset;
  assert.deepEqual(
    [o.cap, o.vs, o.intms, o.intmc, o.cc, o.csts, o.nssr, o.aqa, o.asq, o.acq, o.cmbloc, o.cmbsz],
    [0x00, 0x08, 0x0c, 0x10, 0x14, 0x1c, 0x20, 0x24, 0x28, 0x30, 0x38, 0x3c],
  );
  assert.deepEqual([o.bpinfo, o.bpmbl, o.cmbmsc, o.cmbsts, o.crto, o.pmrcap, o.pmrmscu], [0x40, 0x48, 0x50, 0x58, 0x68, 0xe00, 0xe18]);
});

test('doorbells: 0x1000 + (2y [+1]) * (4 << DSTRD)', () => {
  assert.deepEqual([sqTailDoorbell(0), cqHeadDoorbell(0), sqTailDoorbell(1), cqHeadDoorbell(1)], [0x1000, 0x1004, 0x1008, 0x100c]);
  assert.equal(cqHeadDoorbell(1, 1), 0x1018);
  assert.equal(sqTailDoorbell(2, 2), 0x1040);
});

test('CAP: a QEMU-like value built field by field', () => {
  let cap = 0n;
  cap = setBits64(cap, CAP.mqes, 0x7ff);
  cap = setBits64(cap, CAP.cqr, 1);
  cap = setBits64(cap, CAP.to, 0xf);
  cap = setBits64(cap, CAP.css, CapCss.NVM);
  cap = setBits64(cap, CAP.mpsmax, 4);
  assert.equal(cap, 0x0040_0020_0f01_07ffn);
  assert.equal(getBits64(cap, CAP.css), 1);
  assert.equal(getBits64(cap | (1n << 43n), CAP.css), CapCss.NVM | CapCss.IO_COMMAND_SETS);
  assert.equal(getBits64(1n << 44n, CAP.css), CapCss.ADMIN_ONLY);
  assert.equal(getBits64(0xfn << 32n, CAP.dstrd), 0xf);
  assert.equal(getBits64(1n << 57n, CAP.cmbs), 1);
  const regs = encode(REGISTERS, { cap });
  assert.equal(readBits(regs, CAP.mpsmax, REGISTERS.offset.cap), 4);
  assert.equal(readBits(regs, CAP.mqes, REGISTERS.offset.cap), 0x7ff);
});

test('CC as Linux writes it (EN, NVM, 4 KiB pages, IOSQES 6, IOCQES 4) is 0x00460001', () => {
  assert.equal(packBits(CC, { en: 1, css: CcCss.NVM, mps: 0, iosqes: 6, iocqes: 4 }), 0x0046_0001);
  assert.equal(packBits(CC, { shn: Shn.NORMAL }), 0x4000);
  assert.equal(packBits(CC, { css: CcCss.IO_COMMAND_SETS, mps: 1 }), 0xe0);
  assert.equal(getBits(0x0046_4001, CC.shn), Shn.NORMAL);
});

test('CSTS, AQA and VS fields', () => {
  assert.equal(packBits(CSTS, { rdy: 1, shst: Shst.COMPLETE }), 0x9);
  assert.equal(packBits(CSTS, { cfs: 1, nssro: 1, pp: 1 }), 0x32);
  assert.equal(packBits(AQA, { asqs: 31, acqs: 31 }), 0x001f_001f);
  assert.equal(NVME_VERSION_1_4, 0x0001_0400);
  assert.equal(NVME_VERSION_2_0, 0x0002_0000);
  assert.equal(nvmeVersion(1, 3, 1), 0x0001_0301);
  assert.deepEqual([getBits(0x0001_0400, VS.mjr), getBits(0x0001_0400, VS.mnr), getBits(0x0001_0400, VS.ter)], [1, 4, 0]);
  const regs = encode(REGISTERS, { vs: NVME_VERSION_1_4, csts: 1, asq: 0x1000n });
  assert.deepEqual([...regs.subarray(8, 12)], [0x00, 0x04, 0x01, 0x00]);
  assert.deepEqual([...regs.subarray(0x28, 0x30)], [0x00, 0x10, 0, 0, 0, 0, 0, 0]);
  assert.equal(decode(REGISTERS, regs).csts, 1);
});
