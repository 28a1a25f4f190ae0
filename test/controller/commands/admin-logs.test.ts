import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_EFFECTS_LOG, ERROR_INFORMATION_ENTRY, FIRMWARE_SLOT_LOG, SMART_LOG, decode, u128 } from '../../../src/spec/index.js';
import { DEFERRED } from '../../../src/controller/command.js';
import { Direction } from '../../../src/controller/data-mover.js';
import { S } from '../../../src/controller/statuses.js';
import { createAdminCommands, sliceLog, type LogPageDef } from '../../../src/controller/commands/admin.js';
import { BufferMover, POISON, fakeNamespace, makeController, u32, type TestController } from './admin-helpers.js';

const GET_LOG_PAGE = 0x02;
const ALL = 0xffffffff;

interface LogArgs {
  readonly nsid?: number;
  /** Bytes (a multiple of 4). */
  readonly length?: number;
  readonly offset?: number;
  readonly rae?: boolean;
  readonly csi?: number;
  readonly cdw14?: number;
  readonly mover?: BufferMover;
}

function getLog(t: TestController, lid: number, a: LogArgs = {}) {
  const numd = (a.length ?? 4096) / 4 - 1;
  const offset = a.offset ?? 0;
  const r = t.run(
    {
      opc: GET_LOG_PAGE,
      nsid: a.nsid ?? ALL,
      cdw10: lid | ((a.rae === true ? 1 : 0) << 15) | ((numd & 0xffff) << 16),
      cdw11: Math.floor(numd / 0x10000),
      cdw12: offset % 2 ** 32,
      cdw13: Math.floor(offset / 2 ** 32),
      cdw14: a.cdw14 ?? (a.csi ?? 0) << 24,
    },
    a.mover,
  );
  return { status: r.status, data: r.mover.out, mover: r.mover };
}

test('Error Information: newest first, status above the phase bit, zeros after the ring', () => {
  const t = makeController();
  t.run({ opc: 0x0d, cid: 11, nsid: 1 });
  t.run({ opc: 0x06, cid: 12, cdw10: 0x55 });
  const r = getLog(t, 0x01, { length: 512 });
  assert.equal(r.status, 0);
  const newest = decode(ERROR_INFORMATION_ENTRY, r.data, 0);
  const older = decode(ERROR_INFORMATION_ENTRY, r.data, 64);
  assert.deepEqual([newest.errorCount, newest.cid, newest.sqid, newest.status, newest.parameterErrorLocation], [2n, 12, 0, 0x4002 << 1, 0xffff]);
  assert.deepEqual([older.errorCount, older.cid, older.nsid, older.status], [1n, 11, 1, 0x4001 << 1]);
  assert.ok(r.data.subarray(128).every((b) => b === 0), 'empty entries (ELPE+1 = 4) and bytes past the log are zeros');
});

test('NUMD, offsets and lengths: partial reads, NUMDU, misaligned and past-the-end offsets', () => {
  const t = makeController();
  t.ctrl.smart.hostReadCommands = 0x01020304;
  const whole = getLog(t, 0x02, { length: 512 }).data;
  assert.equal(u32(whole, 64), 0x01020304);
  const part = getLog(t, 0x02, { length: 8, offset: 64 });
  assert.equal(part.status, 0);
  assert.deepEqual(part.mover.prepared, { length: 8, dir: Direction.TO_HOST });
  assert.deepEqual([...part.data], [...whole.subarray(64, 72)]);
  const tail = getLog(t, 0x02, { length: 16, offset: 508 });
  assert.deepEqual([...tail.data], [...whole.subarray(508, 512), ...new Uint8Array(12)], 'past the end of the log: zeros');
  const big = getLog(t, 0x02, { length: (0x10000 + 2) * 4 });
  assert.equal(big.status, 0);
  assert.equal(big.mover.prepared!.length, 0x10002 * 4, 'NUMDU holds the upper 16 bits of NUMD');
  assert.ok(big.data.subarray(512).every((b) => b === 0) && big.data[1] === 0x43);
  assert.equal(getLog(t, 0x02, { offset: 2 }).status, S.INVALID_FIELD, 'not dword aligned');
  assert.equal(getLog(t, 0x02, { offset: 512 }).status, S.INVALID_FIELD, 'at the end');
  assert.equal(getLog(t, 0x02, { offset: 2 ** 32 }).status, S.INVALID_FIELD, 'LPOU');
  assert.equal(getLog(t, 0x02, { cdw14: 1 << 23 }).status, S.INVALID_FIELD, 'index offsets are not supported');
  assert.equal(getLog(t, 0x02, { mover: new BufferMover({ maxTransfer: 256 }) }).status, S.INVALID_FIELD, 'MDTS');
});

