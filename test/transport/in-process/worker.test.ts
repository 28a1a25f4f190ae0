// Worker mode's own behaviour: the device factory import, clean shutdown that flushes, and a
// device that dies taking nothing down with it (pending operations reject, nothing hangs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGISTERS } from '../../../src/spec/index.js';
import { DeviceFailedError, InProcessTransport } from '../../../src/transport/index.js';
import { NvmeHost } from '../../../src/host/index.js';
import { TEST_DEVICE_MODULE, TestOpcode } from './test-device.js';

const start = (args: object = {}) => InProcessTransport.worker({ module: TEST_DEVICE_MODULE, exportName: 'createTestDevice', args, memoryBytes: 4 << 20 });

test('worker: a factory that throws, or a missing export, fails the start with the reason', { timeout: 20_000 }, async () => {
  await assert.rejects(InProcessTransport.worker({ module: TEST_DEVICE_MODULE, exportName: 'failingDevice' }), (e: unknown) => {
    assert.ok(e instanceof DeviceFailedError);
    assert.match(e.message, /failingDevice from .*test-device\.js.*the test device refused to start/);
    return true;
  });
  await assert.rejects(InProcessTransport.worker({ module: TEST_DEVICE_MODULE, exportName: 'noSuchFactory' }), /has no function export noSuchFactory/);
  await assert.rejects(InProcessTransport.worker({ module: new URL('./no-such-module.js', TEST_DEVICE_MODULE), exportName: 'x' }), DeviceFailedError);
});

test('worker: close() shuts the device down cleanly and it closes its controller (data flushed)', { timeout: 20_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocssd-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'closed.json');
  const host = await NvmeHost.attach(await start({ closeMarker: marker }));
  await host.createIoQueues(2, 8);
  await host.write(1, 0, new Uint8Array(512).fill(9));
  await host.flush(1);
  assert.equal(existsSync(marker), false);
  await host.close();
  // Two flushes (the device has a volatile write cache): the Flush command, and the one CC.SHN asks for at shutdown.
  assert.deepEqual(JSON.parse(readFileSync(marker, 'utf8')), { closed: true, flushed: 2 });
});

test('worker: a device thread that exits fails pending and later operations with DeviceFailedError', { timeout: 20_000 }, async () => {
  const transport = await start();
  const host = await NvmeHost.attach(transport);
  await host.createIoQueues(1, 4);
  const hung = host.passthrough('admin', { opc: TestOpcode.HANG });
  const write = host.write(1, 0, new Uint8Array(512));
  await write;
  const exit = host.passthrough('admin', { opc: TestOpcode.EXIT, cdw10: 3 });
  for (const p of [hung, exit]) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof DeviceFailedError, String(e));
      assert.match(e.message, /exited unexpectedly with code 3/);
      return true;
    });
  }
  assert.ok(transport.failure instanceof DeviceFailedError);
  await assert.rejects(transport.readRegister32(REGISTERS.offset.csts), DeviceFailedError);
  await assert.rejects(host.read(1, 0, 1), DeviceFailedError);
  await host.close(); // still fine after a crash
});

test('worker: an uncaught exception in the device fails the transport with that message', { timeout: 20_000 }, async () => {
  const transport = await start();
  const host = await NvmeHost.attach(transport);
  const hung = host.passthrough('admin', { opc: TestOpcode.HANG });
  void host.passthrough('admin', { opc: TestOpcode.THROW }).catch(() => {});
  await assert.rejects(hung, /crashed: test device exploded/);
  await transport.close();
});
