// The NVMe/TCP target on the wire: Linux's own ICReq and Connect bytes, properties, the
// sequence rule before CC.EN, TermReq on garbage (other connections go on), allowed hosts,
// limits, keep-alive expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONNECT_DATA, Fes, PduType, SGL_ID_TCP_IN_CAPSULE } from '../../../src/spec/index.js';
import { TcpInitiator } from '../../../src/host/index.js';
import { NO_DIGESTS, capsuleCmd } from '../../../src/transport/index.js';
import { HOSTNQN, NQN, startTarget } from './helpers.js';
import { LINUX_ICREQ, LINUX_ICREQ_DIGESTS, linuxConnect, linuxConnectData } from './fixtures.js';
import { RawClient, cqe, sqeOf } from './raw-client.js';

const FABRICS = 0x7f;
const PROPERTY_GET = 4;
const PROPERTY_SET = 0;

/** ICReq + the Linux Connect capsule; returns the client after the Connect response. */
async function linuxConnectClient(port: number, subnqn = NQN, hostnqn = HOSTNQN): Promise<{ c: RawClient; resp: ReturnType<typeof cqe> }> {
  const c = await RawClient.open(port);
  c.send(LINUX_ICREQ);
  await c.pdu(0);
  c.send(linuxConnect(subnqn, hostnqn));
  return { c, resp: cqe(await c.pdu(1)) };
}

