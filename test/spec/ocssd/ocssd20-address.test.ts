import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LBA_FIELDS, ceilLog2, decodeLba, encodeLba, lbaFormatBits, lbaFormatFor, lbaOffsets } from '../../../src/spec/ocssd/index.js';
import type { LbaAddress } from '../../../src/spec/ocssd/index.js';

const QEMU = lbaFormatFor({ grp: 2, pu: 4, chk: 60, sec: 4096 });

test('ceilLog2 of 1..5, 60 and 4096', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 60, 4096, 4097].map(ceilLog2), [0, 1, 2, 2, 3, 6, 12, 13]);
});

test('num_grp 2, num_pu 4, num_chk 60, clba 4096 give grp 1 bit, pu 2, chk 6, lba 12', () => {
  assert.deepEqual(QEMU, { grpLen: 1, puLen: 2, chkLen: 6, lbaLen: 12 });
  assert.deepEqual(lbaOffsets(QEMU), { sec: 0, chk: 12, pu: 18, grp: 20 });
  assert.equal(lbaFormatBits(QEMU), 21);
  assert.deepEqual([...LBA_FIELDS], ['sec', 'chk', 'pu', 'grp']);
});

test('LBA fixtures: sector | chunk | PU | group from bit 0', () => {
  assert.equal(encodeLba(QEMU, { grp: 1, pu: 3, chk: 59, sec: 4095 }), 0x1fbfffn);
  assert.equal(encodeLba(QEMU, { grp: 1, pu: 2, chk: 5, sec: 0 }), 0x185000n);
  assert.equal(encodeLba(QEMU, { grp: 0, pu: 0, chk: 1, sec: 0 }), 4096n);
  assert.deepEqual(decodeLba(QEMU, 0x185000n), { grp: 1, pu: 2, chk: 5, sec: 0 });
  // The 1.2 tutorial seen as 2.0 (16 PUs, 3 chunks, 4096 blocks per chunk).
  const tut = lbaFormatFor({ grp: 1, pu: 16, chk: 3, sec: 4096 });
  assert.deepEqual(tut, { grpLen: 0, puLen: 4, chkLen: 2, lbaLen: 12 });
  assert.equal(encodeLba(tut, { grp: 0, pu: 15, chk: 2, sec: 7 }), (15n << 14n) | (2n << 12n) | 7n);
});

test('decodeLba fills a caller buffer and ignores bits above the format', () => {
  const out: LbaAddress = { sec: 1, chk: 1, pu: 1, grp: 1 };
  assert.equal(decodeLba(QEMU, (1n << 40n) | 0x1fbfffn, out), out);
  assert.deepEqual(out, { grp: 1, pu: 3, chk: 59, sec: 4095 });
});

test('encode(decode) and decode(encode) round-trip for every address that fits', () => {
  const field = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
  fc.assert(
    fc.property(
      fc.record({ grpLen: fc.integer({ min: 0, max: 8 }), puLen: fc.integer({ min: 0, max: 8 }), chkLen: fc.integer({ min: 0, max: 16 }), lbaLen: fc.integer({ min: 0, max: 24 }) }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      (fmt, seed) => {
        const a = {
          grp: seed % 2 ** fmt.grpLen,
          pu: (seed >>> 3) % 2 ** fmt.puLen,
          chk: (seed >>> 7) % 2 ** fmt.chkLen,
          sec: (seed * 7) % 2 ** fmt.lbaLen,
        };
        const lba = encodeLba(fmt, a);
        assert.ok(lba < 1n << BigInt(lbaFormatBits(fmt)) || lbaFormatBits(fmt) === 0);
        assert.deepEqual(decodeLba(fmt, lba), a);
        assert.equal(encodeLba(fmt, decodeLba(fmt, lba)), lba);
      },
    ),
  );
  fc.assert(
    fc.property(fc.record({ grp: field(1), pu: field(2), chk: field(6), sec: field(12) }), (a) => {
      assert.deepEqual(decodeLba(QEMU, encodeLba(QEMU, a)), { ...a });
    }),
  );
});

test('values that do not fit are refused; formats past 64 bits are refused', () => {
  assert.throws(() => encodeLba(QEMU, { grp: 2, pu: 0, chk: 0, sec: 0 }), /lba\.grp: 2 does not fit 1 bits/);
  // chk 60..63 fits the 6-bit field: only the controller knows num_chk.
  assert.equal(encodeLba(QEMU, { grp: 0, pu: 0, chk: 63, sec: 0 }), 63n << 12n);
  assert.throws(() => encodeLba(QEMU, { grp: 0, pu: 0, chk: 0, sec: 4096 }), /lba\.sec/);
  assert.throws(() => lbaFormatFor({ grp: 0, pu: 1, chk: 1, sec: 1 }), /grp count 0/);
  assert.throws(() => lbaFormatFor({ grp: 2 ** 32, pu: 2 ** 32, chk: 2 ** 2, sec: 2 ** 1 }), /need 67 bits/);
});
