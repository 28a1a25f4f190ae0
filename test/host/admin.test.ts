// NvmeHost's admin helpers against the controller's admin command set: Identify, log pages (whole
// and at an offset), features, Number of Queues granted once per enable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_INFORMATION_ENTRY, FeatureId, LogPage, SMART_LOG, decode } from '../../src/spec/index.js';
import { NvmeHost, NvmeStatusError } from '../../src/host/index.js';
import { MODES } from '../transport/in-process/modes.js';

test('Identify: controller fields, namespace format, the active namespace list', async () => {
  const host = await NvmeHost.attach(await MODES.local({ namespaces: 3, blocks: 1000, lbaSize: 4096 }));
  try {
    const id = await host.identifyController();
    assert.equal(id.vid, 0x1d1d);
    assert.equal(id.mn, 'ocssd NVMe controller');
    assert.equal(id.nn, 3);
    assert.equal(id.sqes, 0x66);
    assert.equal(id.cqes, 0x44);
    assert.equal(host.maxTransferBytes, 4 << 20, 'MDTS 10 of 4 KiB pages');
    assert.deepEqual(await host.activeNamespaces(), [1, 2, 3]);
    const ns = await host.identifyNamespace(2);
    assert.equal(ns.nsze, 1000);
    assert.equal(ns.lbaSize, 4096);
    assert.equal(ns.metadataSize, 0);
  } finally {
    await host.close();
  }
});

test('log pages: SMART whole and in parts, the error log records a failed command', async () => {
  const host = await NvmeHost.attach(await MODES.local());
  try {
    const smart = await host.getLogPage(LogPage.SMART, { length: 512 });
    const s = decode(SMART_LOG, smart);
    assert.ok((s.temperature as number) > 250, 'a composite temperature in Kelvin');
    assert.equal(s.availableSpare, 100);
    const tail = await host.getLogPage(LogPage.SMART, { offset: 256, length: 256 });
    assert.deepEqual(tail, smart.subarray(256));

    const bad = await host.passthrough('admin', { opc: 0xbf });
    assert.equal(bad.status, 0x4001);
    const log = await host.getLogPage(LogPage.ERROR, { length: 64 });
    const e = decode(ERROR_INFORMATION_ENTRY, log);
    assert.ok((e.errorCount as bigint) >= 1n);
    assert.equal(e.status, 0x4001 << 1, 'the status as the CQE carries it');
    await assert.rejects(host.getLogPage(0x7e, { length: 64 }), (err: unknown) => err instanceof NvmeStatusError && /Invalid Log Page/.test(err.message));
    await assert.rejects(host.getLogPage(LogPage.SMART, { length: 10 }), /multiple of 4/);
  } finally {
    await host.close();
  }
});

test('features: set and get back; Number of Queues is granted once and queues reuse the grant', async () => {
  const host = await NvmeHost.attach(await MODES.local({ maxIoQueues: 8 }));
  try {
    await host.setFeature(FeatureId.TEMPERATURE_THRESHOLD, 0x150);
    assert.equal((await host.getFeature(FeatureId.TEMPERATURE_THRESHOLD)).dw0 & 0xffff, 0x150);
    // Asking for more queues than the controller has: it grants what it has.
    assert.deepEqual(await host.createIoQueues(16, 8), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal((await host.getFeature(FeatureId.NUMBER_OF_QUEUES)).dw0, (7 << 16) | 7);
    // Again, without a reset: the grant stands (a second Set Features would be a sequence error).
    assert.deepEqual(await host.createIoQueues(2, 4), [1, 2]);
    await host.write(1, 0, new Uint8Array(512).fill(3), { qid: 2 });
    assert.equal((await host.read(1, 0, 1, { qid: 1 }))[0], 3);
  } finally {
    await host.close();
  }
});