test('Linux ICReq gets an ICResp Linux accepts; the Linux Connect capsule gets CNTLID 1', async () => {
  const t = await startTarget();
  try {
    const { c, resp } = await linuxConnectClient(t.port);
    const ic = c.pdus[0]!;
    assert.equal(ic.type, PduType.IC_RESP);
    assert.deepEqual([...ic.header.subarray(0, 12)], [1, 0, 128, 0, 128, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(ic.header.readUInt32LE(12), 128 * 1024, 'MAXH2CDATA');
    assert.deepEqual(resp, { dw0: 1, dw1: 0, sqhd: 1, sqid: 0, cid: 0, status: 0 });
    c.close();
  } finally {
    await t.close();
  }
});

test('properties: CAP, VS, CC = EN, CSTS.RDY; Identify before CC.EN is a Command Sequence Error', async () => {
  const t = await startTarget();
  try {
    const { c } = await linuxConnectClient(t.port);
    let n = 2;
    const ask = async (sqe: Uint8Array, data?: Uint8Array): Promise<ReturnType<typeof cqe> & { data?: Buffer }> => {
      c.sendCapsule(sqe, data);
      let p = await c.pdu(n++);
      let d: Buffer | undefined;
      if (p.type === PduType.C2H_DATA) {
        d = p.data;
        p = await c.pdu(n++);
      }
      return { ...cqe(p), ...(d !== undefined ? { data: d } : {}) };
    };
    const capR = await ask(sqeOf(FABRICS, 10, { 4: PROPERTY_GET }, { 10: 1, 11: 0 }));
    assert.equal(capR.status, 0);
    assert.equal(capR.dw0 & 0xffff, 127, 'MQES');
    const vs = await ask(sqeOf(FABRICS, 11, { 4: PROPERTY_GET }, { 10: 0, 11: 8 }));
    assert.equal(vs.dw0, 0x10400);
    const early = await ask(sqeOf(0x06, 12, {}, { 10: 1 }));
    assert.equal(early.status, 0x400c);
    assert.equal(early.data, undefined);
    const set = await ask(sqeOf(FABRICS, 13, { 4: PROPERTY_SET }, { 10: 0, 11: 0x14, 12: 0x460001 }));
    assert.equal(set.status, 0);
    const csts = await ask(sqeOf(FABRICS, 14, { 4: PROPERTY_GET }, { 10: 0, 11: 0x1c }));
    assert.equal(csts.dw0 & 1, 1);
    // Property Get of a bad size or a non-register offset: Invalid Field.
    assert.equal((await ask(sqeOf(FABRICS, 15, { 4: PROPERTY_GET }, { 10: 3, 11: 0 }))).status, 0x4002);
    // Identify Controller now: one C2HData with LAST_PDU (no SUCCESS), then the response.
    const sgl = sqeOf(0x06, 16, { 39: 0x5a }, { 8: 4096, 10: 1 });
    const id = await ask(sgl);
    assert.equal(id.status, 0);
    assert.equal(id.data!.length, 4096);
    assert.equal(c.pdus[n - 2]!.flags, 0x04);
    assert.equal(id.data!.readUInt16LE(78), 1, 'CNTLID');
    assert.equal(id.data!.readUInt32LE(1792), 516, 'IOCCSZ');
    assert.equal(id.data!.readUInt32LE(1796), 1, 'IORCSZ');
    assert.equal(id.data!.readUInt32LE(536), 0x100001, 'SGLS');
    assert.equal(id.data![111], 1, 'CNTRLTYPE');
    assert.equal(id.data!.subarray(768, 768 + NQN.length).toString(), NQN);
    // Create I/O SQ has no meaning over a fabric.
    assert.equal((await ask(sqeOf(0x01, 17, {}, { 10: 0x001f0001, 11: 0x10001 }))).status, 0x4001);
    c.close();
  } finally {
    await t.close();
  }
});

test('garbage on one connection: C2HTermReq and close; another host goes on', async () => {
  const t = await startTarget();
  const host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN });
  try {
    await host.createIoQueues(1, 16);
    const bad = await RawClient.open(t.port);
    bad.send(LINUX_ICREQ);
    await bad.pdu(0);
    bad.send(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const term = await bad.pdu(1);
    assert.equal(term.type, PduType.C2H_TERM_REQ);
    assert.equal(term.header.readUInt16LE(8), Fes.INVALID_HEADER_FIELD);
    assert.equal(term.header.readUInt32LE(10), 0, 'FEI: the PDU type byte');
    assert.equal(term.data!.subarray(0, 4).toString(), 'GET ');
    await bad.waitClosed();
    const data = Buffer.alloc(8192, 0x5a);
    await host.write(1, 10, data);
    assert.deepEqual(Buffer.from(await host.read(1, 10, 2)), data);
    assert.ok(t.logs.some((l) => /protocol error FES 1/.test(l)));
  } finally {
    await host.close();
    await t.close();
  }
});

test('a garbage first PDU (before ICReq) and an ICReq with PFV 1 are refused with TermReq', async () => {
  const t = await startTarget();
  try {
    const c = await RawClient.open(t.port);
    c.send(Buffer.alloc(128, 0xff));
    assert.equal((await c.pdu(0)).type, PduType.C2H_TERM_REQ);
    await c.waitClosed();
    const v = await RawClient.open(t.port);
    const ic = Buffer.from(LINUX_ICREQ);
    ic[8] = 1;
    v.send(ic);
    const p = await v.pdu(0);
    assert.equal(p.type, PduType.C2H_TERM_REQ);
    assert.equal(p.header.readUInt16LE(8), Fes.INVALID_HEADER_FIELD);
    assert.equal(p.header.readUInt32LE(10), 8);
    await v.waitClosed();
  } finally {
    await t.close();
  }
});

test('allowed hosts: another host NQN gets Connect Invalid Host; an unknown NQN Invalid Parameters naming SUBNQN', async () => {
  const t = await startTarget({ allowedHosts: [HOSTNQN] });
  try {
    const { c, resp } = await linuxConnectClient(t.port, NQN, 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000ff');
    assert.equal(resp.status, 0x4184);
    assert.equal(resp.dw0, CONNECT_DATA.offset.hostnqn | (1 << 16));
    await c.waitClosed();
    const u = await linuxConnectClient(t.port, 'nqn.2026-11.io.ocssd:nope');
    assert.equal(u.resp.status, 0x4182);
    assert.equal(u.resp.dw0, CONNECT_DATA.offset.subnqn | (1 << 16));
    const ok = await linuxConnectClient(t.port);
    assert.equal(ok.resp.status, 0);
    ok.c.close();
    await assert.rejects(TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: 'nqn.2014-08.org.nvmexpress:uuid:11111111-0000-0000-0000-000000000000' }), /Connect Invalid Host/);
  } finally {
    await t.close();
  }
});

