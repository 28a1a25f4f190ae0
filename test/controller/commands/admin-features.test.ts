import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Direction } from '../../../src/controller/data-mover.js';
import type { QueueAdmin } from '../../../src/controller/controller.js';
import { S } from '../../../src/controller/statuses.js';
import { BufferMover, fakeNamespace, makeController, type TestController } from './admin-helpers.js';

const SET = 0x09;
const GET = 0x0a;
const ALL = 0xffffffff;
const F = { ARB: 0x01, PM: 0x02, TEMP: 0x04, ERR: 0x05, VWC: 0x06, NUMQ: 0x07, IC: 0x08, IVC: 0x09, WA: 0x0a, AEC: 0x0b, TS: 0x0e, KATO: 0x0f, HBS: 0x16, IOCSP: 0x19 } as const;
const NOT_SAVEABLE = 0x410d;
const NOT_CHANGEABLE = 0x410e;
const NOT_NS_SPECIFIC = 0x410f;

const get = (t: TestController, fid: number, o: { sel?: number; nsid?: number; cdw11?: number; mover?: BufferMover } = {}) =>
  t.run({ opc: GET, nsid: o.nsid ?? 0, cdw10: fid | ((o.sel ?? 0) << 8), cdw11: o.cdw11 ?? 0 }, o.mover);
const set = (t: TestController, fid: number, cdw11: number, o: { nsid?: number; sv?: boolean; mover?: BufferMover } = {}) =>
  t.run({ opc: SET, nsid: o.nsid ?? 0, cdw10: (fid | ((o.sv === true ? 1 : 0) << 31)) >>> 0, cdw11 }, o.mover);

/** A QueueAdmin that accepts every queue (the queue engine has its own tests). */
const acceptingQueues = (): QueueAdmin => ({ createCq: () => 0, createSq: () => 0, deleteSq: () => 0, deleteCq: () => 0, abort: () => false });

test('unsupported FIDs and reserved SEL values are Invalid Field', () => {
  const t = makeController();
  for (const fid of [0x00, 0x03, 0x0c, 0x0d, 0x7e, 0x81, 0xca]) {
    assert.equal(get(t, fid).status, 0x4002, `get 0x${fid.toString(16)}`);
    assert.equal(set(t, fid, 0).status, 0x4002, `set 0x${fid.toString(16)}`);
  }
  for (const sel of [4, 7]) assert.equal(get(t, F.AEC, { sel }).status, S.INVALID_FIELD);
});

test('SEL: current, default, saved (= current) and capabilities', () => {
  const t = makeController();
  assert.equal(set(t, F.AEC, 0x100).status, 0);
  assert.equal(get(t, F.AEC, { sel: 0 }).dw0, 0x100);
  assert.equal(get(t, F.AEC, { sel: 1 }).dw0, 0);
  assert.equal(get(t, F.AEC, { sel: 2 }).dw0, 0x100, 'nothing is saveable: saved reads the current value');
  assert.equal(get(t, F.AEC, { sel: 3 }).dw0, 0b100, 'changeable');
  assert.equal(get(t, F.ARB, { sel: 3 }).dw0, 0, 'not changeable');
  assert.equal(get(t, F.ERR, { sel: 3, nsid: 1 }).dw0, 0b110, 'per namespace, changeable');
  assert.equal(get(t, F.ARB).dw0, 0x1f0f0700);
  assert.equal(get(t, F.PM).dw0, 0, 'power state 0');
  assert.equal(get(t, F.IC).dw0, 0);
  assert.equal(get(t, F.WA).dw0, 0);
});

test('Set: SV is Feature Not Saveable, read-only features are Feature Not Changeable', () => {
  const t = makeController();
  assert.equal(set(t, F.AEC, 1, { sv: true }).status, NOT_SAVEABLE);
  assert.equal(get(t, F.AEC).dw0, 0, 'nothing changed');
  for (const fid of [F.ARB, F.PM, F.IC, F.IVC, F.WA]) assert.equal(set(t, fid, 0).status, NOT_CHANGEABLE, `FID ${fid}`);
});

