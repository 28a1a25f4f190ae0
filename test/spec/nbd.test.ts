import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NBD_CLIENT_FLAGS,
  NBD_EXPORT_NAME_REPLY,
  NBD_GREETING,
  NBD_INFO_BLOCK_SIZE,
  NBD_INFO_EXPORT,
  NBD_OPTION_HEADER,
  NBD_OPTION_REPLY,
  NBD_REQUEST,
  NBD_SIMPLE_REPLY,
  NBD_STRUCTURED_REPLY,
  NBD_ERROR_NAMES,
  NBD_COMMAND_NAMES,
  NBD_REPLY_NAMES,
  NbdMagic,
  NbdReply,
  NbdReplyFlag,
  NbdReplyType,
  NbdTransmissionFlag as TF,
  checkLayout,
  decode,
  encode,
  isNbdErrorReply,
} from '../../src/spec/index.js';

test('NBD layouts have the sizes of proto.md and tile without gaps', () => {
  const sizes: [string, number, number][] = [
    ['greeting', NBD_GREETING.size, 18],
    ['client flags', NBD_CLIENT_FLAGS.size, 4],
    ['option header', NBD_OPTION_HEADER.size, 16],
    ['option reply', NBD_OPTION_REPLY.size, 20],
    ['export name reply', NBD_EXPORT_NAME_REPLY.size, 10],
    ['info export', NBD_INFO_EXPORT.size, 12],
    ['info block size', NBD_INFO_BLOCK_SIZE.size, 14],
    ['request', NBD_REQUEST.size, 28],
    ['simple reply', NBD_SIMPLE_REPLY.size, 16],
    ['structured reply', NBD_STRUCTURED_REPLY.size, 20],
  ];
  for (const [name, got, want] of sizes) assert.equal(got, want, name);
  for (const l of [NBD_GREETING, NBD_CLIENT_FLAGS, NBD_OPTION_HEADER, NBD_OPTION_REPLY, NBD_EXPORT_NAME_REPLY, NBD_INFO_EXPORT, NBD_INFO_BLOCK_SIZE, NBD_REQUEST, NBD_SIMPLE_REPLY, NBD_STRUCTURED_REPLY]) {
    assert.deepEqual(checkLayout(l), [], l.name);
    assert.equal(l.endian, 'be', l.name);
  }
});

test('the greeting encodes big-endian as "NBDMAGIC" "IHAVEOPT" 00 03', () => {
  const g = encode(NBD_GREETING, { magic: NbdMagic.INIT, opts: NbdMagic.OPTS, handshakeFlags: 3 });
  assert.equal(Buffer.from(g.subarray(0, 16)).toString('latin1'), 'NBDMAGICIHAVEOPT');
  assert.deepEqual([...g.subarray(16)], [0, 3]);
});

test('a request round-trips; magic bytes are 25 60 95 13 on the wire', () => {
  const bytes = encode(NBD_REQUEST, { magic: NbdMagic.REQUEST, flags: 1, type: 1, cookie: 0x0102030405060708n, offset: 4096n, length: 512 });
  assert.deepEqual([...bytes.subarray(0, 8)], [0x25, 0x60, 0x95, 0x13, 0, 1, 0, 1]);
  assert.deepEqual([...bytes.subarray(8, 16)], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(decode(NBD_REQUEST, bytes), { magic: NbdMagic.REQUEST, flags: 1, type: 1, cookie: 0x0102030405060708n, offset: 4096n, length: 512 });
  const reply = encode(NBD_SIMPLE_REPLY, { magic: NbdMagic.SIMPLE_REPLY, error: 22, cookie: 5n });
  assert.deepEqual([...reply], [0x67, 0x44, 0x66, 0x98, 0, 0, 0, 22, 0, 0, 0, 0, 0, 0, 0, 5]);
});

test('names, error replies and the FTL export flag value of specs.md', () => {
  assert.equal(NBD_ERROR_NAMES[28], 'ENOSPC');
  assert.equal(NBD_COMMAND_NAMES[6], 'NBD_CMD_WRITE_ZEROES');
  assert.equal(NBD_REPLY_NAMES[NbdReply.ERR_UNSUP], 'NBD_REP_ERR_UNSUP');
  assert.equal(NbdReply.ERR_TOO_BIG, 0x80000009);
  assert.ok(isNbdErrorReply(NbdReply.ERR_UNKNOWN) && !isNbdErrorReply(NbdReply.INFO));
  assert.deepEqual([NbdReplyType.OFFSET_DATA, NbdReplyType.ERROR, NbdReplyType.ERROR_OFFSET, NbdReplyFlag.DONE], [1, 0x8001, 0x8002, 1]);
  assert.equal(TF.HAS_FLAGS | TF.SEND_FLUSH | TF.SEND_FUA | TF.SEND_TRIM | TF.SEND_WRITE_ZEROES, 0x006d);
});
