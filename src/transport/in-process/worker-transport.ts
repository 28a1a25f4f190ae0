// Worker mode, host side: the controller runs in a worker thread beside the host, like a real
// device. Doorbells are posted writes into shared slots (Atomics.store + a dirty bit + a wake
// notify, no round trip); register accesses go through a one-slot mailbox and wait for the
// device's answer; interrupts arrive as Atomics.notify on shared words the host awaits with
// Atomics.waitAsync. A crashed worker fails every pending operation with DeviceFailedError.
import { Worker } from 'node:worker_threads';
import { DOORBELL_BASE } from '../../spec/index.js';
import { RegionDmaAllocator } from './dma-allocator.js';
import { InterruptHub } from './interrupts.js';
import { type DmaAllocator, type PciTransport, DeviceFailedError, TransportClosedError } from './pci-transport.js';
import { Ctl, MAX_VECTORS, MailboxOp, type SharedLayout, sharedLayout, totalBytes } from './shared-memory.js';

export interface WorkerDeviceSpec {
  /** URL (or file URL string) of the module exporting the device factory. */
  readonly module: string | URL;
  /** Name of the DeviceFactory export. */
  readonly exportName: string;
  /** Passed to the factory; must survive structured cloning. */
  readonly args?: unknown;
}

export interface WorkerTransportOptions extends WorkerDeviceSpec {
  /** Size of the shared host memory region (default 64 MiB). */
  readonly memoryBytes?: number;
  /** Bus address of the region (default 4 GiB, so 64-bit addressing is exercised). */
  readonly memoryBase?: number;
  /** Doorbell slots (4-byte doorbell offsets from 0x1000) kept in shared memory; others use the mailbox. */
  readonly doorbellSlots?: number;
  /** How long close() waits for the device to flush and exit before terminating it (ms). */
  readonly closeTimeoutMs?: number;
}

/** The worker's messages to the host. */
export type DeviceMessage = { type: 'ready'; barSize: number } | { type: 'closed' } | { type: 'failed'; message: string; stack?: string };

/** Atomics.waitAsync (Node 16+; not in the ES2023 lib typings this project compiles against). */
type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, index: number, value: number): WaitAsyncResult }).waitAsync.bind(Atomics);

export const DEFAULT_MEMORY_BYTES = 64 << 20;
export const DEFAULT_MEMORY_BASE = 2 ** 32;

export class WorkerPciTransport implements PciTransport {
  readonly memory: DmaAllocator;
  private readonly ctl: Int32Array;
  private readonly irq = new InterruptHub();
  private readonly seen = new Map<number, number>();
  private readonly closeHandlers: ((error: Error | undefined) => void)[] = [];
  private mailbox: Promise<unknown> = Promise.resolve();
  private ended: { error: Error | undefined } | undefined;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;
  private closedByDevice = false;
  /** Why the device could not close cleanly (close() rejects with it). */
  private closeFailure: Error | undefined;
  private holds = 0;
  /** BAR0 size the device reported. */
  barSize = 0;

