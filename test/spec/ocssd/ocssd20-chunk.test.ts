import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureId, LogPage, checkLayout, decode, encode, packBits } from '../../../src/spec/index.js';
import {
  OCSSD20_CHUNK_DESCRIPTOR,
  OCSSD20_CHUNK_NOTIFICATION,
  OCSSD20_CHUNK_STATE_NAMES,
  OCSSD20_FEAT_MEDIA_FEEDBACK,
  OCSSD20_FEATURE_NAMES,
  OCSSD20_LOG_PAGE_NAMES,
  Ocssd20ChunkState,
  Ocssd20ChunkType,
  Ocssd20Feature,
  Ocssd20LogPage,
  Ocssd20MediaFeedback,
  Ocssd20NotificationMask,
  Ocssd20NotificationState,
  encodeLba,
  lbaFormatFor,
} from '../../../src/spec/ocssd/index.js';

const QEMU = lbaFormatFor({ grp: 2, pu: 4, chk: 60, sec: 4096 });
const le64 = (v: bigint) => [...new Uint8Array(new BigUint64Array([v]).buffer)];

test('the chunk descriptor is 32 bytes: cs, ct, wli, slba @8, cnlb @16, wp @24', () => {
  assert.equal(OCSSD20_CHUNK_DESCRIPTOR.size, 32);
  assert.deepEqual(checkLayout(OCSSD20_CHUNK_DESCRIPTOR), []);
  const o = OCSSD20_CHUNK_DESCRIPTOR.offset;
  assert.deepEqual([o.cs, o.ct, o.wli, o.slba, o.cnlb, o.wp], [0, 1, 2, 8, 16, 24]);
});

test('an open sequential chunk (grp 1, pu 2, chk 5, wp 24) encodes byte for byte', () => {
  const slba = encodeLba(QEMU, { grp: 1, pu: 2, chk: 5, sec: 0 });
  const d = encode(OCSSD20_CHUNK_DESCRIPTOR, { cs: Ocssd20ChunkState.OPEN, ct: Ocssd20ChunkType.SEQUENTIAL, wli: 3, slba, cnlb: 4096n, wp: 24n });
  // prettier-ignore
  assert.deepEqual([...d], [
    0x04, 0x01, 0x03, 0, 0, 0, 0, 0,
    0x00, 0x50, 0x18, 0, 0, 0, 0, 0,
    0x00, 0x10, 0x00, 0, 0, 0, 0, 0,
    0x18, 0x00, 0x00, 0, 0, 0, 0, 0,
  ]);
  assert.deepEqual(decode(OCSSD20_CHUNK_DESCRIPTOR, d), { cs: 4, ct: 1, wli: 3, slba: 0x185000n, cnlb: 4096n, wp: 24n });
});

test('an offline chunk with a deviating size and WP all ones', () => {
  const d = encode(OCSSD20_CHUNK_DESCRIPTOR, {
    cs: Ocssd20ChunkState.OFFLINE,
    ct: Ocssd20ChunkType.SEQUENTIAL | Ocssd20ChunkType.SIZE_DEVIATES,
    wli: 255,
    cnlb: 4000n,
    wp: 0xffff_ffff_ffff_ffffn,
  });
  assert.deepEqual([...d.subarray(0, 3)], [0x08, 0x11, 0xff]);
  assert.deepEqual([...d.subarray(16, 32)], [...le64(4000n), ...new Array<number>(8).fill(0xff)]);
});

test('chunk states are one-hot and named; chunk types are bits', () => {
  assert.deepEqual(Ocssd20ChunkState, { FREE: 1, CLOSED: 2, OPEN: 4, OFFLINE: 8 });
  for (const v of Object.values(Ocssd20ChunkState)) {
    assert.equal(v & (v - 1), 0, `${v} is one bit`);
    assert.ok(OCSSD20_CHUNK_STATE_NAMES[v]);
  }
  assert.deepEqual(Ocssd20ChunkType, { SEQUENTIAL: 0x1, RANDOM: 0x2, SIZE_DEVIATES: 0x10 });
});

test('the chunk notification is 64 bytes with nlb at 32', () => {
  assert.equal(OCSSD20_CHUNK_NOTIFICATION.size, 64);
  assert.deepEqual(checkLayout(OCSSD20_CHUNK_NOTIFICATION), []);
  const o = OCSSD20_CHUNK_NOTIFICATION.offset;
  assert.deepEqual([o.nc, o.lba, o.nsid, o.state, o.mask, o.nlb0], [0, 8, 16, 20, 22, 32]);
});

test('a wear-level notification for a chunk encodes byte for byte', () => {
  const n = encode(OCSSD20_CHUNK_NOTIFICATION, {
    nc: 1n,
    lba: 0x185000n,
    nsid: 1,
    state: Ocssd20NotificationState.WLI_OUT_OF_RANGE,
    mask: Ocssd20NotificationMask.CHUNK,
  });
  const want = new Array<number>(64).fill(0);
  want.splice(0, 23, 1, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x50, 0x18, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x00, 0x01, 0x02);
  assert.deepEqual([...n], want);
  const e = encode(OCSSD20_CHUNK_NOTIFICATION, { state: Ocssd20NotificationState.ERR_HIGH | Ocssd20NotificationState.REFRESHED, mask: Ocssd20NotificationMask.SECTOR, nlb0: 0x0203 });
  assert.deepEqual([...e.subarray(20, 23)], [0x14, 0x00, 0x01]);
  assert.deepEqual([...e.subarray(32, 34)], [0x03, 0x02]);
});

test('notification bit values', () => {
  assert.deepEqual(Ocssd20NotificationState, { ERR_LOW: 0x1, ERR_MID: 0x2, ERR_HIGH: 0x4, UNRECOVERABLE: 0x8, REFRESHED: 0x10, WLI_OUT_OF_RANGE: 0x100 });
  assert.deepEqual(Ocssd20NotificationMask, { SECTOR: 1, CHUNK: 2, PU: 4 });
});

test('log pages 0xCA / 0xD0 and feature 0xCA, clear of the base spec', () => {
  assert.deepEqual(Ocssd20LogPage, { CHUNK_INFO: 0xca, CHUNK_NOTIFICATION: 0xd0 });
  for (const v of Object.values(Ocssd20LogPage)) {
    assert.ok(OCSSD20_LOG_PAGE_NAMES[v]);
    assert.ok(!(Object.values(LogPage) as number[]).includes(v), `0x${v.toString(16)} is a base log page`);
  }
  assert.equal(Ocssd20Feature.MEDIA_FEEDBACK, 0xca);
  assert.ok(OCSSD20_FEATURE_NAMES[0xca]);
  assert.ok(!(Object.values(FeatureId) as number[]).includes(Ocssd20Feature.MEDIA_FEEDBACK));
  assert.deepEqual(Ocssd20MediaFeedback, { HECC: 1, VHECC: 2 });
  assert.equal(packBits(OCSSD20_FEAT_MEDIA_FEEDBACK, { hecc: 1, vhecc: 1 }), Ocssd20MediaFeedback.HECC | Ocssd20MediaFeedback.VHECC);
  assert.equal(OCSSD20_FEAT_MEDIA_FEEDBACK.vhecc.dword, 11);
});