test('Connect checks: SQSIZE above the limit, a static CNTLID on the admin queue, an I/O queue of an unknown controller', async () => {
  const t = await startTarget();
  try {
    const big = await RawClient.open(t.port);
    big.send(LINUX_ICREQ);
    await big.pdu(0);
    const cap = Buffer.from(linuxConnect(NQN));
    cap.writeUInt16LE(1023, 8 + 44);
    big.send(cap);
    assert.deepEqual([cqe(await big.pdu(1)).status, cqe(big.pdus[1]!).dw0], [0x4182, 44]);
    const stat = await RawClient.open(t.port);
    stat.send(LINUX_ICREQ);
    await stat.pdu(0);
    const s2 = Buffer.from(linuxConnect(NQN));
    s2.writeUInt16LE(5, 72 + 16);
    stat.send(s2);
    assert.deepEqual([cqe(await stat.pdu(1)).status, cqe(stat.pdus[1]!).dw0], [0x4182, 16 | (1 << 16)]);
    const io = await RawClient.open(t.port);
    io.send(LINUX_ICREQ);
    await io.pdu(0);
    const s3 = Buffer.from(linuxConnect(NQN));
    s3.writeUInt16LE(1, 8 + 42);
    s3.writeUInt16LE(7, 72 + 16);
    io.send(s3);
    assert.deepEqual([cqe(await io.pdu(1)).status, cqe(io.pdus[1]!).dw0], [0x4182, 16 | (1 << 16)]);
  } finally {
    await t.close();
  }
});

test('limits: more in-capsule data than IOCCSZ, H2CData without an R2T, more commands than SQSIZE end that connection only', async () => {
  const t = await startTarget();
  try {
    // In-capsule data beyond 8 KiB on the admin queue.
    const { c } = await linuxConnectClient(t.port);
    c.sendCapsule(sqeOf(0x09, 1, { 39: SGL_ID_TCP_IN_CAPSULE }, { 8: 16384 }), Buffer.alloc(16384));
    const term = await c.pdu(2);
    assert.equal(term.type, PduType.C2H_TERM_REQ);
    assert.equal(term.header.readUInt16LE(8), Fes.DATA_LIMIT_EXCEEDED);
    await c.waitClosed();
    // H2CData for a transfer tag that was never given.
    const h = await linuxConnectClient(t.port);
    const h2c = Buffer.alloc(24 + 16);
    h2c[0] = PduType.H2C_DATA;
    h2c[2] = 24;
    h2c[3] = 24;
    h2c.writeUInt32LE(40, 4);
    h2c.writeUInt16LE(3, 10);
    h2c.writeUInt32LE(16, 16);
    h.c.send(h2c);
    const t2 = await h.c.pdu(2);
    assert.equal(t2.type, PduType.C2H_TERM_REQ);
    assert.equal(t2.header.readUInt32LE(10), 10, 'FEI names TTAG');
    // 33 outstanding commands on a 32-entry admin queue: writes waiting for their data after an R2T hold their entries.
    const q = await linuxConnectClient(t.port);
    for (let i = 0; i < 33; i++) q.c.sendCapsule(sqeOf(0x01, 300 + i, { 39: 0x5a }, { 8: 4096 }));
    await q.c.waitClosed();
    assert.equal(q.c.pdus.filter((p) => p.type === PduType.R2T).length, 32);
    assert.equal(q.c.pdus.at(-1)!.type, PduType.C2H_TERM_REQ);
    assert.equal(q.c.pdus.at(-1)!.header.readUInt16LE(8), Fes.PDU_SEQUENCE_ERROR);
  } finally {
    await t.close();
  }
});

test('keep-alive: an association whose host goes quiet past KATO ends', async () => {
  const t = await startTarget();
  try {
    const c = await RawClient.open(t.port);
    c.send(LINUX_ICREQ);
    await c.pdu(0);
    const cap = Buffer.from(linuxConnect(NQN));
    cap.writeUInt32LE(200, 8 + 48);
    c.send(cap);
    assert.equal(cqe(await c.pdu(1)).status, 0);
    assert.equal(t.target.listAssociations().length, 1);
    await c.waitClosed(2000);
    assert.equal(t.target.listAssociations().length, 0);
    assert.ok(t.logs.some((l) => /keep-alive timeout \(200 ms\)/.test(l)));
    // Our initiator keeps it alive with KATO 200 ms.
    const host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN, katoMs: 200 });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(t.target.listAssociations().length, 1);
    await host.close();
  } finally {
    await t.close();
  }
});

test('digests: ICReq with DGST 3 is echoed; a capsule without HDGSTF is a protocol error', async () => {
  const t = await startTarget();
  try {
    const c = await RawClient.open(t.port);
    c.send(LINUX_ICREQ_DIGESTS);
    const ic = await c.pdu(0);
    assert.equal(ic.header[11], 3);
    c.send(linuxConnect(NQN));
    const term = await c.pdu(1);
    assert.equal(term.type, PduType.C2H_TERM_REQ);
    assert.equal(term.header.readUInt32LE(10), 1, 'FEI: FLAGS');
    await c.waitClosed();
    void linuxConnectData;
  } finally {
    await t.close();
  }
});

