import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CC, CQE_SIZE, IDENTIFY_CONTROLLER, REGISTERS, SQE_SIZE, cqHeadDoorbell, decode, packBits, sqTailDoorbell } from '../../../src/spec/index.js';
import { DEFERRED } from '../../../src/controller/command.js';
import { RegionHostMemory } from '../../../src/controller/host-memory.js';
import { QueueEngine } from '../../../src/controller/queue-engine.js';
import { S } from '../../../src/controller/statuses.js';
import { makeController, sqeBytes, type SqeFields, type TestController } from './admin-helpers.js';

const OP = { DELETE_SQ: 0x00, CREATE_SQ: 0x01, DELETE_CQ: 0x04, CREATE_CQ: 0x05, IDENTIFY: 0x06, ABORT: 0x08, SET_FEATURES: 0x09, AER: 0x0c, KEEP_ALIVE: 0x18 } as const;
const BASE = 0x1000_0000;
const PAGE = 4096;

/** A controller with a real QueueEngine over one region of host memory. */
function withEngine(config = {}) {
  const t = makeController({ config });
  const memory = new RegionHostMemory(new Uint8Array(64 * PAGE), BASE);
  const interrupts: number[] = [];
  const engine = new QueueEngine(t.ctrl, { memory, onInterrupt: (v) => interrupts.push(v) });
  return { ...t, engine, memory, interrupts };
}

type Engine = ReturnType<typeof withEngine>;
const ASQ = BASE;
const ACQ = BASE + PAGE;

/** CC.EN = 1 with an 8-entry admin queue pair at ASQ / ACQ. */
function enable(t: Engine): void {
  const reg = REGISTERS.offset;
  t.engine.write32(reg.aqa, (7 << 16) | 7);
  t.engine.write64(reg.asq, BigInt(ASQ));
  t.engine.write64(reg.acq, BigInt(ACQ));
  t.engine.write32(reg.cc, packBits(CC, { en: 1, iosqes: 6, iocqes: 4 }));
  assert.equal(t.engine.read32(reg.csts) & 1, 1, 'ready');
}

const createCq = (t: TestController, qid: number, entries: number, o: { base?: number; pc?: number; ien?: number; iv?: number; flags?: number } = {}) =>
  t.run({ opc: OP.CREATE_CQ, flags: o.flags ?? 0, prp1: o.base ?? BASE + (32 + qid) * PAGE, cdw10: ((entries - 1) << 16) | qid, cdw11: ((o.iv ?? 0) << 16) | ((o.ien ?? 1) << 1) | (o.pc ?? 1) }).status;
const createSq = (t: TestController, qid: number, cqid: number, entries: number, o: { base?: number; qprio?: number; flags?: number } = {}) =>
  t.run({ opc: OP.CREATE_SQ, flags: o.flags ?? 0, prp1: o.base ?? BASE + (16 + qid) * PAGE, cdw10: ((entries - 1) << 16) | qid, cdw11: (cqid << 16) | ((o.qprio ?? 0) << 1) | 1 }).status;

test('a fabrics controller (no memory queues): queue commands are Invalid Opcode, Abort aborts nothing', () => {
  const t = makeController();
  assert.equal(t.ctrl.queues, undefined);
  for (const opc of [OP.CREATE_CQ, OP.CREATE_SQ, OP.DELETE_CQ, OP.DELETE_SQ]) assert.equal(t.run({ opc, cdw10: 1 }).status, 0x4001, `opcode ${opc}`);
  const r = t.run({ opc: OP.ABORT, cdw10: (5 << 16) | 1 });
  assert.deepEqual([r.status, r.dw0], [0, 1]);
  t.clock.advanceTo(1234);
  assert.equal(t.run({ opc: OP.KEEP_ALIVE }).status, 0);
  assert.equal(t.ctrl.lastKeepAlive, 1234);
});

test('Create / Delete I/O queues through the queue engine', () => {
  const t = withEngine({ maxIoQueues: 4, mqes: 63 });
  assert.equal(createCq(t, 1, 16), 0);
  assert.equal(createSq(t, 1, 1, 8, { qprio: 3 }), 0, 'QPRIO is ignored');
  assert.deepEqual(t.engine.describeQueues().cq.map((q) => [q.qid, q.entries]), [[1, 16]], 'QSIZE is 0\'s based');
  assert.deepEqual(t.engine.describeQueues().sq.map((q) => [q.qid, q.entries, q.cqid]), [[1, 8, 1]]);
  assert.equal(createCq(t, 1, 16), S.INVALID_QID, 'exists');
  assert.equal(createCq(t, 0, 16), S.INVALID_QID, 'the admin queue');
  assert.equal(createCq(t, 5, 16), S.INVALID_QID, 'more than the controller has');
  assert.equal(createCq(t, 2, 1), S.INVALID_QUEUE_SIZE, 'QSIZE 0');
  assert.equal(createCq(t, 2, 65), S.INVALID_QUEUE_SIZE, 'above MQES');
  assert.equal(createCq(t, 2, 16, { pc: 0 }), S.INVALID_FIELD, 'CAP.CQR: contiguous only');
  assert.equal(createCq(t, 2, 16, { base: BASE + 100 }), 0x4013, 'PRP Offset Invalid');
  assert.equal(createCq(t, 2, 16, { flags: 0x40 }), S.INVALID_FIELD, 'queues are not SGL-addressed');
  assert.equal(createSq(t, 2, 2, 8), S.INVALID_CQ);
  assert.equal(createSq(t, 2, 1, 8, { flags: 0x40 }), S.INVALID_FIELD);
  assert.equal(t.run({ opc: OP.DELETE_CQ, cdw10: 1 }).status, S.INVALID_QUEUE_DELETION, 'an SQ still uses it');
  assert.equal(t.run({ opc: OP.DELETE_SQ, cdw10: 0 }).status, S.INVALID_QID);
  assert.equal(t.run({ opc: OP.DELETE_SQ, cdw10: 1 }).status, 0);
  assert.equal(t.run({ opc: OP.DELETE_SQ, cdw10: 1 }).status, S.INVALID_QID, 'gone');
  assert.equal(t.run({ opc: OP.DELETE_CQ, cdw10: 1 }).status, 0);
  assert.deepEqual(t.engine.describeQueues(), { sq: [], cq: [] });
});

