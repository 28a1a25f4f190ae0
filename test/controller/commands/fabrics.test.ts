// The Fabrics command set and the Connect checks, on a Controller directly (no sockets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_COMMANDS,
  Controller,
  Direction,
  FABRICS_COMMANDS,
  NVM_IO,
  SqeView,
  encodeDiscoveryLog,
  isConnectRefusal,
  parseConnect,
  type DataMover,
} from '../../../src/controller/index.js';
import { DISCOVERY_LOG_ENTRY, DISCOVERY_LOG_HEADER, decode } from '../../../src/spec/index.js';
import { LINUX_CONNECT_HEADER, linuxConnectData } from '../../transport/tcp/fixtures.js';

const noData: DataMover = {
  prepare: (_s, len) => (len === 0 ? 0 : 0x4002),
  toHost: () => 0x4002,
  fromHost: () => 0x4002,
  prepareMeta: (_s, len) => (len === 0 ? 0 : 0x4002),
  metaToHost: () => 0x4002,
  metaFromHost: () => 0x4002,
};

function fabricsController(): Controller {
  return new Controller({ admin: [ADMIN_COMMANDS, FABRICS_COMMANDS], io: NVM_IO, config: { fabrics: { ioccsz: 516, iorcsz: 1 }, mqes: 127, cntlid: 3 }, log: () => {} });
}

function sqe(bytes: Record<number, number>, dwords: Record<number, number> = {}): SqeView {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  for (const [k, v] of Object.entries(bytes)) b[Number(k)] = v;
  for (const [k, v] of Object.entries(dwords)) dv.setUint32(4 * Number(k), v >>> 0, true);
  return new SqeView().attach(b);
}

test('Property Get / Set: CAP (8 bytes), VS, CC.EN = 1 makes CSTS.RDY; bad size or offset is Invalid Field', () => {
  const c = fabricsController();
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x04 }, { 10: 1, 11: 0 }), noData), 0);
  const cap = BigInt(c.lastResult.dw0 >>> 0) | (BigInt(c.lastResult.dw1 >>> 0) << 32n);
  assert.equal(cap, c.registers.cap);
  assert.equal(Number(cap & 0xffffn), 127);
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x04 }, { 10: 0, 11: 8 }), noData), 0);
  assert.equal(c.lastResult.dw0, 0x10400);
  // Before CC.EN = 1 only Fabrics commands run.
  assert.equal(c.execute(0, sqe({ 0: 0x06 }, { 10: 1 }), noData), 0x400c);
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x00 }, { 10: 0, 11: 0x14, 12: 0x460001 }), noData), 0);
  assert.equal(c.registers.enabled, true);
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x04 }, { 10: 0, 11: 0x1c }), noData), 0);
  assert.equal(c.lastResult.dw0 & 1, 1);
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x04 }, { 10: 2, 11: 0 }), noData), 0x4002, 'size 2');
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x04 }, { 10: 0, 11: 0x3 }), noData), 0x4002, 'unaligned offset');
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x00 }, { 10: 0, 11: 0x0 }), noData), 0x4002, 'CAP is read-only');
  // Connect on a connected queue, unknown FCTYPEs, Property Get on an I/O queue.
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x01 }), noData), 0x400c);
  assert.equal(c.execute(0, sqe({ 0: 0x7f, 4: 0x33 }), noData), 0x4001);
  assert.equal(c.execute(1, sqe({ 0: 0x7f, 4: 0x04 }, { 10: 0, 11: 0 }), noData), 0x4001);
  assert.equal(c.execute(1, sqe({ 0: 0x7f, 4: 0x08 }), noData), 0, 'Disconnect is allowed on I/O queues');
  // No memory-based queues: Create I/O SQ is Invalid Opcode.
  assert.equal(c.execute(0, sqe({ 0: 0x01 }, { 10: 0x001f0001, 11: 0x10001 }), noData), 0x4001);
});

