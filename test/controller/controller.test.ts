import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/media/index.js';
import { Controller } from '../../src/controller/controller.js';
import { CommandTable, DEFERRED, type CommandSet } from '../../src/controller/command.js';
import type { DataMover } from '../../src/controller/data-mover.js';
import type { Namespace } from '../../src/controller/namespace.js';
import { SqeView } from '../../src/controller/sqe-view.js';
import { S } from '../../src/controller/statuses.js';

const noData = {} as DataMover;
const seen: string[] = [];
const ADMIN: CommandSet<Controller> = {
  name: 'test admin',
  queue: 'admin',
  commands: [
    { opcode: 0x06, name: 'Echo', nsid: 'handler', effects: 0, handler: (ctx) => ((ctx.result.dw0 = ctx.sqe.cdw10), (ctx.result.dw1 = 7), 0) },
    { opcode: 0x0c, name: 'Park', nsid: 'none', effects: 0, handler: () => DEFERRED },
    { opcode: 0x0d, name: 'Boom', nsid: 'none', effects: 0, handler: () => { throw new Error('kaboom'); } },
  ],
};
const IO: CommandSet = {
  name: 'test io',
  queue: 'io',
  commands: [
    { opcode: 0x00, name: 'Flush', nsid: 'active-or-all', effects: 0, handler: (ctx) => (seen.push(`flush ${ctx.ns?.nsid ?? 'all'}`), 0) },
    { opcode: 0x02, name: 'Read', nsid: 'active', effects: 0, handler: (ctx) => (seen.push(`read ${ctx.ns!.nsid}`), 0x4080) },
  ],
};
const ioTable = new CommandTable('io', [IO]);
const ns = (nsid: number): Namespace => ({ nsid, kind: 'nvm', csi: 0, io: ioTable, nsze: 8, lbaSize: 512, identify() {}, nguid: new Uint8Array(16), eui64: new Uint8Array(8), flush() {}, close() {} });

function sqe(fields: { opc: number; flags?: number; cid?: number; nsid?: number; cdw10?: number }): SqeView {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  b[0] = fields.opc;
  b[1] = fields.flags ?? 0;
  dv.setUint16(2, fields.cid ?? 1, true);
  dv.setUint32(4, fields.nsid ?? 0, true);
  dv.setUint32(40, fields.cdw10 ?? 0, true);
  return new SqeView().attach(b);
}

function ctrl(log: string[] = []) {
  const clock = new VirtualClock();
  const c = new Controller({ admin: [ADMIN], io: ioTable, clock, log: (m) => log.push(m) });
  c.attachNamespace(ns(1));
  return { c, clock };
}

test('a handler result comes back with its dwords and completion time', () => {
  const { c, clock } = ctrl();
  clock.advanceTo(500);
  assert.equal(c.execute(0, sqe({ opc: 0x06, cdw10: 0xabc }), noData), 0);
  assert.deepEqual({ ...c.lastResult }, { dw0: 0xabc, dw1: 7, completesAt: 500 });
  assert.equal(c.lastKeepAlive, 500, 'admin commands count as keep alive');
});

test('unknown opcodes, fused commands and reserved PSDT are refused before any handler runs', () => {
  const { c } = ctrl();
  assert.equal(c.execute(0, sqe({ opc: 0x99 }), noData), S.INVALID_OPCODE);
  assert.equal(c.execute(1, sqe({ opc: 0x99, nsid: 1 }), noData), S.INVALID_OPCODE);
  assert.equal(c.execute(0, sqe({ opc: 0x06, flags: 0x01 }), noData), S.INVALID_FIELD);
  assert.equal(c.execute(0, sqe({ opc: 0x06, flags: 0xc0 }), noData), S.INVALID_FIELD);
  assert.equal(c.errors.total, 4n);
  assert.equal(c.errors.entries()[0]!.status, S.INVALID_FIELD);
});

test('SGL data pointers are refused when the controller does not take SGLs', () => {
  const c = new Controller({ admin: [ADMIN], io: ioTable, config: { sgl: false } });
  assert.equal(c.execute(0, sqe({ opc: 0x06, flags: 0x40 }), noData), S.INVALID_FIELD);
});

test('namespace checks follow each command\'s NSID use', () => {
  const { c } = ctrl();
  seen.length = 0;
  assert.equal(c.execute(1, sqe({ opc: 0x02, nsid: 1 }), noData), 0x4080);
  assert.equal(c.execute(1, sqe({ opc: 0x02, nsid: 2 }), noData), S.INVALID_NAMESPACE);
  assert.equal(c.execute(1, sqe({ opc: 0x00, nsid: 0xffffffff }), noData), 0);
  assert.equal(c.execute(1, sqe({ opc: 0x00, nsid: 0 }), noData), S.INVALID_NAMESPACE);
  assert.equal(c.execute(1, sqe({ opc: 0x00, nsid: 1 }), noData), 0);
  assert.deepEqual(seen, ['read 1', 'flush all', 'flush 1']);
});

test('a handler that throws is an emulator bug: Internal Error, logged, the controller goes on', () => {
  const log: string[] = [];
  const { c } = ctrl(log);
  assert.equal(c.execute(0, sqe({ opc: 0x0d }), noData), S.INTERNAL_ERROR);
  assert.match(log[0]!, /bug: admin opcode 0xd threw Error: kaboom/);
  assert.equal(c.execute(0, sqe({ opc: 0x06 }), noData), 0);
});

test('deferred commands are not errors', () => {
  const { c } = ctrl();
  assert.equal(c.execute(0, sqe({ opc: 0x0c }), noData), DEFERRED);
  assert.equal(c.errors.total, 0n);
});

test('namespaces: NSID range, duplicates, active list, NN, changed list', () => {
  const { c } = ctrl();
  assert.throws(() => c.attachNamespace(ns(0)), /nsid 0: allowed 1\.\.4294967294/);
  assert.throws(() => c.attachNamespace(ns(1)), /already attached/);
  c.attachNamespace(ns(5));
  assert.deepEqual(c.activeNsids(), [1, 5]);
  assert.equal(c.nn, 5);
  assert.deepEqual([...c.changedNamespaces], [1, 5]);
  assert.equal(c.maxTransfer, 4 << 20, 'mdts 10 with 4 KiB pages');
});

test('command tables refuse two commands on one opcode and commands for the other queue', () => {
  assert.throws(() => new CommandTable('io', [IO, IO]), /opcode 0x0 is both Flush and Flush/);
  assert.throws(() => new CommandTable('admin', [IO]), /is for the io queue/);
  const t = new CommandTable('io', [{ ...IO, commands: [{ ...IO.commands[0]!, capability: { field: 'oncs', bit: 3 }, effects: 2 }] }]);
  assert.equal(t.capability('oncs'), 8);
  assert.equal(t.effects()[0], 3);
});
