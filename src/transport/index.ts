// transport/: how a host reaches a device. Today the in-process transport (PCIe-like: shared
// host memory, BAR0 registers and doorbells, interrupts), in the host's thread or in a worker.
export { InProcessTransport, type LocalTransportOptions } from './in-process/in-process-transport.js';
export {
  type PciTransport,
  type DmaAllocator,
  type DmaBuffer,
  type DeviceFactory,
  type DeviceEnvironment,
  type InProcessDevice,
  TransportClosedError,
  DeviceFailedError,
  DmaOutOfMemoryError,
} from './in-process/pci-transport.js';
export { RegionDmaAllocator } from './in-process/dma-allocator.js';
export { WorkerPciTransport, type WorkerTransportOptions, type WorkerDeviceSpec, DEFAULT_MEMORY_BYTES, DEFAULT_MEMORY_BASE } from './in-process/worker-transport.js';
export * from './tcp/index.js';
