import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SQE, checkLayout, decode, encode, getBits, opcodeName, packBits } from '../../../src/spec/index.js';
import {
  OCSSD12_ADMIN_OPCODE_NAMES,
  OCSSD12_CONTROL,
  OCSSD12_IO_OPCODE_NAMES,
  OCSSD12_MAX_PPAS,
  OCSSD12_SQE,
  Ocssd12AdminOpcode,
  Ocssd12Control,
  Ocssd12Opcode,
  Ocssd12PlaneAccess,
} from '../../../src/spec/ocssd/index.js';

test('the physical I/O SQE is 64 bytes with specs.md 1.4 offsets', () => {
  assert.equal(OCSSD12_SQE.size, 64);
  assert.deepEqual(checkLayout(OCSSD12_SQE), []);
  const o = OCSSD12_SQE.offset;
  assert.deepEqual([o.opc, o.flags, o.cid, o.nsid, o.mptr, o.prp1, o.prp2], [0, 1, 2, 4, 16, 24, 32]);
  assert.deepEqual([o.spba, o.nlb0, o.control, o.dsmgmt], [40, 48, 50, 52]);
  // The common header and pointers sit where the base SQE has them.
  for (const k of ['opc', 'flags', 'cid', 'nsid', 'mptr', 'prp1', 'prp2'] as const) assert.equal(o[k], SQE.offset[k], k);
});

test('a dual-plane write of 8 PPAs from a list encodes byte for byte', () => {
  const control = packBits(OCSSD12_CONTROL, { planeAccess: Ocssd12PlaneAccess.DUAL, scramble: true });
  assert.equal(control, Ocssd12PlaneAccess.DUAL | Ocssd12Control.SCRAMBLE);
  const sqe = encode(OCSSD12_SQE, {
    opc: Ocssd12Opcode.PWRITE,
    cid: 7,
    nsid: 1,
    mptr: 0x2000n,
    prp1: 0x10000n,
    spba: 0xdead0000n,
    nlb0: 7,
    control,
  });
  const want = new Array<number>(64).fill(0);
  Object.assign(want, { 0: 0x91, 2: 7, 4: 1, 17: 0x20, 26: 0x01, 42: 0xad, 43: 0xde, 48: 7, 50: 0x01, 51: 0x02 });
  assert.deepEqual([...sqe], want);
  const d = decode(OCSSD12_SQE, sqe);
  assert.equal(d.spba, 0xdead0000n);
  assert.equal(getBits(Number(d.control), OCSSD12_CONTROL.planeAccess), 1);
  assert.equal(getBits(Number(d.control), OCSSD12_CONTROL.slc), 0);
});

test('control bits are Linux NVM_IO_*: planes 1:0, suspend 0x80, SLC 0x100, scrambler 0x200', () => {
  assert.deepEqual(Ocssd12PlaneAccess, { SINGLE: 0, DUAL: 1, QUAD: 2 });
  assert.equal(packBits(OCSSD12_CONTROL, { suspend: 1 }), Ocssd12Control.SUSPEND);
  assert.equal(packBits(OCSSD12_CONTROL, { slc: 1 }), Ocssd12Control.SLC);
  assert.equal(packBits(OCSSD12_CONTROL, { scramble: 1 }), Ocssd12Control.SCRAMBLE);
  assert.equal(packBits(OCSSD12_CONTROL, { planeAccess: Ocssd12PlaneAccess.QUAD }), 0x2);
  assert.deepEqual(
    [Ocssd12Control.PLANE_MASK, Ocssd12Control.SUSPEND, Ocssd12Control.SLC, Ocssd12Control.SCRAMBLE],
    [0x3, 0x80, 0x100, 0x200],
  );
  assert.equal(OCSSD12_MAX_PPAS, 64);
});

test('opcodes and their names', () => {
  assert.deepEqual(Ocssd12Opcode, { ERASE: 0x90, PWRITE: 0x91, PREAD: 0x92 });
  assert.deepEqual(Ocssd12AdminOpcode, { IDENTITY: 0xe2, SET_BBT: 0xf1, GET_BBT: 0xf2 });
  for (const v of Object.values(Ocssd12Opcode)) assert.ok(OCSSD12_IO_OPCODE_NAMES[v], `io ${v}`);
  for (const v of Object.values(Ocssd12AdminOpcode)) assert.ok(OCSSD12_ADMIN_OPCODE_NAMES[v], `admin ${v}`);
  assert.equal(opcodeName('io', 0x92, { names: OCSSD12_IO_OPCODE_NAMES }), 'OCSSD 1.2 Physical Page Read');
  assert.equal(opcodeName('admin', 0xf2, { names: OCSSD12_ADMIN_OPCODE_NAMES }), 'OCSSD 1.2 Get Bad Block Table');
});