test('unknown log pages are Invalid Log Page; Supported Log Pages lists the rest', () => {
  const t = makeController();
  for (const lid of [0x06, 0x70, 0xca, 0xff]) assert.equal(getLog(t, lid).status, 0x4109, `LID ${lid}`);
  const r = getLog(t, 0x00, { length: 1024 });
  assert.equal(r.status, 0);
  const supported = Array.from({ length: 256 }, (_, lid) => u32(r.data, 4 * lid)).flatMap((v, lid) => (v === 1 ? [lid] : []));
  assert.deepEqual(supported, [0, 1, 2, 3, 4, 5]);
});

test('SMART / Health: counters as u128, fixed temperature and spare, controller-wide only', () => {
  const t = makeController();
  Object.assign(t.ctrl.smart, { dataUnitsRead: 7, dataUnitsWritten: 2 ** 40, hostWriteCommands: 3, mediaErrors: 2, unsafeShutdowns: 1, controllerBusyMinutes: 5 });
  t.run({ opc: 0x0d });
  t.clock.advanceTo(2.5 * 3.6e12);
  for (const nsid of [0, ALL]) {
    const r = getLog(t, 0x02, { nsid, length: 512 });
    assert.equal(r.status, 0);
    const s = decode(SMART_LOG, r.data);
    assert.deepEqual([s.criticalWarning, s.temperature, s.availableSpare, s.availableSpareThreshold, s.percentageUsed], [0, 0x143, 100, 10, 0]);
    const n = (f: keyof typeof s) => u128(s[f] as Uint8Array);
    assert.deepEqual(
      [n('dataUnitsRead'), n('dataUnitsWritten'), n('hostWriteCommands'), n('mediaErrors'), n('unsafeShutdowns'), n('powerCycles'), n('controllerBusyTime'), n('powerOnHours'), n('numErrorLogEntries')],
      [7n, 2n ** 40n, 3n, 2n, 1n, 1n, 5n, 2n, 1n],
    );
  }
  assert.equal(getLog(t, 0x02, { nsid: 1 }).status, S.INVALID_FIELD, 'no per-namespace SMART (LPA bit 0)');
  // An over-temperature threshold at or below the temperature raises the warning.
  assert.equal(t.run({ opc: 0x09, cdw10: 0x04, cdw11: 0x100 }).status, 0);
  assert.equal(decode(SMART_LOG, getLog(t, 0x02, { length: 512 }).data).criticalWarning, 0x02);
});

test('Firmware Slot: slot 1 active with the firmware revision', () => {
  const t = makeController({ config: { firmware: 'FW7' } });
  const f = decode(FIRMWARE_SLOT_LOG, getLog(t, 0x03, { length: 512 }).data);
  assert.deepEqual([f.afi, f.frs1, f.frs2], [1, 'FW7', '']);
});

test('Changed Namespace List: kept with RAE, cleared without, overflow marker past 1024', () => {
  const t = makeController({ namespaces: [fakeNamespace(5), fakeNamespace(2)] });
  const list = (rae: boolean) => {
    const d = getLog(t, 0x04, { rae }).data;
    const out: number[] = [];
    for (let i = 0; u32(d, 4 * i) !== 0; i++) out.push(u32(d, 4 * i));
    return out;
  };
  assert.deepEqual(list(true), [2, 5]);
  assert.deepEqual(list(true), [2, 5], 'RAE keeps it');
  assert.deepEqual(list(false), [2, 5]);
  assert.deepEqual(list(false), [], 'read without RAE: cleared');
  for (let i = 10; i < 10 + 1025; i++) t.ctrl.changedNamespaces.add(i);
  const d = getLog(t, 0x04).data;
  assert.deepEqual([u32(d, 0), u32(d, 4)], [0xffffffff, 0]);
});