test('Identify Controller of a fabrics controller: IOCCSZ, IORCSZ, ICDOFF 0, SGLS with offsets, CNTLID', () => {
  const c = fabricsController();
  c.execute(0, sqe({ 0: 0x7f, 4: 0x00 }, { 10: 0, 11: 0x14, 12: 0x460001 }), noData);
  const out = new Uint8Array(4096);
  const mover: DataMover = { ...noData, prepare: (_s, len, dir) => (len === 4096 && dir === Direction.TO_HOST ? 0 : 0x4002), toHost: (src, so, at, len) => (out.set(src.subarray(so, so + len), at), 0) };
  assert.equal(c.execute(0, sqe({ 0: 0x06 }, { 10: 1 }), mover), 0);
  const dv = new DataView(out.buffer);
  assert.equal(dv.getUint32(1792, true), 516);
  assert.equal(dv.getUint32(1796, true), 1);
  assert.equal(dv.getUint16(1800, true), 0);
  assert.equal(out[1803], 1, 'MSDBD');
  assert.equal(dv.getUint32(536, true), 0x100001);
  assert.equal(dv.getUint16(78, true), 3);
});

test('parseConnect takes the Linux Connect capsule and refuses bad fields naming them', () => {
  const view = new SqeView().attach(LINUX_CONNECT_HEADER.slice(8, 72));
  const r = parseConnect(view, linuxConnectData('nqn.2026-11.io.ocssd:x'), 127);
  assert.ok(!isConnectRefusal(r));
  assert.deepEqual([r.qid, r.entries, r.kato, r.cntlid, r.subnqn, r.hostnqn, r.hostid[15]], [0, 32, 5000, 0xffff, 'nqn.2026-11.io.ocssd:x', 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001', 1]);
  // SQSIZE above MQES: Invalid Parameters, IPO 44 in the command.
  assert.deepEqual(parseConnect(view, linuxConnectData('nqn.2026-11.io.ocssd:x'), 15), { status: 0x4182, dw0: 44 });
  // RECFMT 1: Incompatible Format.
  const rec = LINUX_CONNECT_HEADER.slice(8, 72);
  rec[40] = 1;
  assert.equal((parseConnect(new SqeView().attach(rec), linuxConnectData('nqn.2026-11.io.ocssd:x'), 127) as { status: number }).status, 0x4180);
  // A short or unterminated SUBNQN: IPO 256 in the data.
  assert.deepEqual(parseConnect(view, linuxConnectData('nqn.x'), 127), { status: 0x4182, dw0: 256 | (1 << 16) });
  const long = linuxConnectData('nqn.2026-11.io.ocssd:x');
  long.fill(0x61, 512, 768);
  assert.deepEqual(parseConnect(view, long, 127), { status: 0x4182, dw0: 512 | (1 << 16) });
  // No data, or not 1024 bytes: Invalid Field.
  assert.equal((parseConnect(view, undefined, 127) as { status: number }).status, 0x4002);
});

test('the Discovery log: a 1024-byte header with GENCTR / NUMREC, then 1024-byte records', () => {
  const log = encodeDiscoveryLog({
    genctr: 7,
    records: [{ trtype: 3, adrfam: 1, subtype: 2, treq: 0, portid: 1, cntlid: 0xffff, asqsz: 32, trsvcid: '4420', subnqn: 'nqn.2026-11.io.ocssd:a', traddr: '127.0.0.1', sectype: 0 }],
  });
  assert.equal(log.length, 2048);
  const h = decode(DISCOVERY_LOG_HEADER, log);
  assert.deepEqual([h.genctr, h.numrec, h.recfmt], [7n, 1n, 0]);
  const e = decode(DISCOVERY_LOG_ENTRY, log, 1024);
  assert.deepEqual([e.trtype, e.adrfam, e.subtype, e.portid, e.cntlid, e.asqsz, e.trsvcid, e.subnqn, e.traddr], [3, 1, 2, 1, 0xffff, 32, '4420', 'nqn.2026-11.io.ocssd:a', '127.0.0.1']);
  assert.equal(log[1024 + 32 + 4], 0, 'TRSVCID is NUL padded');
});
