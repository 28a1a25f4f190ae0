import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, decode, encode } from '../../../src/spec/index.js';
import type { Layout } from '../../../src/spec/index.js';
import {
  AFI,
  ASYNC_EVENT_RESULT,
  AsyncEventNotice,
  AsyncEventType,
  CHANGED_NS_LIST,
  COMMAND_EFFECTS,
  COMMAND_EFFECTS_LOG,
  CRITICAL_WARNING,
  ERROR_INFORMATION_ENTRY,
  FIRMWARE_SLOT_LOG,
  LOG_PAGE_NAMES,
  LogPage,
  SMART_LOG,
  NvmOpcode,
  packBits,
  readBits,
  statusField,
  u128,
  u128Bytes,
  writeBits,
} from '../../../src/spec/nvme/index.js';

test('log page IDs and names', () => {
  assert.deepEqual(
    [LogPage.ERROR, LogPage.SMART, LogPage.FIRMWARE_SLOT, LogPage.CHANGED_NS_LIST, LogPage.COMMANDS_SUPPORTED_AND_EFFECTS, LogPage.DISCOVERY],
    [0x01, 0x02, 0x03, 0x04, 0x05, 0x70],
  );
  for (const v of Object.values(LogPage)) assert.ok(LOG_PAGE_NAMES[v], `no name for LID ${v}`);
  assert.equal(LOG_PAGE_NAMES[0x05], 'Commands Supported and Effects');
});

test('log page layouts have their spec sizes and tile without gaps', () => {
  const sizes: [Layout, number][] = [
    [ERROR_INFORMATION_ENTRY, 64],
    [SMART_LOG, 512],
    [FIRMWARE_SLOT_LOG, 512],
    [COMMAND_EFFECTS_LOG, 4096],
    [CHANGED_NS_LIST, 4096],
  ];
  for (const [l, size] of sizes) {
    assert.equal(l.size, size, l.name);
    assert.deepEqual(checkLayout(l), [], l.name);
  }
});

test('error information entry offsets (specs.md 3.8)', () => {
  const o = ERROR_INFORMATION_ENTRY.offset;
  assert.deepEqual(
    [o.errorCount, o.sqid, o.cid, o.status, o.parameterErrorLocation, o.lba, o.nsid, o.vsia, o.trtype, o.commandSpecificInfo, o.trtypeSpecificInfo],
    [0, 8, 10, 12, 14, 16, 24, 28, 29, 32, 40],
  );
  const e = encode(ERROR_INFORMATION_ENTRY, { errorCount: 1n, sqid: 1, cid: 0x10, status: statusField(0x4002, 1), parameterErrorLocation: 0x28 });
  assert.deepEqual([...e.subarray(8, 16)], [1, 0, 0x10, 0, 0x05, 0x80, 0x28, 0]);
});

test('SMART log: temperature u16 at 1, 128-bit counters at 32..191', () => {
  const o = SMART_LOG.offset;
  assert.deepEqual([o.criticalWarning, o.temperature, o.availableSpare, o.availableSpareThreshold, o.percentageUsed], [0, 1, 3, 4, 5]);
  assert.deepEqual(
    [o.dataUnitsRead, o.dataUnitsWritten, o.hostReadCommands, o.hostWriteCommands, o.controllerBusyTime, o.powerCycles],
    [32, 48, 64, 80, 96, 112],
  );
  assert.deepEqual([o.powerOnHours, o.unsafeShutdowns, o.mediaErrors, o.numErrorLogEntries, o.warningTempTime], [128, 144, 160, 176, 192]);
  const big = (1n << 64n) + 5n;
  const log = encode(SMART_LOG, { temperature: 310, criticalWarning: packBits(CRITICAL_WARNING, { readOnly: 1 }), dataUnitsRead: u128Bytes(big) });
  assert.deepEqual([...log.subarray(0, 3)], [0x08, 0x36, 0x01]);
  assert.deepEqual([...log.subarray(32, 48)], [5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(u128(decode(SMART_LOG, log).dataUnitsRead as Uint8Array), big);
});

test('firmware slot log: AFI at 0, FRS1..7 at 8 + 8(n-1)', () => {
  const o = FIRMWARE_SLOT_LOG.offset;
  assert.deepEqual([o.afi, o.frs1, o.frs2, o.frs7], [0, 8, 16, 56]);
  const log = encode(FIRMWARE_SLOT_LOG, { afi: packBits(AFI, { active: 1 }), frs1: '0.1.0' });
  assert.deepEqual([...log.subarray(0, 16)], [1, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x2e, 0x31, 0x2e, 0x30, 0x20, 0x20, 0x20]);
});

test('commands supported and effects: admin at 0, I/O at 1024, one u32 per opcode', () => {
  assert.deepEqual([COMMAND_EFFECTS_LOG.offset.acs, COMMAND_EFFECTS_LOG.offset.iocs], [0, 1024]);
  const log = new Uint8Array(4096);
  const write = COMMAND_EFFECTS_LOG.offset.iocs + 4 * NvmOpcode.WRITE;
  writeBits(log, COMMAND_EFFECTS.csupp, 1, write);
  writeBits(log, COMMAND_EFFECTS.lbcc, 1, write);
  assert.deepEqual([...log.subarray(1028, 1032)], [0x03, 0, 0, 0]);
  assert.equal(readBits(log, COMMAND_EFFECTS.csupp, COMMAND_EFFECTS_LOG.offset.iocs + 4 * NvmOpcode.READ), 0);
  assert.equal(packBits(COMMAND_EFFECTS, { ncc: 1, nic: 1, ccc: 1 }), 0x1c);
  assert.equal(packBits(COMMAND_EFFECTS, { cse: 2, uss: 1 }), 0x000a_0000);
});

test('async event completion DW0: type 2:0, info 15:8, log page 23:16', () => {
  const dw0 = packBits(ASYNC_EVENT_RESULT, { type: AsyncEventType.NOTICE, info: AsyncEventNotice.NS_ATTRIBUTE_CHANGED, lid: LogPage.CHANGED_NS_LIST });
  assert.equal(dw0, 0x0004_0002);
  assert.equal(packBits(ASYNC_EVENT_RESULT, { type: AsyncEventType.NOTICE, info: AsyncEventNotice.DISCOVERY_LOG_CHANGED, lid: LogPage.DISCOVERY }), 0x0070_f002);
});
