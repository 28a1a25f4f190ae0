import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAP, CC, CSTS, REGISTERS, Shst, getBits, packBits } from '../../src/spec/index.js';
import { ControllerPhase, ControllerRegisters } from '../../src/controller/registers.js';

function regs(enableOk = true) {
  const calls: string[] = [];
  const r = new ControllerRegisters({ mqes: 0x7ff, mpsmin: 0, mpsmax: 4, timeout: 15 }, {
    enable: () => (calls.push('enable'), enableOk),
    reset: () => void calls.push('reset'),
    shutdown: () => void calls.push('shutdown'),
  });
  return { r, calls };
}
const O = REGISTERS.offset;
const cc = (v: Partial<Record<'en' | 'css' | 'mps' | 'ams' | 'shn' | 'iosqes' | 'iocqes', number>>) => packBits(CC, { iosqes: 6, iocqes: 4, ...v });

test('CAP advertises MQES, CQR, timeout, NVM command set and page sizes', () => {
  const { r } = regs();
  const lo = Number(r.cap & 0xffffffffn);
  const hi = Number(r.cap >> 32n);
  assert.equal(getBits(lo, CAP.mqes), 0x7ff);
  assert.equal(getBits(lo, CAP.cqr), 1);
  assert.equal(getBits(lo, CAP.to), 15);
  assert.equal(getBits(hi, CAP.css), 1);
  assert.equal(getBits(hi, CAP.mpsmax), 4);
  assert.equal(r.read(O.vs, 4), 0x10400n);
  assert.equal(r.read(O.cap + 4, 4), BigInt(hi));
});

test('enable, reset and shutdown follow CC and report CSTS', () => {
  const { r, calls } = regs();
  r.write(O.aqa, 4, 0x001f001fn);
  r.write(O.asq, 8, 0x10000n);
  r.write(O.acq, 8, 0x20000n);
  r.write(O.cc, 4, BigInt(cc({ en: 1 })));
  assert.equal(r.phase, ControllerPhase.READY);
  assert.equal(getBits(Number(r.read(O.csts, 4)), CSTS.rdy), 1);
  assert.deepEqual([r.adminSqEntries, r.adminCqEntries, r.asq, r.acq], [32, 32, 0x10000, 0x20000]);
  r.write(O.asq, 8, 0x99000n);
  assert.equal(r.asq, 0x10000, 'admin queue registers are fixed while enabled');
  r.write(O.cc, 4, BigInt(cc({ en: 1, shn: 1 })));
  assert.equal(getBits(r.csts, CSTS.shst), Shst.COMPLETE);
  assert.equal(r.phase, ControllerPhase.SHUTDOWN);
  r.write(O.cc, 4, BigInt(cc({ en: 0 })));
  assert.equal(r.csts, 0);
  assert.equal(r.phase, ControllerPhase.DISABLED);
  assert.deepEqual(calls, ['enable', 'shutdown', 'reset']);
});

test('invalid CC settings or a failing hook leave the controller not ready with CFS', () => {
  for (const bad of [cc({ en: 1, mps: 5 }), cc({ en: 1, css: 6 }), cc({ en: 1, ams: 1 })]) {
    const { r } = regs();
    r.write(O.cc, 4, BigInt(bad));
    assert.equal(getBits(r.csts, CSTS.rdy), 0);
    assert.equal(getBits(r.csts, CSTS.cfs), 1);
  }
  const { r } = regs(false);
  r.write(O.cc, 4, BigInt(cc({ en: 1 })));
  assert.equal(r.phase, ControllerPhase.FAILED);
  r.write(O.cc, 4, BigInt(cc({ en: 0 })));
  assert.equal(r.phase, ControllerPhase.DISABLED);
});

test('32-bit halves of ASQ/ACQ, read-only registers, interrupt masks', () => {
  const { r } = regs();
  r.write(O.asq, 4, 0x12345000n);
  r.write(O.asq + 4, 4, 0x1n);
  assert.equal(r.read(O.asq, 8), 0x112345000n);
  assert.equal(r.read(O.asq + 4, 4), 1n);
  assert.equal(r.write(O.cap, 8, 0n), false);
  assert.equal(r.write(O.csts, 4, 1n), false);
  r.write(O.intms, 4, 0x5n);
  r.write(O.intmc, 4, 0x1n);
  assert.equal(r.read(O.intms, 4), 0x4n);
  assert.equal(r.read(0x1001, 4), undefined);
});
