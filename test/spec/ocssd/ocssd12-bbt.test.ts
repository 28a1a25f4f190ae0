import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode, packBits, readBits } from '../../../src/spec/index.js';
import {
  OCSSD12_BBT_ENTRY_NAMES,
  OCSSD12_BBT_HEADER,
  OCSSD12_BBT_TBLID,
  OCSSD12_BBT_VERID,
  OCSSD12_SET_BBT,
  OCSSD12_SQE,
  Ocssd12AdminOpcode,
  Ocssd12BbtEntry,
} from '../../../src/spec/ocssd/index.js';

test('the BBT header is 64 bytes with its fields where Linux reads them', () => {
  assert.equal(OCSSD12_BBT_HEADER.size, 64);
  assert.deepEqual(checkLayout(OCSSD12_BBT_HEADER), []);
  const o = OCSSD12_BBT_HEADER.offset;
  assert.deepEqual([o.tblid, o.verid, o.revid, o.tblks, o.tfact, o.tgrown, o.tdresv, o.thresv], [0, 4, 6, 12, 16, 20, 24, 28]);
});

test('a tutorial BBT header (3 blocks x 2 planes, one grown bad) encodes byte for byte', () => {
  const h = encode(OCSSD12_BBT_HEADER, { tblid: OCSSD12_BBT_TBLID, verid: OCSSD12_BBT_VERID, tblks: 6, tgrown: 1 });
  const want = new Array<number>(64).fill(0);
  want.splice(0, 24, 0x42, 0x42, 0x4c, 0x54, 1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0);
  assert.deepEqual([...h], want);
  assert.deepEqual(decode(OCSSD12_BBT_HEADER, h), { tblid: 'BBLT', verid: 1, revid: 0, tblks: 6, tfact: 0, tgrown: 1, tdresv: 0, thresv: 0 });
});

test('entry values are Linux NVM_BLK_T_* and each has a name', () => {
  assert.deepEqual(Ocssd12BbtEntry, { GOOD: 0, FACTORY_BAD: 1, GROWN_BAD: 2, DEVICE_RESERVED: 4, HOST_RESERVED: 8 });
  for (const v of Object.values(Ocssd12BbtEntry)) assert.ok(OCSSD12_BBT_ENTRY_NAMES[v], `name for ${v}`);
});

test('Set BBT: NLB in CDW12 15:0 and the value in 23:16, PPA in CDW10-11', () => {
  const cdw12 = packBits(OCSSD12_SET_BBT, { nlb0: 0x0102, value: Ocssd12BbtEntry.HOST_RESERVED });
  assert.equal(cdw12, 0x00080102);
  const sqe = encode(OCSSD12_SQE, { opc: Ocssd12AdminOpcode.SET_BBT, spba: 0x1503an });
  new DataView(sqe.buffer).setUint32(48, cdw12, true);
  assert.deepEqual([...sqe.subarray(40, 52)], [0x3a, 0x50, 0x01, 0, 0, 0, 0, 0, 0x02, 0x01, 0x08, 0x00]);
  assert.equal(readBits(sqe, OCSSD12_SET_BBT.value), 8);
  assert.equal(readBits(sqe, OCSSD12_SET_BBT.nlb0), 0x102);
  assert.throws(() => packBits(OCSSD12_SET_BBT, { value: 256 }), /value: 256 does not fit 8 bits/);
});