  private constructor(
    private readonly worker: Worker,
    sab: SharedArrayBuffer,
    private readonly layout: SharedLayout,
    private readonly closeTimeoutMs: number,
  ) {
    this.ctl = new Int32Array(sab, 0, layout.memoryOffset >> 2);
    this.memory = new RegionDmaAllocator(new Uint8Array(sab, layout.memoryOffset, layout.memoryBytes), layout.memoryBase);
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** Starts the worker, builds the device in it and resolves once it is ready. */
  static async start(options: WorkerTransportOptions): Promise<WorkerPciTransport> {
    const memoryBytes = options.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const memoryBase = options.memoryBase ?? DEFAULT_MEMORY_BASE;
    if (!Number.isInteger(memoryBytes) || memoryBytes < 65536 || memoryBytes % 4096 !== 0) throw new RangeError(`memoryBytes ${memoryBytes}: must be a multiple of 4096, at least 65536`);
    const layout = sharedLayout(options.doorbellSlots ?? 4096, memoryBytes, memoryBase);
    const sab = new SharedArrayBuffer(totalBytes(layout));
    const worker = new Worker(new URL('./device-worker.js', import.meta.url), {
      workerData: { sab, layout, module: String(options.module), exportName: options.exportName, args: options.args },
    });
    const t = new WorkerPciTransport(worker, sab, layout, options.closeTimeoutMs ?? 10_000);
    await t.attach(options);
    return t;
  }

  private attach(spec: WorkerDeviceSpec): Promise<void> {
    return new Promise((resolve, reject) => {
      const where = `${spec.exportName} from ${String(spec.module)}`;
      this.worker.on('message', (m: DeviceMessage) => {
        if (m.type === 'ready') {
          this.barSize = m.barSize;
          // From now on only pending operations keep the process alive (see hold()).
          this.worker.unref();
          void this.listen();
          resolve();
        } else if (m.type === 'closed') {
          this.closedByDevice = true;
        } else if (m.type === 'failed') {
          const err = new DeviceFailedError(`in-process device worker (${where}) failed: ${m.message}`);
          if (m.stack !== undefined) err.stack = `${err.name}: ${err.message}\n  device stack: ${m.stack}`;
          if (this.closing !== undefined) this.closeFailure ??= err;
          this.end(err);
          reject(err);
        }
      });
      this.worker.on('error', (e) => {
        const err = new DeviceFailedError(`in-process device worker (${where}) crashed: ${e.message}`, { cause: e });
        this.end(err);
        reject(err);
      });
      this.worker.on('exit', (code) => {
        // After close() the device says 'closed' first; anything else is a crash (end() keeps the first reason).
        if (!this.closedByDevice) {
          const err = new DeviceFailedError(`in-process device worker (${where}) exited unexpectedly with code ${code}`);
          this.end(err);
          reject(err);
        }
      });
    });
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  get failure(): Error | undefined {
    return this.ended?.error;
  }

  readRegister32(offset: number): Promise<number> {
    return this.request(MailboxOp.READ32, offset, 0, 0).then(([lo]) => lo);
  }

  readRegister64(offset: number): Promise<bigint> {
    return this.request(MailboxOp.READ64, offset, 0, 0).then(([lo, hi]) => (BigInt(hi) << 32n) | BigInt(lo));
  }

  async writeRegister32(offset: number, value: number): Promise<void> {
    await this.request(MailboxOp.WRITE32, offset, value >>> 0, 0);
  }

  async writeRegister64(offset: number, value: bigint): Promise<void> {
    await this.request(MailboxOp.WRITE64, offset, Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn));
  }

  ringDoorbell(offset: number, value: number): void {
    if (this.ended !== undefined) throw this.closedError();
    const rel = offset - DOORBELL_BASE;
    const slot = rel >> 2;
    if (rel < 0 || (rel & 3) !== 0 || slot >= this.layout.doorbellSlots) {
      // Outside the shared slots: still a posted write, through the mailbox; the device judges it.
      this.request(MailboxOp.WRITE32, offset, value >>> 0, 0).catch(() => {});
      return;
    }
    const ctl = this.ctl;
    Atomics.store(ctl, this.layout.doorbellBase + slot, value | 0);
    Atomics.or(ctl, this.layout.dirtyBase + (slot >> 5), 1 << (slot & 31));
    Atomics.add(ctl, Ctl.SEQ, 1);
    Atomics.notify(ctl, Ctl.SEQ);
  }

  onInterrupt(vector: number, handler: () => void): () => void {
    this.track(vector);
    return this.irq.on(vector, handler);
  }

  waitInterrupt(vector: number): Promise<void> {
    this.track(vector);
    this.hold();
    const p = this.irq.wait(vector);
    p.then(this.unhold, this.unhold);
    return p;
  }

  /**
   * The worker is unreferenced while idle, so an open transport alone does not keep the process
   * running (a failed test that never closes it does not hang the run). A register access or an
   * interrupt wait in progress holds it; the host driver keeps a referenced timer while commands
   * are outstanding.
   */
  private hold(): void {
    if (this.holds++ === 0) this.worker.ref();
  }

  private readonly unhold = (): void => {
    if (--this.holds === 0 && this.closing === undefined) this.worker.unref();
  };

  onClose(handler: (error: Error | undefined) => void): void {
    if (this.ended !== undefined) queueMicrotask(() => handler(this.ended!.error));
    else this.closeHandlers.push(handler);
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const failed = this.ended?.error;
    this.end(undefined);
    this.worker.ref(); // wait for the device to flush and exit
    if (failed === undefined) {
      Atomics.store(this.ctl, Ctl.STOP, 1);
      Atomics.add(this.ctl, Ctl.SEQ, 1);
      Atomics.notify(this.ctl, Ctl.SEQ);
      this.worker.postMessage({ type: 'terminate' });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.closeTimeoutMs)));
      const r = await Promise.race([this.exited.then(() => 'exited' as const), timeout]);
      clearTimeout(timer);
      if (r === 'timeout') {
        await this.worker.terminate();
        throw new DeviceFailedError(`in-process device worker did not close within ${this.closeTimeoutMs} ms and was terminated; its data may not be flushed`);
      }
      if (this.closeFailure !== undefined) throw this.closeFailure;
    } else {
      await this.worker.terminate();
    }
  }

  /** Remembers the vector's count now, so only later interrupts are delivered. */
  private track(vector: number): void {
    if (!this.seen.has(vector)) this.seen.set(vector, Atomics.load(this.ctl, Ctl.IRQ_BASE + (vector % MAX_VECTORS)));
  }

  /** Waits on the summary word and turns count changes into interrupts on the vectors listened to. */
  private async listen(): Promise<void> {
    const ctl = this.ctl;
    let summary = Atomics.load(ctl, Ctl.IRQ_SUMMARY);
    while (this.ended === undefined) {
      const w = waitAsync(ctl, Ctl.IRQ_SUMMARY, summary);
      if (w.async) await w.value;
      if (this.ended !== undefined) return;
      summary = Atomics.load(ctl, Ctl.IRQ_SUMMARY);
      for (const [v, last] of this.seen) {
        const now = Atomics.load(ctl, Ctl.IRQ_BASE + (v % MAX_VECTORS));
        if (now !== last) {
          this.seen.set(v, now);
          this.irq.raise(v);
        }
      }
    }
  }

  /** One mailbox transaction at a time: requests queue behind each other. */
  private request(op: MailboxOp, offset: number, lo: number, hi: number): Promise<[number, number]> {
    this.hold();
    const next = this.mailbox.then(() => this.transact(op, offset, lo, hi));
    next.then(this.unhold, this.unhold);
    this.mailbox = next.catch(() => {});
    return next;
  }

  private async transact(op: MailboxOp, offset: number, lo: number, hi: number): Promise<[number, number]> {
    if (this.ended !== undefined) throw this.closedError();
    const ctl = this.ctl;
    Atomics.store(ctl, Ctl.MB_OP, op);
    Atomics.store(ctl, Ctl.MB_OFF, offset | 0);
    Atomics.store(ctl, Ctl.MB_LO, lo | 0);
    Atomics.store(ctl, Ctl.MB_HI, hi | 0);
    const req = (Atomics.load(ctl, Ctl.MB_REQ) + 1) | 0;
    Atomics.store(ctl, Ctl.MB_REQ, req);
    Atomics.add(ctl, Ctl.SEQ, 1);
    Atomics.notify(ctl, Ctl.SEQ);
    for (;;) {
      const resp = Atomics.load(ctl, Ctl.MB_RESP);
      if (resp === req) return [Atomics.load(ctl, Ctl.MB_RLO) >>> 0, Atomics.load(ctl, Ctl.MB_RHI) >>> 0];
      if (this.ended !== undefined) throw this.closedError();
      const w = waitAsync(ctl, Ctl.MB_RESP, resp);
      if (w.async) await w.value;
    }
  }

  private closedError(): Error {
    return this.ended?.error ?? new TransportClosedError('in-process transport is closed');
  }

  private end(error: Error | undefined): void {
    if (this.ended !== undefined) return;
    this.ended = { error };
    // Wake the host's own waiters so they see the end.
    Atomics.notify(this.ctl, Ctl.MB_RESP);
    Atomics.notify(this.ctl, Ctl.IRQ_SUMMARY);
    this.irq.end(error);
    for (const h of this.closeHandlers.splice(0)) h(error);
  }
}
