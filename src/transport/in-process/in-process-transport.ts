// The in-process transport, like Linux's nvme-loop but with the device as a PCIe-like function:
// host and device share host memory and BAR0. Two ways to run the device:
//  - local: in the host's thread (most tests; deterministic and cheap to start),
//  - worker: in a worker thread beside the host, over one SharedArrayBuffer.
// Both return a PciTransport, the only thing the host library's PCI driver sees.
import { RegionHostMemory } from '../../controller/index.js';
import { RegionDmaAllocator } from './dma-allocator.js';
import { InterruptHub } from './interrupts.js';
import { LocalPciTransport } from './local-transport.js';
import type { DeviceFactory, PciTransport } from './pci-transport.js';
import { DEFAULT_MEMORY_BASE, DEFAULT_MEMORY_BYTES, WorkerPciTransport, type WorkerTransportOptions } from './worker-transport.js';

export interface LocalTransportOptions {
  /** Size of the host memory region (default 64 MiB). */
  readonly memoryBytes?: number;
  /** Bus address of the region (default 4 GiB, so 64-bit addressing is exercised). */
  readonly memoryBase?: number;
}

export const InProcessTransport = {
  /** Builds the device with `factory` in this thread and connects to it. */
  async local<A>(factory: DeviceFactory<A>, args: A, options: LocalTransportOptions = {}): Promise<PciTransport> {
    const bytes = options.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    if (!Number.isInteger(bytes) || bytes < 65536 || bytes % 4096 !== 0) throw new RangeError(`memoryBytes ${bytes}: must be a multiple of 4096, at least 65536`);
    const base = options.memoryBase ?? DEFAULT_MEMORY_BASE;
    const region = new Uint8Array(bytes);
    const irq = new InterruptHub();
    const memory = new RegionHostMemory(region, base);
    const device = await factory(args, { memory, onInterrupt: (v) => irq.raise(v) });
    return new LocalPciTransport(device, new RegionDmaAllocator(region, base), irq);
  },

  /** Starts a worker thread that imports `options.exportName` from `options.module` and builds the device there. */
  worker(options: WorkerTransportOptions): Promise<PciTransport> {
    return WorkerPciTransport.start(options);
  },
} as const;
