import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SQE, checkLayout, decode, encode, opcodeName, packBits, readBits } from '../../../src/spec/index.js';
import {
  MAX_VECTOR_LBAS,
  OCSSD20_ADMIN_OPCODE_NAMES,
  OCSSD20_IO_OPCODE_NAMES,
  OCSSD20_SQE,
  OCSSD20_VECTOR,
  Ocssd12AdminOpcode,
  Ocssd20AdminOpcode,
  Ocssd20Opcode,
} from '../../../src/spec/ocssd/index.js';

test('the vector SQE is 64 bytes with specs.md 2.5 offsets', () => {
  assert.equal(OCSSD20_SQE.size, 64);
  assert.deepEqual(checkLayout(OCSSD20_SQE), []);
  const o = OCSSD20_SQE.offset;
  assert.deepEqual([o.opc, o.flags, o.cid, o.nsid, o.mptr, o.dptr, o.lbal, o.cdw12, o.dlbal], [0, 1, 2, 4, 16, 24, 40, 48, 56]);
  assert.equal(o.cdw12, SQE.offset.cdw12);
  assert.equal(o.lbal, SQE.offset.cdw10);
});

test('NLB is bits 5:0 of CDW12, FUA bit 30, LR bit 31', () => {
  assert.deepEqual(
    [OCSSD20_VECTOR.nlb0.shift, OCSSD20_VECTOR.nlb0.bits, OCSSD20_VECTOR.fua.shift, OCSSD20_VECTOR.lr.shift],
    [0, 6, 30, 31],
  );
  assert.equal(packBits(OCSSD20_VECTOR, { nlb0: MAX_VECTOR_LBAS - 1, fua: 1, lr: 1 }), 0xc000003f);
  assert.throws(() => packBits(OCSSD20_VECTOR, { nlb0: MAX_VECTOR_LBAS }), /nlb0: 64 does not fit 6 bits/);
  assert.equal(MAX_VECTOR_LBAS, 64);
});

test('a vector copy of 4 LBAs encodes byte for byte', () => {
  const sqe = encode(OCSSD20_SQE, {
    opc: Ocssd20Opcode.VECTOR_COPY,
    cid: 0x0102,
    nsid: 1,
    lbal: 0x1000n,
    cdw12: packBits(OCSSD20_VECTOR, { nlb0: 3, fua: true }),
    dlbal: 0x2000n,
  });
  const want = new Array<number>(64).fill(0);
  Object.assign(want, { 0: 0x93, 2: 0x02, 3: 0x01, 4: 1, 41: 0x10, 48: 3, 51: 0x40, 57: 0x20 });
  assert.deepEqual([...sqe], want);
  assert.equal(readBits(sqe, OCSSD20_VECTOR.nlb0), 3);
  assert.equal(readBits(sqe, OCSSD20_VECTOR.fua), 1);
  assert.equal(readBits(sqe, OCSSD20_VECTOR.lr), 0);
  assert.equal(decode(OCSSD20_SQE, sqe).dlbal, 0x2000n);
});

test('opcodes and their names; 0xE2 is the admin opcode in both revisions', () => {
  assert.deepEqual(Ocssd20Opcode, { VECTOR_RESET: 0x90, VECTOR_WRITE: 0x91, VECTOR_READ: 0x92, VECTOR_COPY: 0x93 });
  assert.equal(Ocssd20AdminOpcode.GEOMETRY, 0xe2);
  assert.equal(Ocssd20AdminOpcode.GEOMETRY, Ocssd12AdminOpcode.IDENTITY);
  for (const v of Object.values(Ocssd20Opcode)) assert.ok(OCSSD20_IO_OPCODE_NAMES[v], `io ${v}`);
  assert.equal(opcodeName('io', 0x90, { names: OCSSD20_IO_OPCODE_NAMES }), 'OCSSD 2.0 Vector Chunk Reset');
  assert.equal(opcodeName('admin', 0xe2, { names: OCSSD20_ADMIN_OPCODE_NAMES }), 'OCSSD 2.0 Geometry');
});

test('the fabrics extension: Inline Layout is CDW13 bit 0 (reserved in 2.0), Stage LBA List is vendor opcode 0x95 with host-to-controller data', async () => {
  const { Ocssd20VendorOpcode, MAX_STAGED_LBA_LISTS } = await import('../../../src/spec/index.js');
  assert.deepEqual([OCSSD20_VECTOR.ilay.dword, OCSSD20_VECTOR.ilay.shift, OCSSD20_VECTOR.ilay.bits], [13, 0, 1]);
  assert.throws(() => packBits(OCSSD20_VECTOR, { nlb0: 1, ilay: 1 }), /ilay is in dword 13, not 12/);
  assert.equal(Ocssd20VendorOpcode.STAGE_LBA_LIST & 0x3, 0x1, 'opcode bits 1:0 = 01b: data from the host');
  assert.equal(OCSSD20_IO_OPCODE_NAMES[Ocssd20VendorOpcode.STAGE_LBA_LIST], 'OCSSD 2.0 Stage LBA List (ocssd fabrics extension)');
  assert.equal(MAX_STAGED_LBA_LISTS, 64);
});
