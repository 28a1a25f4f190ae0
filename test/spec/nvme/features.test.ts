import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../../../src/spec/index.js';
import {
  FEATURE_ATTRIBUTES,
  FEATURE_CAPABILITIES,
  FEATURE_NAMES,
  FEAT_ASYNC_EVENT_CONFIG,
  FEAT_ERROR_RECOVERY,
  FEAT_KEEP_ALIVE_TIMER,
  FEAT_NUMBER_OF_QUEUES,
  FEAT_TEMPERATURE_THRESHOLD,
  FEAT_VOLATILE_WRITE_CACHE,
  FeatureId,
  FeatureSelect,
  SQE,
  getBits,
  packBits,
  readBits,
} from '../../../src/spec/nvme/index.js';

test('feature IDs from specs.md 3.4', () => {
  assert.deepEqual(
    [
      FeatureId.ARBITRATION,
      FeatureId.POWER_MANAGEMENT,
      FeatureId.TEMPERATURE_THRESHOLD,
      FeatureId.ERROR_RECOVERY,
      FeatureId.VOLATILE_WRITE_CACHE,
      FeatureId.NUMBER_OF_QUEUES,
      FeatureId.INTERRUPT_COALESCING,
      FeatureId.INTERRUPT_VECTOR_CONFIG,
      FeatureId.WRITE_ATOMICITY,
      FeatureId.ASYNC_EVENT_CONFIG,
      FeatureId.AUTONOMOUS_POWER_STATE_TRANSITION,
      FeatureId.TIMESTAMP,
      FeatureId.KEEP_ALIVE_TIMER,
      FeatureId.HOST_BEHAVIOR_SUPPORT,
      FeatureId.IO_COMMAND_SET_PROFILE,
      FeatureId.SOFTWARE_PROGRESS_MARKER,
      FeatureId.HOST_IDENTIFIER,
    ],
    [0x01, 0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0e, 0x0f, 0x16, 0x19, 0x80, 0x81],
  );
  for (const v of Object.values(FeatureId)) assert.ok(FEATURE_NAMES[v], `no name for FID ${v}`);
  assert.deepEqual([FeatureSelect.CURRENT, FeatureSelect.DEFAULT, FeatureSelect.SAVED, FeatureSelect.SUPPORTED_CAPABILITIES], [0, 1, 2, 3]);
});

test('Number of Queues: NSQR 15:0 and NCQR 31:16 in CDW11, same layout in DW0', () => {
  const sqe = encode(SQE, { opc: 0x09, cdw10: FeatureId.NUMBER_OF_QUEUES, cdw11: packBits(FEAT_NUMBER_OF_QUEUES, { nsqr: 3, ncqr: 7 }) });
  assert.deepEqual([...sqe.subarray(44, 48)], [3, 0, 7, 0]);
  assert.equal(readBits(sqe, FEAT_NUMBER_OF_QUEUES.ncqr), 7);
  assert.equal(getBits(0x0007_0003, FEAT_NUMBER_OF_QUEUES.nsqr), 3);
});

test('feature value fields: TLER/DULBE, WCE, KATO, temperature threshold, AEN enables', () => {
  assert.equal(packBits(FEAT_ERROR_RECOVERY, { dulbe: 1 }), 0x1_0000);
  assert.equal(packBits(FEAT_ERROR_RECOVERY, { tler: 0xffff }), 0xffff);
  assert.equal(packBits(FEAT_VOLATILE_WRITE_CACHE, { wce: 1 }), 1);
  assert.equal(packBits(FEAT_KEEP_ALIVE_TIMER, { kato: 120_000 }), 120_000);
  assert.equal(packBits(FEAT_TEMPERATURE_THRESHOLD, { tmpth: 343, thsel: 1 }), 0x0010_0157);
  assert.equal(packBits(FEAT_ASYNC_EVENT_CONFIG, { smart: 0xff, nsAttributeNotices: 1, discoveryLogChangeNotices: 1 }), 0x8000_01ff);
});

test('feature attributes are data: every entry named, nothing saveable, SEL=3 bits 0/1/2', () => {
  for (const [fid, a] of Object.entries(FEATURE_ATTRIBUTES)) {
    assert.ok(FEATURE_NAMES[Number(fid)], `FID ${fid} has attributes but no name`);
    assert.equal(a.saveable, false, `FID ${fid}`);
  }
  assert.equal(FEATURE_ATTRIBUTES[FeatureId.NUMBER_OF_QUEUES]?.changeable, true);
  assert.equal(FEATURE_ATTRIBUTES[FeatureId.ERROR_RECOVERY]?.namespaceSpecific, true);
  assert.equal(FEATURE_ATTRIBUTES[FeatureId.HOST_BEHAVIOR_SUPPORT]?.dataBytes, 512);
  assert.equal(FEATURE_ATTRIBUTES[FeatureId.LBA_RANGE_TYPE], undefined);
  assert.equal(packBits(FEATURE_CAPABILITIES, { saveable: 1 }), 1);
  assert.equal(packBits(FEATURE_CAPABILITIES, { namespaceSpecific: 1, changeable: 1 }), 6);
});
