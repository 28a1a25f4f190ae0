import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureId } from '../../src/spec/index.js';
import { FeatureStore } from '../../src/controller/features.js';
import { ErrorLog } from '../../src/controller/error-log.js';

test('feature values: defaults, per-namespace values, reset', () => {
  const f = new FeatureStore(new Map([[FeatureId.TEMPERATURE_THRESHOLD, 0x14d]]));
  assert.equal(f.get(FeatureId.TEMPERATURE_THRESHOLD), 0x14d);
  f.set(FeatureId.ERROR_RECOVERY, 1 << 16, 1);
  assert.equal(f.get(FeatureId.ERROR_RECOVERY, 1), 1 << 16);
  assert.equal(f.get(FeatureId.ERROR_RECOVERY, 2), 0, 'error recovery is per namespace');
  f.set(FeatureId.ERROR_RECOVERY, 7, 0xffffffff);
  assert.equal(f.get(FeatureId.ERROR_RECOVERY, 1), 7, 'NSID all sets every namespace');
  f.setData(FeatureId.TIMESTAMP, Uint8Array.of(1, 2));
  f.reset();
  assert.equal(f.get(FeatureId.ERROR_RECOVERY, 1), 0);
  assert.equal(f.getData(FeatureId.TIMESTAMP), undefined);
  assert.ok(FeatureStore.isSupported(FeatureId.NUMBER_OF_QUEUES));
  assert.ok(!FeatureStore.isSupported(0x7e));
});

test('error log keeps the newest entries, newest first, with a growing count', () => {
  const log = new ErrorLog(2);
  for (let i = 0; i < 3; i++) log.record({ sqid: 1, cid: i, status: 0x4002, parameterErrorLocation: 0xffff, lba: 0, nsid: 1 });
  assert.deepEqual(log.entries().map((e) => [e.cid, e.errorCount]), [[2, 3n], [1, 2n]]);
  assert.equal(log.total, 3n);
});