test('with SQ flow control disabled at Connect, a successful read ends with C2HData LAST_PDU | SUCCESS and no CapsuleResp', async () => {
  const t = await startTarget();
  try {
    const c = await RawClient.open(t.port);
    c.send(LINUX_ICREQ);
    await c.pdu(0);
    const cap = Buffer.from(linuxConnect(NQN));
    cap[8 + 46] = 0x04;
    c.send(cap);
    assert.equal(cqe(await c.pdu(1)).status, 0);
    c.sendCapsule(sqeOf(FABRICS, 1, { 4: PROPERTY_SET }, { 10: 0, 11: 0x14, 12: 0x460001 }));
    assert.equal(cqe(await c.pdu(2)).status, 0);
    c.sendCapsule(sqeOf(0x06, 2, { 39: 0x5a }, { 8: 4096, 10: 1 }));
    const data = await c.pdu(3);
    assert.equal(data.type, PduType.C2H_DATA);
    assert.equal(data.flags, 0x0c);
    c.sendCapsule(sqeOf(0x18, 3));
    const next = await c.pdu(4);
    assert.equal(next.type, PduType.CAPSULE_RESP);
    assert.equal(cqe(next).cid, 3, 'the next PDU answers Keep Alive: Identify had no CapsuleResp');
    c.close();
  } finally {
    await t.close();
  }
});

test('PDUs after a Disconnect or a refused Connect in the same segment are ignored; the target goes on', async () => {
  const t = await startTarget();
  try {
    const { c } = await linuxConnectClient(t.port);
    const disconnect = capsuleCmd(sqeOf(FABRICS, 7, { 4: 0x08 }), 0, NO_DIGESTS);
    const more = capsuleCmd(sqeOf(0x18, 8), 0, NO_DIGESTS);
    c.send(Buffer.concat([disconnect, more, more, Buffer.from('junk after the end')]));
    const resp = await c.pdu(2);
    assert.deepEqual([resp.type, cqe(resp).cid, cqe(resp).status], [PduType.CAPSULE_RESP, 7, 0]);
    await c.waitClosed();
    assert.equal(c.pdus.length, 3, 'nothing answered after the Disconnect');
    const r = await RawClient.open(t.port);
    r.send(LINUX_ICREQ);
    await r.pdu(0);
    r.send(Buffer.concat([linuxConnect('nqn.2026-11.io.ocssd:unknown'), more, linuxConnect(NQN)]));
    assert.equal(cqe(await r.pdu(1)).status, 0x4182);
    await r.waitClosed();
    // The target still serves.
    const ok = await linuxConnectClient(t.port);
    assert.equal(ok.resp.status, 0);
    ok.c.close();
  } finally {
    await t.close();
  }
});

test('a host that sends but does not read: the target stops reading at the send backlog, and loses nothing once the host reads', { timeout: 20_000 }, async () => {
  const t = await startTarget({ target: { bufferBudget: 65536, maxTransfer: 65536, sendBacklog: 0 } });
  try {
    const { c } = await linuxConnectClient(t.port);
    c.sendCapsule(sqeOf(FABRICS, 1, { 4: PROPERTY_SET }, { 10: 0, 11: 0x14, 12: 0x460001 }));
    await c.pdu(2);
    c.socket.pause();
    const N = 300_000;
    const one = capsuleCmd(sqeOf(0x18, 5), 0, NO_DIGESTS);
    const flood = Buffer.alloc(one.length * N);
    for (let i = 0; i < N; i++) {
      one.writeUInt16LE(i & 0xffff, 10);
      one.copy(flood, i * one.length);
    }
    c.send(flood);
    let conn = t.target.listConnections()[0]!;
    for (let i = 0; i < 100 && !conn.readingPaused; i++) await new Promise((r) => setTimeout(r, 20));
    conn = t.target.listConnections()[0]!;
    assert.equal(conn.readingPaused, true, 'the target stopped reading');
    assert.ok(conn.socket.writableLength < 65536 + 65536, `unsent answers stay bounded (${conn.socket.writableLength} bytes)`);
    c.socket.resume();
    const until = Date.now() + 15_000;
    while (c.pdus.length < 3 + N && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(c.pdus.length, 3 + N, 'every Keep Alive was answered');
    assert.equal(cqe(c.pdus.at(-1)!).cid, (N - 1) & 0xffff);
    c.close();
  } finally {
    await t.close();
  }
});