test('queue IDs above the Number of Queues grant are Invalid Queue Identifier', () => {
  const t = withEngine({ maxIoQueues: 8 });
  assert.equal(t.run({ opc: OP.SET_FEATURES, cdw10: 0x07, cdw11: (1 << 16) | 2 }).dw0, 0x00010002);
  assert.equal(createCq(t, 3, 16), S.INVALID_QID, 'two CQs granted');
  assert.equal(createCq(t, 2, 16), 0);
  assert.equal(createSq(t, 4, 2, 16), S.INVALID_QID, 'three SQs granted');
  assert.equal(createSq(t, 3, 2, 16), 0);
});

test('Abort: DW0 bit 0 says whether the command was still waiting', () => {
  const t = withEngine();
  enable(t);
  assert.equal(createCq(t, 1, 16), 0);
  assert.equal(createSq(t, 1, 1, 16), 0);
  // Two commands the host queued but the controller has not fetched.
  const sqBase = BASE + 17 * PAGE;
  t.memory.write(sqBase, sqeBytes({ opc: 0x00, cid: 40, nsid: 1 }), 0, SQE_SIZE);
  t.memory.write(sqBase + SQE_SIZE, sqeBytes({ opc: 0x00, cid: 41, nsid: 1 }), 0, SQE_SIZE);
  t.engine.write32(sqTailDoorbell(1), 2); // rung, not yet fetched (nothing called process())
  let r = t.run({ opc: OP.ABORT, cdw10: (41 << 16) | 1 });
  assert.deepEqual([r.status, r.dw0], [0, 0], 'aborted');
  r = t.run({ opc: OP.ABORT, cdw10: (99 << 16) | 1 });
  assert.deepEqual([r.status, r.dw0], [0, 1], 'no such command waiting');
  r = t.run({ opc: OP.ABORT, cdw10: (40 << 16) | 7 });
  assert.deepEqual([r.status, r.dw0], [0, 1], 'no such queue');
  t.engine.process();
  const cqe = new Uint8Array(2 * CQE_SIZE);
  t.memory.read(BASE + 33 * PAGE, cqe, 0, 2 * CQE_SIZE);
  const dv = new DataView(cqe.buffer);
  assert.deepEqual([dv.getUint16(12, true), dv.getUint16(16 + 12, true), dv.getUint16(16 + 14, true) >> 1], [40, 41, 0x0007], 'CID 41 completes as Abort Requested');
});

test('Asynchronous Event Request: up to AERL+1 parked, then AER Limit Exceeded; events complete them in order', () => {
  const t = makeController({ config: { aerl: 1 } });
  assert.equal(t.run({ opc: OP.AER, cid: 1 }).status, DEFERRED);
  assert.equal(t.run({ opc: OP.AER, cid: 2 }).status, DEFERRED);
  assert.equal(t.run({ opc: OP.AER, cid: 3 }).status, 0x4105);
  assert.equal(t.ctrl.errors.total, 1n, 'only the refused one is an error');
  t.ctrl.events.post({ type: 1, info: 2, logPage: 2 });
  t.ctrl.events.post({ type: 0, info: 1, logPage: 1 });
  assert.deepEqual(t.completions.map((c) => [c.cid, c.dw0]), [[1, 0x020201], [2, 0x010100]]);
});

test('through the queue engine: Identify by PRP into host memory, then an AER completed by an event', () => {
  const t = withEngine();
  enable(t);
  const asq = ASQ;
  const acq = ACQ;
  const data = BASE + 8 * PAGE;
  const submit = (slot: number, f: SqeFields) => t.memory.write(asq + slot * SQE_SIZE, sqeBytes(f), 0, SQE_SIZE);
  const cqe = (slot: number) => {
    const b = new Uint8Array(CQE_SIZE);
    t.memory.read(acq + slot * CQE_SIZE, b, 0, CQE_SIZE);
    const dv = new DataView(b.buffer);
    return { dw0: dv.getUint32(0, true), cid: dv.getUint16(12, true), status: dv.getUint16(14, true) >> 1, phase: dv.getUint16(14, true) & 1 };
  };
  submit(0, { opc: OP.IDENTIFY, cid: 0x21, cdw10: 1, prp1: data });
  submit(1, { opc: OP.AER, cid: 0x22 });
  t.engine.write32(sqTailDoorbell(0), 2);
  t.engine.process();
  assert.deepEqual(cqe(0), { dw0: 0, cid: 0x21, status: 0, phase: 1 });
  const id = new Uint8Array(4096);
  t.memory.read(data, id, 0, 4096);
  assert.equal(decode(IDENTIFY_CONTROLLER, id).sn, 'OCSSD0001');
  assert.equal(cqe(1).phase, 0, 'the AER is still parked');
  t.ctrl.events.post({ type: 2, info: 0, logPage: 4 });
  t.engine.process();
  assert.deepEqual(cqe(1), { dw0: 0x040002, cid: 0x22, status: 0, phase: 1 });
  t.engine.write32(cqHeadDoorbell(0), 2);
  assert.ok(t.interrupts.length >= 2);
});