test('NSID rules: per-namespace features need a namespace, controller-wide ones refuse one', () => {
  const t = makeController({ namespaces: [fakeNamespace(1), fakeNamespace(2), fakeNamespace(4)] });
  assert.equal(set(t, F.TEMP, 0x150, { nsid: 1 }).status, NOT_NS_SPECIFIC);
  assert.equal(set(t, F.TEMP, 0x150, { nsid: 9 }).status, S.INVALID_NAMESPACE, 'above NN');
  assert.equal(set(t, F.TEMP, 0x150, { nsid: ALL }).status, 0);
  assert.equal(get(t, F.TEMP, { nsid: 1 }).dw0, 0x150, 'Get ignores NSID for controller-wide features');
  for (const nsid of [0, ALL, 9]) assert.equal(get(t, F.ERR, { nsid }).status, S.INVALID_NAMESPACE, `get error recovery NSID ${nsid}`);
  assert.equal(get(t, F.ERR, { nsid: 3 }).status, S.INVALID_FIELD, 'inactive');
  assert.equal(set(t, F.ERR, 5, { nsid: 0 }).status, S.INVALID_NAMESPACE);
  assert.equal(set(t, F.ERR, 5, { nsid: 3 }).status, S.INVALID_FIELD);
  assert.equal(set(t, F.ERR, 5, { nsid: ALL }).status, 0);
  assert.equal(set(t, F.ERR, 0x10007, { nsid: 2 }).status, 0, 'DULBE is accepted');
  assert.deepEqual([1, 2, 4].map((nsid) => get(t, F.ERR, { nsid }).dw0), [5, 0x10007, 5]);
});

test('Number of Queues: grants, 0xFFFF, and no changes once an I/O queue exists', () => {
  const t = makeController({ config: { maxIoQueues: 8 } });
  assert.equal(get(t, F.NUMQ).dw0, 0x00070007, 'default: all of them');
  let r = set(t, F.NUMQ, (5 << 16) | 3);
  assert.deepEqual([r.status, r.dw0], [0, 0x00050003]);
  assert.deepEqual(t.ctrl.grantedQueues, { sq: 3, cq: 5 });
  assert.equal(get(t, F.NUMQ).dw0, 0x00050003);
  r = set(t, F.NUMQ, (100 << 16) | 200);
  assert.deepEqual([r.status, r.dw0], [0, 0x00070007], 'no more than the controller has');
  assert.equal(set(t, F.NUMQ, 0xffff).status, S.INVALID_FIELD);
  assert.equal(set(t, F.NUMQ, 0xffff0000).status, S.INVALID_FIELD);
  t.ctrl.queues = acceptingQueues();
  assert.equal(t.run({ opc: 0x05, cdw10: (15 << 16) | 1, cdw11: 1, prp1: 0x1000 }).status, 0);
  assert.equal(set(t, F.NUMQ, 0).status, S.COMMAND_SEQUENCE_ERROR);
  assert.equal(get(t, F.NUMQ).dw0, 0x00070007);
  t.ctrl.reset();
  assert.equal(set(t, F.NUMQ, 0).status, 0, 'a controller reset allows it again');
});

test('Number of Queues: a queue created without a prior Set locks the default allocation', () => {
  const t = makeController({ config: { maxIoQueues: 4 } });
  t.ctrl.queues = acceptingQueues();
  assert.equal(t.run({ opc: 0x05, cdw10: 1, cdw11: 1, prp1: 0x1000 }).status, 0);
  assert.deepEqual(t.ctrl.grantedQueues, { sq: 3, cq: 3 });
  assert.equal(set(t, F.NUMQ, 0).status, 0x400c);
});

test('Volatile Write Cache: only with a cache; turning it off writes back', () => {
  const none = makeController();
  assert.equal(set(none, F.VWC, 1).status, S.INVALID_FIELD);
  assert.equal(get(none, F.VWC).status, S.INVALID_FIELD);
  const ns = fakeNamespace(1);
  const t = makeController({ config: { vwc: true }, namespaces: [ns] });
  assert.equal(get(t, F.VWC).dw0, 1, 'on by default');
  assert.equal(set(t, F.VWC, 0).status, 0);
  assert.equal(ns.flushes, 1);
  assert.equal(t.ctrl.writeCacheEnabled(), false);
  assert.equal(set(t, F.VWC, 0).status, 0);
  assert.equal(ns.flushes, 1, 'already off: nothing to write back');
  assert.equal(set(t, F.VWC, 0xff).status, 0);
  assert.deepEqual([get(t, F.VWC).dw0, t.ctrl.writeCacheEnabled()], [1, true]);
});