test('Commands Supported and Effects: the admin table and the I/O tables of the command set asked for', () => {
  const t = makeController({ namespaces: [fakeNamespace(1), fakeNamespace(2, { csi: 2 })] });
  const entry = (d: Uint8Array, base: number, op: number) => u32(d, base + 4 * op);
  const nvm = getLog(t, 0x05).data;
  const { acs, iocs } = COMMAND_EFFECTS_LOG.offset;
  assert.equal(entry(nvm, acs, 0x06), 1, 'Identify: supported, no effects');
  assert.equal(entry(nvm, acs, 0x09), 1 | 0x10, 'Set Features: CCC');
  assert.equal(entry(nvm, acs, 0x80), 1 | 0x2 | 0x4 | 0x8 | 0x20000, 'Format: LBCC, NCC, NIC, CSE all namespaces');
  assert.equal(entry(nvm, acs, 0x0d), 0, 'Namespace Management is not supported');
  assert.deepEqual([0x00, 0x01, 0x09, 0x7d].map((op) => entry(nvm, iocs, op)), [1, 3, 3, 0]);
  const zns = getLog(t, 0x05, { csi: 2 }).data;
  assert.deepEqual([0x00, 0x01, 0x05, 0x7d].map((op) => entry(zns, iocs, op)), [1, 0, 1, 3], 'Flush for all, plus the zoned table');
  assert.ok(nvm.subarray(2048).every((b) => b === 0));
});

test('RAE with AER: an event stays masked until its log is read without RAE', () => {
  const t = makeController();
  assert.equal(t.run({ opc: 0x0c, cid: 7 }).status, DEFERRED);
  t.ctrl.events.post({ type: 2, info: 0, logPage: 0x04 });
  assert.deepEqual(t.completions, [{ sqid: 0, cid: 7, status: 0, dw0: 0x040002, dw1: 0 }]);
  assert.equal(t.run({ opc: 0x0c, cid: 8 }).status, DEFERRED);
  t.ctrl.events.post({ type: 2, info: 0, logPage: 0x04 });
  assert.equal(t.completions.length, 1, 'masked: the host has not read the log');
  assert.equal(getLog(t, 0x04, { rae: true }).status, 0);
  assert.equal(t.completions.length, 1, 'RAE keeps it masked');
  assert.equal(getLog(t, 0x01, { rae: false }).status, 0);
  assert.equal(t.completions.length, 1, 'another page does not unmask it');
  const failed = new BufferMover();
  failed.failCopies = S.DATA_TRANSFER_ERROR;
  assert.equal(getLog(t, 0x04, { mover: failed }).status, S.DATA_TRANSFER_ERROR);
  assert.equal(t.completions.length, 1, 'a read that failed does not count');
  assert.deepEqual([...t.ctrl.changedNamespaces], [1], 'nor does it clear the list');
  assert.equal(getLog(t, 0x04).status, 0);
  assert.deepEqual(t.completions[1], { sqid: 0, cid: 8, status: 0, dw0: 0x040002, dw1: 0 });
});

test('personalities add log pages through createAdminCommands, and may not redefine one', () => {
  const consumed: number[] = [];
  const chunkInfo: LogPageDef = {
    lid: 0xca,
    name: 'Chunk Information',
    read: (req) => (req.nsid === 1 ? sliceLog(Uint8Array.from({ length: 64 }, (_, i) => i), req) : S.INVALID_FIELD),
    consume: (req) => consumed.push(req.offset),
  };
  const t = makeController({ admin: [createAdminCommands({ logPages: [chunkInfo] })] });
  const r = getLog(t, 0xca, { nsid: 1, offset: 32, length: 40, rae: true });
  assert.equal(r.status, 0);
  assert.deepEqual([...r.data.subarray(0, 32)], Array.from({ length: 32 }, (_, i) => 32 + i));
  assert.ok(r.data.subarray(32).every((b) => b === 0) && !r.data.includes(POISON));
  assert.deepEqual(consumed, [], 'RAE: nothing consumed');
  assert.equal(getLog(t, 0xca, { nsid: 1, offset: 0 }).status, 0);
  assert.deepEqual(consumed, [0]);
  assert.equal(getLog(t, 0xca, { nsid: 2 }).status, S.INVALID_FIELD);
  assert.equal(u32(getLog(t, 0x00, { length: 1024 }).data, 4 * 0xca), 1, 'listed as supported');
  assert.throws(() => createAdminCommands({ logPages: [{ ...chunkInfo, lid: 0x02 }] }), /log page 0x2 is both SMART \/ Health Information and Chunk Information/);
  assert.throws(() => createAdminCommands({ logPages: [chunkInfo, chunkInfo] }), /0xca is both/);
  assert.throws(() => createAdminCommands({ logPages: [{ ...chunkInfo, lid: 0 }] }), /0x0 is both Supported Log Pages/);
});
