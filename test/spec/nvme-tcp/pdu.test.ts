import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  C2H_DATA,
  CAPSULE_CMD,
  CAPSULE_RESP,
  CONNECT_COMMAND,
  CONNECT_DATA,
  DISCONNECT_COMMAND,
  DISCOVERY_LOG_ENTRY,
  DISCOVERY_LOG_HEADER,
  FABRICS_COMMAND,
  H2C_DATA,
  IC_REQ,
  IC_RESP,
  PDU_COMMON_HEADER,
  PDU_HLEN,
  PROPERTY_GET_COMMAND,
  PROPERTY_SET_COMMAND,
  PduType,
  R2T,
  TERM_REQ,
  checkLayout,
  type Layout,
  decode,
  encode,
} from '../../../src/spec/index.js';
import { LINUX_CONNECT_HEADER, LINUX_ICREQ, LINUX_ICREQ_DIGESTS, NVMET_CONNECT_RESP, NVMET_ICRESP_HEAD, linuxConnectData } from '../../transport/tcp/fixtures.js';

test('every NVMe/TCP and Fabrics layout has its spec size and tiles without gaps', () => {
  const sizes: [Layout, number][] = [
    [PDU_COMMON_HEADER, 8],
    [IC_REQ, 128],
    [IC_RESP, 128],
    [CAPSULE_CMD, 72],
    [CAPSULE_RESP, 24],
    [H2C_DATA, 24],
    [C2H_DATA, 24],
    [R2T, 24],
    [TERM_REQ, 24],
    [FABRICS_COMMAND, 64],
    [CONNECT_COMMAND, 64],
    [PROPERTY_GET_COMMAND, 64],
    [PROPERTY_SET_COMMAND, 64],
    [DISCONNECT_COMMAND, 64],
    [CONNECT_DATA, 1024],
    [DISCOVERY_LOG_HEADER, 1024],
    [DISCOVERY_LOG_ENTRY, 1024],
  ];
  for (const [l, size] of sizes) {
    assert.equal(l.size, size, l.name);
    assert.deepEqual(checkLayout(l), [], l.name);
  }
  assert.equal(PDU_HLEN[PduType.CAPSULE_CMD], 72);
  assert.equal(PDU_HLEN[PduType.R2T], 24);
});

test('the Linux ICReq decodes as PFV 0, HPDA 0, no digests, MAXR2T 0; with digests DGST = 3', () => {
  const d = decode(IC_REQ, LINUX_ICREQ);
  assert.deepEqual([d.pduType, d.flags, d.hlen, d.pdo, d.plen, d.pfv, d.hpda, d.dgst, d.maxr2t], [0, 0, 128, 0, 128, 0, 0, 0, 0]);
  assert.equal(decode(IC_REQ, LINUX_ICREQ_DIGESTS).dgst, 3);
  assert.deepEqual(encode(IC_REQ, { pduType: 0, hlen: 128, plen: 128 }), LINUX_ICREQ);
});

test('nvmet ICResp and Connect response decode to the documented values', () => {
  const r = new Uint8Array(128);
  r.set(NVMET_ICRESP_HEAD);
  const d = decode(IC_RESP, r);
  assert.deepEqual([d.pduType, d.hlen, d.plen, d.pfv, d.cpda, d.dgst, d.maxh2cdata], [1, 128, 128, 0, 0, 0, 0x400000]);
  const c = decode(CAPSULE_RESP, NVMET_CONNECT_RESP);
  assert.equal(c.pduType, PduType.CAPSULE_RESP);
  assert.deepEqual([...(c.cqe as Uint8Array)], [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
});

test('the Linux Connect capsule header decodes: CapsuleCmd 72/72/1096, Connect QID 0, SQSIZE 31, KATO 5000', () => {
  const ch = decode(PDU_COMMON_HEADER, LINUX_CONNECT_HEADER);
  assert.deepEqual([ch.pduType, ch.flags, ch.hlen, ch.pdo, ch.plen], [4, 0, 72, 72, 1096]);
  const sqe = LINUX_CONNECT_HEADER.subarray(8, 72);
  const c = decode(CONNECT_COMMAND, sqe);
  assert.deepEqual([c.opcode, c.flags, c.cid, c.fctype, c.recfmt, c.qid, c.sqsize, c.cattr, c.kato], [0x7f, 0x40, 0, 1, 0, 0, 31, 0, 5000]);
  const sgl = c.sgl1 as Uint8Array;
  assert.equal(sgl[15], 0x01, 'in-capsule data block, offset subtype');
  assert.equal(new DataView(sgl.buffer, sgl.byteOffset).getUint32(8, true), 1024);
  const data = decode(CONNECT_DATA, linuxConnectData('nqn.test'));
  assert.equal(data.cntlid, 0xffff);
  assert.equal(data.subnqn, 'nqn.test');
  assert.equal(data.hostnqn, 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001');
  assert.equal((data.hostid as Uint8Array)[15], 1);
});
