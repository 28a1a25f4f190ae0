import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import {
  OCSSD12_GROUP,
  OCSSD12_GROUP_OFFSET,
  OCSSD12_IDENTITY,
  OCSSD12_MPOS_BY_PLANES,
  OCSSD12_VER_ID,
  Ocssd12Cap,
  Ocssd12Mccap,
  ppaFormatFor,
  ppafFromIdentity,
  ppafIdentityValues,
} from '../../../src/spec/ocssd/index.js';

/** "70 11 01 00" -> bytes. */
const hex = (s: string): number[] => s.trim().split(/\s+/).map((x) => parseInt(x, 16));

/** The seed tutorial device (1 GiB file, 16 LUNs, 2 planes, 4 secs/pg, 512 pg/blk): seed-emulator-behaviour.md 3.1, 6. */
const TUTORIAL_GROUP = {
  mtype: 0,
  fmtype: 0,
  num_ch: 1,
  num_lun: 16,
  num_pln: 2,
  num_blk: 3,
  num_pg: 512,
  fpg_sz: 16384,
  csecs: 4096,
  sos: 16,
  trdt: 70000,
  trdm: 100000,
  tprt: 1900000,
  tprm: 3500000,
  tbet: 3000000,
  tbem: 3000000,
  mpos: OCSSD12_MPOS_BY_PLANES[2],
  mccap: Ocssd12Mccap.SLC,
  cpar: 0,
};
const TUTORIAL_COUNTS = { ch: 1, lun: 16, pln: 2, blk: 3, pg: 512, sec: 4 };

function tutorialIdentity(): Uint8Array {
  const id = encode(OCSSD12_IDENTITY, {
    ver_id: OCSSD12_VER_ID,
    cgrps: 1,
    cap: Ocssd12Cap.BAD_BLOCK_MGMT | Ocssd12Cap.HYBRID_ECC,
    ...ppafIdentityValues(ppaFormatFor(TUTORIAL_COUNTS)),
  });
  encode(OCSSD12_GROUP, TUTORIAL_GROUP, id, OCSSD12_GROUP_OFFSET, true);
  return id;
}

test('the identity is 4096 bytes, the group 960, and both tile without gaps', () => {
  assert.equal(OCSSD12_IDENTITY.size, 4096);
  assert.equal(OCSSD12_GROUP.size, 960);
  assert.deepEqual(checkLayout(OCSSD12_IDENTITY), []);
  assert.deepEqual(checkLayout(OCSSD12_GROUP), []);
});

test('identity offsets follow specs.md 1.2', () => {
  const o = OCSSD12_IDENTITY.offset;
  assert.deepEqual([o.ver_id, o.vmnt, o.cgrps, o.cap, o.dom], [0, 1, 2, 4, 8]);
  assert.deepEqual(
    [o.ch_off, o.ch_len, o.lun_off, o.lun_len, o.pln_off, o.pln_len, o.blk_off, o.blk_len, o.pg_off, o.pg_len, o.sec_off, o.sec_len],
    [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
  );
  assert.equal(o.group0, OCSSD12_GROUP_OFFSET);
  assert.equal(OCSSD12_GROUP_OFFSET, 256);
  assert.equal(OCSSD12_IDENTITY.fields.find((x) => x.name === 'group0')!.size, OCSSD12_GROUP.size);
});

test('group offsets follow specs.md 1.2 (relative to byte 256)', () => {
  const g = OCSSD12_GROUP.offset;
  assert.deepEqual([g.mtype, g.fmtype, g.num_ch, g.num_lun, g.num_pln, g.num_blk, g.num_pg], [0, 1, 4, 5, 6, 8, 10]);
  assert.deepEqual([g.fpg_sz, g.csecs, g.sos, g.trdt, g.trdm, g.tprt, g.tprm], [12, 14, 16, 20, 24, 28, 32]);
  assert.deepEqual([g.tbet, g.tbem, g.mpos, g.mccap, g.cpar], [36, 40, 44, 48, 52]);
});

test('the tutorial group encodes byte for byte at absolute offsets 256..310', () => {
  const id = tutorialIdentity();
  const expected = hex(`
    00 00 00 00    01 10 02 00   03 00  00 02
    00 40  00 10  10 00  00 00
    70 11 01 00   a0 86 01 00   e0 fd 1c 00   e0 67 35 00
    c0 c6 2d 00   c0 c6 2d 00   02 02 02 00   01 00 00 00
    00 00  00`);
  assert.equal(expected.length, 55);
  assert.deepEqual([...id.subarray(256, 311)], expected);
  // Nothing past the group's named fields, nor in groups 1-3.
  assert.ok(id.subarray(311).every((x) => x === 0));
});

test('the tutorial header carries ver_id 1, one group, cap 0x3 and its PPA format', () => {
  const id = tutorialIdentity();
  assert.deepEqual([...id.subarray(0, 12)], hex('01 00 01 00  03 00 00 00  00 00 00 00'));
  // ch 0@18, lun 4@14, pln 1@2, blk 2@12, pg 9@3, sec 2@0, as (offset, width) byte pairs.
  assert.deepEqual([...id.subarray(12, 28)], hex('12 00  0e 04  02 01  0c 02  03 09  00 02  00 00 00 00'));
  assert.ok(id.subarray(28, 256).every((x) => x === 0));
});

test('decoding the identity and its group gives the values back', () => {
  const id = tutorialIdentity();
  assert.deepEqual(decode(OCSSD12_GROUP, id, OCSSD12_GROUP_OFFSET), TUTORIAL_GROUP);
  const d = decode(OCSSD12_IDENTITY, id);
  assert.equal(d.ver_id, 1);
  assert.deepEqual(ppafFromIdentity(d), ppaFormatFor(TUTORIAL_COUNTS));
  assert.ok(!('rsvd28' in d));
});

test('MPOS sets the same plane bit in the read, program and erase bytes', () => {
  for (const [planes, mpos] of Object.entries(OCSSD12_MPOS_BY_PLANES)) {
    const bit = Number(planes) === 1 ? 1 : Number(planes) === 2 ? 2 : 4;
    assert.equal(mpos, bit | (bit << 8) | (bit << 16), `planes ${planes}`);
  }
  // What Linux tests for dual and quad plane.
  assert.equal(OCSSD12_MPOS_BY_PLANES[2] & 0x020202, 0x020202);
  assert.equal(OCSSD12_MPOS_BY_PLANES[4] & 0x040404, 0x040404);
  assert.equal(OCSSD12_MPOS_BY_PLANES[1] & 0x060606, 0);
});
