// Same-thread mode: BAR0 accesses call the QueueEngine directly, a doorbell schedules
// engine.process() in a coalesced setImmediate (so a burst of submissions is one pass), and
// timed completions are posted from a timer at their emulated time.
import type { QueueEngine } from '../../controller/index.js';
import type { Clock } from '../../media/index.js';
import { InterruptHub } from './interrupts.js';
import { type DmaAllocator, type InProcessDevice, type PciTransport, DeviceFailedError, TransportClosedError } from './pci-transport.js';

/** Commands run per scheduling turn, so the host gets to reap between turns. */
const BUDGET = 256;

export class LocalPciTransport implements PciTransport {
  private readonly engine: QueueEngine;
  private readonly clock: Clock;
  private readonly closeHandlers: ((error: Error | undefined) => void)[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ended: { error: Error | undefined } | undefined;
  private closing: Promise<void> | undefined;
  private readonly run = (): void => this.runDevice();

  constructor(
    private readonly device: InProcessDevice,
    readonly memory: DmaAllocator,
    private readonly irq: InterruptHub,
  ) {
    this.engine = device.engine;
    this.clock = device.clock ?? device.engine.ctrl.clock;
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  get failure(): Error | undefined {
    return this.ended?.error;
  }

  readRegister32(offset: number): Promise<number> {
    return this.mmio(() => this.engine.read32(offset));
  }

  readRegister64(offset: number): Promise<bigint> {
    return this.mmio(() => this.engine.read64(offset));
  }

  writeRegister32(offset: number, value: number): Promise<void> {
    return this.mmio(() => {
      this.engine.write32(offset, value);
      this.kick();
    });
  }

  writeRegister64(offset: number, value: bigint): Promise<void> {
    return this.mmio(() => this.engine.write64(offset, value));
  }

  ringDoorbell(offset: number, value: number): void {
    this.check();
    this.guard(() => this.engine.write32(offset, value));
    this.kick();
  }

  onInterrupt(vector: number, handler: () => void): () => void {
    return this.irq.on(vector, handler);
  }

  waitInterrupt(vector: number): Promise<void> {
    return this.irq.wait(vector);
  }

  onClose(handler: (error: Error | undefined) => void): void {
    if (this.ended !== undefined) queueMicrotask(() => handler(this.ended!.error));
    else this.closeHandlers.push(handler);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.ended === undefined) this.end(undefined);
    const d = this.device;
    await (d.close !== undefined ? d.close() : d.engine.ctrl.close());
  }

  private mmio<T>(op: () => T): Promise<T> {
    if (this.ended !== undefined) return Promise.reject(this.closedError());
    try {
      return Promise.resolve(this.guard(op));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** An exception out of the engine is an emulator bug: the device fails, as a crashed worker would. */
  private guard<T>(op: () => T): T {
    try {
      return op();
    } catch (e) {
      const err = new DeviceFailedError(`in-process device failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      this.end(err);
      throw err;
    }
  }

  private check(): void {
    if (this.ended !== undefined) throw this.closedError();
  }

  private closedError(): Error {
    return this.ended?.error ?? new TransportClosedError('in-process transport is closed');
  }

  private kick(): void {
    if (this.immediate === undefined && this.ended === undefined) this.immediate = setImmediate(this.run);
  }

  private runDevice(): void {
    this.immediate = undefined;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.ended !== undefined) return;
    let ran: number;
    try {
      ran = this.engine.process(BUDGET);
    } catch (e) {
      this.end(new DeviceFailedError(`in-process device failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
      return;
    }
    if (!this.engine.busy) return;
    const due = this.engine.nextDue();
    const now = this.clock.now();
    if (ran >= BUDGET || due === undefined || due <= now) {
      this.kick();
    } else if (this.device.advance !== undefined) {
      // Virtual time: nothing else to do, so time jumps to the next completion.
      this.device.advance(due);
      this.kick();
    } else {
      this.timer = setTimeout(this.run, Math.max(1, Math.ceil((due - now) / 1e6)));
    }
  }

  private end(error: Error | undefined): void {
    if (this.ended !== undefined) return;
    this.ended = { error };
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
    this.irq.end(error);
    for (const h of this.closeHandlers.splice(0)) h(error);
  }
}
