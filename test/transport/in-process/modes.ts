// The two ways to run the test device, for tests that run the same scenario in both.
import { InProcessTransport, type PciTransport } from '../../../src/transport/index.js';
import { TEST_DEVICE_MODULE, type TestDeviceArgs, createTestDevice } from './test-device.js';

export const MODES: Readonly<Record<'local' | 'worker', (args?: TestDeviceArgs) => Promise<PciTransport>>> = {
  local: (args = {}) => InProcessTransport.local(createTestDevice, args, { memoryBytes: 8 << 20 }),
  worker: (args = {}) => InProcessTransport.worker({ module: TEST_DEVICE_MODULE, exportName: 'createTestDevice', args, memoryBytes: 8 << 20 }),
};
