import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PPA_FIELDS, checkPpaFormat, decodePpa, encodePpa, fls, ppaFormatFor } from '../../../src/spec/ocssd/index.js';
import type { PpaAddress, PpaFormat } from '../../../src/spec/ocssd/index.js';

const TUTORIAL = ppaFormatFor({ sec: 4, pln: 2, pg: 512, blk: 3, lun: 16, ch: 1 });

test('fls is 1-based with fls(0) = 0', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 7, 8, 511, 512].map(fls), [0, 1, 2, 2, 3, 3, 4, 9, 10]);
});

test('the tutorial geometry gives sec 2@0, pln 1@2, pg 9@3, blk 2@12, lun 4@14, ch 0@18', () => {
  assert.deepEqual(TUTORIAL, {
    secOff: 0, secLen: 2,
    plnOff: 2, plnLen: 1,
    pgOff: 3, pgLen: 9,
    blkOff: 12, blkLen: 2,
    lunOff: 14, lunLen: 4,
    chOff: 18, chLen: 0,
  });
  assert.deepEqual(checkPpaFormat(TUTORIAL), []);
  assert.deepEqual([...PPA_FIELDS], ['sec', 'pln', 'pg', 'blk', 'lun', 'ch']);
});

test('widths are fls(count - 1): a count of one takes no bits, three takes two', () => {
  const fmt = ppaFormatFor({ sec: 1, pln: 1, pg: 3, blk: 5, lun: 2, ch: 256 });
  assert.deepEqual([fmt.secLen, fmt.plnLen, fmt.pgLen, fmt.blkLen, fmt.lunLen, fmt.chLen], [0, 0, 2, 3, 1, 8]);
  assert.deepEqual([fmt.secOff, fmt.plnOff, fmt.pgOff, fmt.blkOff, fmt.lunOff, fmt.chOff], [0, 0, 0, 2, 5, 6]);
});

test('PPA fixtures in the tutorial format', () => {
  // Every field at its maximum fills bits 0..17.
  assert.equal(encodePpa(TUTORIAL, { ch: 0, lun: 15, blk: 3, pg: 511, pln: 1, sec: 3 }), 0x3ffffn);
  const addr = { ch: 0, lun: 5, blk: 1, pg: 7, pln: 0, sec: 2 };
  const ppa = (5n << 14n) | (1n << 12n) | (7n << 3n) | 2n;
  assert.equal(ppa, 0x1503an);
  assert.equal(encodePpa(TUTORIAL, addr), ppa);
  assert.deepEqual(decodePpa(TUTORIAL, ppa), addr);
});

test('decodePpa fills a caller buffer and ignores bits outside every field', () => {
  const out: PpaAddress = { sec: 9, pln: 9, pg: 9, blk: 9, lun: 9, ch: 9 };
  const got = decodePpa(TUTORIAL, (1n << 63n) | (1n << 18n) | 0x1503an, out);
  assert.equal(got, out);
  assert.deepEqual(out, { ch: 0, lun: 5, blk: 1, pg: 7, pln: 0, sec: 2 });
});

test('encode(decode) and decode(encode) round-trip for every address that fits', () => {
  const fmt = ppaFormatFor({ sec: 4, pln: 4, pg: 256, blk: 1024, lun: 8, ch: 16 });
  const field = (n: number) => fc.integer({ min: 0, max: n - 1 });
  fc.assert(
    fc.property(fc.record({ sec: field(4), pln: field(4), pg: field(256), blk: field(1024), lun: field(8), ch: field(16) }), (a) => {
      const ppa = encodePpa(fmt, a);
      assert.ok(ppa < 1n << 29n); // 2 + 2 + 8 + 10 + 3 + 4 bits
      assert.deepEqual(decodePpa(fmt, ppa), { ...a });
      assert.equal(encodePpa(fmt, decodePpa(fmt, ppa)), ppa);
    }),
  );
});

test('values that do not fit their field are refused, not aliased into the next one', () => {
  assert.throws(() => encodePpa(TUTORIAL, { ch: 1, lun: 0, blk: 0, pg: 0, pln: 0, sec: 0 }), /ppa\.ch: 1 does not fit 0 bits/);
  assert.throws(() => encodePpa(TUTORIAL, { ch: 0, lun: 0, blk: 4, pg: 0, pln: 0, sec: 0 }), /ppa\.blk: 4 does not fit 2 bits/);
  assert.throws(() => encodePpa(TUTORIAL, { ch: 0, lun: 0, blk: 0, pg: -1, pln: 0, sec: 0 }), /ppa\.pg/);
  assert.throws(() => ppaFormatFor({ sec: 0, pln: 1, pg: 1, blk: 1, lun: 1, ch: 1 }), /sec count 0/);
  assert.throws(() => ppaFormatFor({ sec: 2 ** 16, pln: 2 ** 16, pg: 2 ** 16, blk: 2 ** 16, lun: 1, ch: 2 ** 4 }), /need 68 bits/);
});

test('checkPpaFormat finds overlapping, oversized and out-of-range fields', () => {
  const bad: PpaFormat = { ...TUTORIAL, pgOff: 2, chLen: 40, blkOff: 63 };
  const p = checkPpaFormat(bad);
  assert.ok(p.some((x) => /pg bits 2\.\.10 overlap/.test(x)), p.join('; '));
  assert.ok(p.some((x) => /ch is 40 bits wide/.test(x)), p.join('; '));
  assert.ok(p.some((x) => /blk bits 63\.\.64 leave/.test(x)), p.join('; '));
});
