import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import {
  OCSSD12_IDENTITY,
  OCSSD20_GEOMETRY,
  OCSSD20_MJR,
  OCSSD20_MNR,
  Ocssd20Mccap,
  lbaFormatFor,
  lbafFromGeometry,
  lbafGeometryValues,
} from '../../../src/spec/ocssd/index.js';

test('the geometry is 4096 bytes and tiles without gaps', () => {
  assert.equal(OCSSD20_GEOMETRY.size, 4096);
  assert.deepEqual(checkLayout(OCSSD20_GEOMETRY), []);
});

test('geometry offsets follow specs.md 2.2 (Linux/SPDK, with MAXOC/MAXOCPU)', () => {
  const o = OCSSD20_GEOMETRY.offset;
  assert.deepEqual([o.mjr, o.mnr, o.grp_len, o.pu_len, o.chk_len, o.lba_len, o.mccap, o.wit], [0, 1, 8, 9, 10, 11, 16, 32]);
  assert.deepEqual([o.num_grp, o.num_pu, o.num_chk, o.clba], [64, 66, 68, 72]);
  assert.deepEqual([o.ws_min, o.ws_opt, o.mw_cunits, o.maxoc, o.maxocpu], [128, 132, 136, 140, 144]);
  assert.deepEqual([o.trdt, o.trdm, o.twrt, o.twrm, o.tcrst, o.tcrsm, o.vs], [192, 196, 200, 204, 208, 212, 3072]);
  // Byte 0 is where 1.2 keeps VER_ID: the host tells the revisions apart by it.
  assert.equal(o.mjr, OCSSD12_IDENTITY.offset.ver_id);
  assert.deepEqual([OCSSD20_MJR, OCSSD20_MNR], [2, 0]);
});

test("QEMU's default geometry encodes byte for byte", () => {
  const fmt = lbaFormatFor({ grp: 2, pu: 4, chk: 60, sec: 4096 });
  const g = encode(OCSSD20_GEOMETRY, {
    mjr: 2,
    ...lbafGeometryValues(fmt),
    mccap: Ocssd20Mccap.VECTOR_COPY | Ocssd20Mccap.EARLY_RESET,
    wit: 10,
    num_grp: 2,
    num_pu: 4,
    num_chk: 60,
    clba: 4096,
    ws_min: 4,
    ws_opt: 8,
    mw_cunits: 24,
    trdt: 70000,
    tcrsm: 3000000,
  });
  const at = (o: number, n: number) => [...g.subarray(o, o + n)];
  assert.deepEqual(at(0, 20), [2, 0, 0, 0, 0, 0, 0, 0, 1, 2, 6, 12, 0, 0, 0, 0, 5, 0, 0, 0]);
  assert.equal(g[32], 10);
  assert.deepEqual(at(64, 12), [2, 0, 4, 0, 60, 0, 0, 0, 0, 0x10, 0, 0]);
  assert.deepEqual(at(128, 12), [4, 0, 0, 0, 8, 0, 0, 0, 24, 0, 0, 0]);
  assert.deepEqual(at(192, 4), [0x70, 0x11, 0x01, 0x00]);
  assert.deepEqual(at(212, 4), [0xc0, 0xc6, 0x2d, 0x00]);
  const d = decode(OCSSD20_GEOMETRY, g);
  assert.deepEqual(lbafFromGeometry(d), { grpLen: 1, puLen: 2, chkLen: 6, lbaLen: 12 });
  assert.equal(d.num_chk, 60);
});

test('MCCAP bits: vector copy 1, multiple resets 2, early reset 4', () => {
  assert.deepEqual(Ocssd20Mccap, { VECTOR_COPY: 1, MULTIPLE_RESETS: 2, EARLY_RESET: 4 });
});