test('Temperature Threshold: per THSEL and TMPSEL, with a SMART event when crossed', () => {
  const t = makeController();
  const th = (thsel: number, tmpsel: number, tmpth = 0) => (thsel << 20) | (tmpsel << 16) | tmpth;
  assert.equal(get(t, F.TEMP, { cdw11: th(0, 0) }).dw0, 0x14d);
  assert.equal(get(t, F.TEMP, { cdw11: th(1, 0) }).dw0, 0);
  assert.equal(set(t, F.TEMP, th(0, 2, 0x160)).status, 0);
  assert.equal(get(t, F.TEMP, { cdw11: th(0, 2) }).dw0, 0x160);
  assert.equal(get(t, F.TEMP, { cdw11: th(0, 0) }).dw0, 0x14d, 'the composite threshold is its own');
  assert.equal(set(t, F.TEMP, th(1, 0xf, 0x110)).status, 0);
  assert.deepEqual([0, 1, 8].map((s) => get(t, F.TEMP, { cdw11: th(1, s) }).dw0), [0x110, 0x110, 0x110], 'all sensors');
  assert.equal(get(t, F.TEMP, { cdw11: th(1, 3), sel: 1 }).dw0, 0, 'default');
  assert.equal(set(t, F.TEMP, th(2, 0, 1)).status, S.INVALID_FIELD, 'THSEL reserved');
  assert.equal(set(t, F.TEMP, th(0, 9, 1)).status, S.INVALID_FIELD, 'TMPSEL reserved');
  assert.equal(get(t, F.TEMP, { cdw11: th(0, 0xf) }).status, S.INVALID_FIELD, 'one DW0 cannot hold all sensors');
  // Without the SMART temperature event enabled, crossing a threshold stays quiet.
  assert.equal(t.run({ opc: 0x0c, cid: 3 }).status, -1);
  assert.equal(set(t, F.TEMP, th(0, 0, 0x140)).status, 0);
  assert.equal(t.completions.length, 0);
  assert.equal(set(t, F.TEMP, th(0, 0, 0x14d)).status, 0);
  assert.equal(set(t, F.AEC, 0x2).status, 0);
  assert.equal(set(t, F.TEMP, th(0, 0, 0x143)).status, 0);
  assert.deepEqual(t.completions, [{ sqid: 0, cid: 3, status: 0, dw0: 0x020101, dw1: 0 }], 'SMART, temperature threshold, log 0x02');
  t.ctrl.reset();
  assert.equal(get(t, F.TEMP, { cdw11: th(0, 2) }).dw0, 0x14d, 'a controller reset restores the defaults');
});

test('Timestamp: 8 bytes each way, counting from the value the host set', () => {
  const t = makeController();
  t.clock.advanceTo(3e6);
  let r = get(t, F.TS);
  assert.deepEqual(r.mover.prepared, { length: 8, dir: Direction.TO_HOST });
  assert.deepEqual([...r.mover.out], [3, 0, 0, 0, 0, 0, 0, 0], 'not set: ms since start, origin 0');
  const value = 0x0123_4567_89abn;
  const data = new Uint8Array(8);
  new DataView(data.buffer).setBigUint64(0, value | (0xffn << 56n), true);
  assert.equal(set(t, F.TS, 0, { mover: new BufferMover({ input: data }) }).status, 0);
  t.clock.advanceTo(3e6 + 2_500e6 + 400_000);
  r = get(t, F.TS);
  const got = new DataView(r.mover.out.buffer);
  assert.equal(BigInt(got.getUint32(0, true)) | (BigInt(got.getUint16(4, true)) << 32n), value + 2500n);
  assert.deepEqual([r.mover.out[6], r.mover.out[7]], [0x02, 0], 'origin: set by the host');
  assert.deepEqual([...get(t, F.TS, { sel: 1 }).mover.out], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(set(t, F.TS, 0, { mover: new BufferMover({ input: new Uint8Array(4) }) }).status, S.DATA_TRANSFER_ERROR);
});

test('Keep Alive Timer, Async Event Configuration and Host Behavior Support keep what the host set', () => {
  const t = makeController();
  assert.equal(set(t, F.KATO, 15000).status, 0);
  assert.equal(get(t, F.KATO).dw0, 15000);
  const hbs = new Uint8Array(512);
  hbs[0] = 1;
  assert.equal(set(t, F.HBS, 0, { mover: new BufferMover({ input: hbs }) }).status, 0);
  const r = get(t, F.HBS);
  assert.deepEqual(r.mover.prepared, { length: 512, dir: Direction.TO_HOST });
  assert.deepEqual([...r.mover.out], [...hbs]);
  assert.ok(get(t, F.HBS, { sel: 1 }).mover.out.every((b) => b === 0));
  t.ctrl.reset();
  assert.deepEqual([get(t, F.KATO).dw0, get(t, F.HBS).mover.out[0]], [0, 0]);
});

test('Interrupt Vector Configuration and I/O Command Set Profile', () => {
  const t = makeController({ config: { maxIoQueues: 4 } });
  assert.equal(get(t, F.IVC, { cdw11: 0 }).dw0, 0x10000, 'the admin vector is not coalesced');
  assert.equal(get(t, F.IVC, { cdw11: 4 }).dw0, 4);
  assert.equal(get(t, F.IVC, { cdw11: 5 }).status, S.INVALID_FIELD);
  assert.equal(set(t, F.IOCSP, 1).status, 0x412b);
  assert.equal(set(t, F.IOCSP, 0).status, 0);
  assert.equal(get(t, F.IOCSP).dw0, 0);
});
