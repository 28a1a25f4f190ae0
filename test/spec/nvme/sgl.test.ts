import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import {
  SGL_DESCRIPTOR,
  SGL_ID,
  SGL_ID_TCP_IN_CAPSULE,
  SGL_ID_TCP_TRANSPORT,
  SGL_TYPE_NAMES,
  SglSubtype,
  SglType,
  readBits,
  sglId,
} from '../../../src/spec/nvme/index.js';

test('SGL descriptor is 16 bytes: address, length, reserved, identifier at byte 15', () => {
  assert.equal(SGL_DESCRIPTOR.size, 16);
  assert.deepEqual(checkLayout(SGL_DESCRIPTOR), []);
  assert.deepEqual([SGL_DESCRIPTOR.offset.address, SGL_DESCRIPTOR.offset.length, SGL_DESCRIPTOR.offset.sglid], [0, 8, 15]);
});

test('type and subtype values follow the spec', () => {
  assert.deepEqual(
    [SglType.DATA_BLOCK, SglType.BIT_BUCKET, SglType.SEGMENT, SglType.LAST_SEGMENT, SglType.KEYED_DATA_BLOCK, SglType.TRANSPORT_DATA_BLOCK],
    [0, 1, 2, 3, 4, 5],
  );
  assert.deepEqual([SglSubtype.ADDRESS, SglSubtype.OFFSET, SglSubtype.TRANSPORT], [0x0, 0x1, 0xa]);
  for (const t of Object.values(SglType)) assert.ok(SGL_TYPE_NAMES[t], `no name for type ${t}`);
});

test('NVMe/TCP identifiers: 0x01 in-capsule, 0x5A transport data block', () => {
  assert.equal(SGL_ID_TCP_IN_CAPSULE, 0x01);
  assert.equal(SGL_ID_TCP_TRANSPORT, 0x5a);
  assert.equal(sglId(SglType.LAST_SEGMENT, SglSubtype.ADDRESS), 0x30);
});

test('a transport data block descriptor encodes byte for byte and its type reads back', () => {
  const d = encode(SGL_DESCRIPTOR, { address: 0n, length: 0x2000, sglid: SGL_ID_TCP_TRANSPORT });
  assert.deepEqual([...d], [0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x20, 0, 0, 0, 0, 0, 0x5a]);
  assert.equal(readBits(d, SGL_ID.type), SglType.TRANSPORT_DATA_BLOCK);
  assert.equal(readBits(d, SGL_ID.subtype), SglSubtype.TRANSPORT);
  assert.deepEqual(decode(SGL_DESCRIPTOR, d), { address: 0n, length: 0x2000, sglid: 0x5a });
});
