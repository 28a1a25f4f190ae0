// What a host driver sees of a PCIe-like NVMe function: BAR0 (registers and doorbells), host
// memory the device can DMA to and from, and MSI-X-like interrupt vectors. Both in-process modes
// (same thread, worker thread) implement it; the host library's PCI driver uses nothing else.
import type { HostMemory, QueueEngine } from '../../controller/index.js';
import type { Clock } from '../../media/index.js';

/** A buffer in the shared host memory region: the device addresses it by `addr`. */
export interface DmaBuffer {
  /** Bus address (what PRPs, SGLs and queue base registers carry). */
  readonly addr: number;
  /** The host's view of the same bytes (zero-copy). */
  readonly bytes: Uint8Array;
}

/** Allocates DMA-able buffers in the host memory region the device sees. */
export interface DmaAllocator {
  /** Bus address of the first byte of the region. */
  readonly base: number;
  readonly size: number;
  /** Bytes not allocated (possibly fragmented). */
  readonly available: number;
  /** A zeroed buffer of `bytes` bytes whose address is a multiple of `align` (a power of two). Throws DmaOutOfMemoryError. */
  allocate(bytes: number, align?: number): DmaBuffer;
  free(buffer: DmaBuffer): void;
}

export interface PciTransport {
  readonly memory: DmaAllocator;
  /** BAR0 register reads see the device's current state (they are round trips in worker mode). */
  readRegister32(offset: number): Promise<number>;
  readRegister64(offset: number): Promise<bigint>;
  /** Register writes complete when the device has applied them (CC.EN, CC.SHN take effect). */
  writeRegister32(offset: number, value: number): Promise<void>;
  writeRegister64(offset: number, value: bigint): Promise<void>;
  /** A posted doorbell write (SQ tail or CQ head): no round trip; throws TransportClosedError once closed. */
  ringDoorbell(offset: number, value: number): void;
  /**
   * Calls `handler` each time the device raises `vector`. Interrupts are coalesced and always
   * delivered asynchronously, never from inside another transport call. Returns an unsubscribe.
   */
  onInterrupt(vector: number, handler: () => void): () => void;
  /** Resolves at the next interrupt on `vector`; rejects when the transport closes or fails. */
  waitInterrupt(vector: number): Promise<void>;
  /** Called once when the transport closes (no error) or the device fails (the error). */
  onClose(handler: (error: Error | undefined) => void): void;
  /** The failure that ended the transport, if any. */
  readonly failure: Error | undefined;
  readonly closed: boolean;
  /** Stops the device (it closes its controller, so data is flushed) and releases the transport. */
  close(): Promise<void>;
}

/** What a device factory hands its QueueEngine. */
export interface DeviceEnvironment {
  /** The shared host memory region (a RegionHostMemory over it). */
  readonly memory: HostMemory;
  /** Give this to the QueueEngine as its onInterrupt. */
  readonly onInterrupt: (vector: number) => void;
}

/** A device as a factory builds it. */
export interface InProcessDevice {
  readonly engine: QueueEngine;
  /** The clock the engine posts completions by (default engine.ctrl.clock). */
  readonly clock?: Clock;
  /**
   * Virtual time: moves the clock to `t`. Given, the transport jumps time to the next timed
   * completion whenever the device has nothing else to do.
   */
  advance?(t: number): void;
  /** Flushes and closes everything (default engine.ctrl.close()). */
  close?(): void | Promise<void>;
}

/**
 * Builds a device over the shared memory. Worker mode imports it by module URL and export
 * name, so `args` must survive structured cloning.
 */
export type DeviceFactory<A = unknown> = (args: A, env: DeviceEnvironment) => InProcessDevice | Promise<InProcessDevice>;

/** A transport operation after close() or after the device failed. */
export class TransportClosedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportClosedError';
  }
}

/** The device crashed (its worker threw or exited); every pending host operation gets this. */
export class DeviceFailedError extends TransportClosedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeviceFailedError';
  }
}

export class DmaOutOfMemoryError extends RangeError {
  constructor(
    readonly requested: number,
    readonly available: number,
  ) {
    super(`DMA allocation of ${requested} bytes failed: ${available} bytes free (fragmented or exhausted); raise the transport's memoryBytes option`);
    this.name = 'DmaOutOfMemoryError';
  }
}
