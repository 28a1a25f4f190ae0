// Worker mode, device side: the worker's entry script. It imports the device factory named in
// workerData (transport/ cannot import server/, so the composer says where the factory lives),
// builds the device over the shared host memory and runs the device loop.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { DeviceLoop } from './device-loop.js';
import type { DeviceFactory } from './pci-transport.js';
import { type SharedLayout, SharedHostMemory } from './shared-memory.js';
import type { DeviceMessage } from './worker-transport.js';

interface WorkerData {
  sab: SharedArrayBuffer;
  layout: SharedLayout;
  module: string;
  exportName: string;
  args: unknown;
}

const port: MessagePort = parentPort ?? notAWorker();
function notAWorker(): never {
  throw new Error('device-worker.js runs only as a worker thread (see WorkerPciTransport)');
}
const send = (m: DeviceMessage): void => port.postMessage(m);

async function main(): Promise<void> {
  const data = workerData as WorkerData;
  const { sab, layout } = data;
  const ctl = new Int32Array(sab, 0, layout.memoryOffset >> 2);
  const memory = new SharedHostMemory(new Uint8Array(sab, layout.memoryOffset, layout.memoryBytes), layout.memoryBase);
  const mod = (await import(data.module)) as Record<string, unknown>;
  const factory = mod[data.exportName];
  if (typeof factory !== 'function') throw new Error(`${data.module} has no function export ${data.exportName}`);
  const loop = new DeviceLoop(ctl, layout);
  const device = await (factory as DeviceFactory)(data.args, { memory, onInterrupt: loop.onInterrupt });
  loop.attach(device);
  port.on('message', (m: { type?: string }) => {
    if (m.type === 'terminate') loop.stop();
  });
  send({ type: 'ready', barSize: device.engine.barSize });
  await loop.run();
  await (device.close !== undefined ? device.close() : device.engine.ctrl.close());
  send({ type: 'closed' });
  port.close();
}

main().catch((e: unknown) => {
  // A factory or device failure: tell the host why before the thread ends.
  const err = e instanceof Error ? e : new Error(String(e));
  send({ type: 'failed', message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) });
  process.exitCode = 1;
  port.close();
});
