// The streaming PDU reader: the same stream fed whole, byte by byte and split at every point
// gives the same PDUs; malformed headers fail it with the right FES / FEI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fes, PduFlag, PduType } from '../../../src/spec/index.js';
import { PduReader, capsuleCmd, crc32c, dataDigest, dataPdu, type PduHeader, type PduSink } from '../../../src/transport/index.js';
import { LINUX_ICREQ_DIGESTS } from './fixtures.js';

const H2C_TYPES = [PduType.IC_REQ, PduType.CAPSULE_CMD, PduType.H2C_DATA, PduType.H2C_TERM_REQ];
const D = { header: true, data: true };

function sqe(opc: number, cid: number): Uint8Array {
  const s = new Uint8Array(64);
  s[0] = opc;
  s[2] = cid;
  return s;
}

const payload = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** ICReq asking for digests, then (with digests) a capsule without data, one with 100 bytes, an H2CData of 300 bytes. */
function stream(): Uint8Array {
  const parts: Uint8Array[] = [LINUX_ICREQ_DIGESTS];
  parts.push(capsuleCmd(sqe(0x06, 1), 0, D));
  const inCapsule = payload(100, 1);
  parts.push(capsuleCmd(sqe(0x01, 2), inCapsule.length, D), inCapsule, dataDigest(inCapsule));
  const h2c = payload(300, 2);
  parts.push(dataPdu(PduType.H2C_DATA, D, 3, 7, 0, h2c.length, PduFlag.LAST_PDU), h2c, dataDigest(h2c));
  return Buffer.concat(parts);
}

interface Seen {
  type: number;
  cid: number;
  data: number[] | undefined;
  digestOk: boolean;
}

function recorder(): { sink: PduSink; seen: Seen[]; reader: PduReader } {
  const seen: Seen[] = [];
  const sink: PduSink = {
    header: (h: PduHeader) => (h.dataLength > 0 ? new Uint8Array(h.dataLength) : undefined),
    pdu(h, data) {
      seen.push({ type: h.type, cid: h.type === PduType.CAPSULE_CMD ? h.u16(10) : h.type === PduType.H2C_DATA ? h.u16(8) : -1, data: data === undefined ? undefined : [...data], digestOk: h.dataDigestOk });
      if (h.type === PduType.IC_REQ) reader.setDigests(true, true);
    },
  };
  const reader = new PduReader(sink, { accept: H2C_TYPES, maxData: 4096 });
  return { sink, seen, reader };
}

test('a PDU stream read whole, byte by byte and split at every point gives the same PDUs', () => {
  const s = stream();
  const whole = recorder();
  assert.ok(whole.reader.push(s));
  assert.deepEqual(
    whole.seen.map((x) => [x.type, x.cid, x.data?.length, x.digestOk]),
    [
      [PduType.IC_REQ, -1, undefined, true],
      [PduType.CAPSULE_CMD, 1, undefined, true],
      [PduType.CAPSULE_CMD, 2, 100, true],
      [PduType.H2C_DATA, 3, 300, true],
    ],
  );
  assert.deepEqual(whole.seen[2]!.data, [...payload(100, 1)]);
  assert.deepEqual(whole.seen[3]!.data, [...payload(300, 2)]);

  const bytes = recorder();
  for (let i = 0; i < s.length; i++) assert.ok(bytes.reader.push(s.subarray(i, i + 1)), `byte ${i}`);
  assert.deepEqual(bytes.seen, whole.seen);

  for (let cut = 1; cut < s.length; cut++) {
    const r = recorder();
    assert.ok(r.reader.push(s.subarray(0, cut)));
    assert.ok(r.reader.push(s.subarray(cut)));
    assert.deepEqual(r.seen, whole.seen, `split at ${cut}`);
  }
  // Three pieces at pseudo-random points too.
  for (let k = 0; k < 200; k++) {
    const a = 1 + ((k * 7919) % (s.length - 2));
    const b = a + 1 + ((k * 104729) % (s.length - a - 1));
    const r = recorder();
    r.reader.push(s.subarray(0, a));
    r.reader.push(s.subarray(a, b));
    r.reader.push(s.subarray(b));
    assert.deepEqual(r.seen, whole.seen, `splits at ${a}, ${b}`);
  }
});

test('a bad data digest is reported on the PDU, not fatal', () => {
  const r = recorder();
  r.reader.setDigests(true, true);
  const data = payload(64, 9);
  const dg = dataDigest(data);
  dg[0]! ^= 1;
  assert.ok(r.reader.push(Buffer.concat([capsuleCmd(sqe(1, 5), 64, D), data, dg])));
  assert.equal(r.seen.length, 1);
  assert.equal(r.seen[0]!.digestOk, false);
});

function failure(bytes: Uint8Array, digests = false): { fes: number; fei: number } {
  const r = recorder();
  r.reader.setDigests(digests, digests);
  assert.equal(r.reader.push(bytes), false);
  assert.equal(r.reader.failed, true);
  // Once failed, nothing more is read.
  assert.equal(r.reader.push(capsuleCmd(sqe(6, 1), 0, { header: digests, data: digests })), false);
  return { fes: r.reader.failure!.fes, fei: r.reader.failure!.fei };
}

test('malformed headers fail the reader with the TermReq FES and FEI of the bad field', () => {
  const ok = capsuleCmd(sqe(6, 1), 0, { header: false, data: false });
  const t = Buffer.from(ok);
  t[0] = 0x05; // CapsuleResp is not for the controller to receive
  assert.deepEqual(failure(t), { fes: Fes.INVALID_HEADER_FIELD, fei: 0 });
  const h = Buffer.from(ok);
  h[2] = 70;
  assert.deepEqual(failure(h), { fes: Fes.INVALID_HEADER_FIELD, fei: 2 });
  const p = Buffer.from(ok);
  p.writeUInt32LE(10, 4);
  assert.deepEqual(failure(p), { fes: Fes.INVALID_HEADER_FIELD, fei: 4 });
  // Header digest negotiated but the PDU has no HDGSTF.
  assert.deepEqual(failure(ok, true), { fes: Fes.INVALID_HEADER_FIELD, fei: 1 });
  const dg = capsuleCmd(sqe(6, 1), 0, { header: true, data: true });
  dg[72]! ^= 0xff;
  assert.deepEqual(failure(dg, true), { fes: Fes.HEADER_DIGEST_ERROR, fei: 0 });
  // More in-capsule data than the limit.
  const big = capsuleCmd(sqe(1, 1), 8192, { header: false, data: false });
  assert.deepEqual(failure(big), { fes: Fes.DATA_LIMIT_EXCEEDED, fei: 0 });
  // PDO inside the header.
  const pdo = capsuleCmd(sqe(1, 1), 16, { header: false, data: false });
  pdo[3] = 40;
  assert.deepEqual(failure(Buffer.concat([pdo, new Uint8Array(16)])), { fes: Fes.INVALID_HEADER_FIELD, fei: 3 });
  // ICReq with a PLEN other than 128.
  const ic = Buffer.from(LINUX_ICREQ_DIGESTS);
  ic.writeUInt32LE(132, 4);
  assert.deepEqual(failure(ic), { fes: Fes.INVALID_HEADER_FIELD, fei: 4 });
});

test('the header digest is CRC32C of the header, little endian', () => {
  const c = capsuleCmd(sqe(6, 1), 0, D);
  assert.equal(c.length, 76);
  assert.equal(c.readUInt32LE(72), crc32c(c, 0, 72));
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(c[1], PduFlag.HDGSTF);
});
