// The device loop of worker mode: sleep on the wake word (Atomics.wait) until a doorbell, a
// register access or the next timed completion; then apply changed doorbell slots, serve the
// mailbox, run the queue engine and raise interrupts. It blocks the worker thread in slices and
// yields to the worker's event loop between them, so messages (terminate) still get through.
import type { QueueEngine } from '../../controller/index.js';
import type { Clock } from '../../media/index.js';
import { DOORBELL_BASE } from '../../spec/index.js';
import type { InProcessDevice } from './pci-transport.js';
import { Ctl, MAX_VECTORS, MailboxOp, type SharedLayout } from './shared-memory.js';

/** Commands per engine pass before the loop looks at doorbells and the mailbox again. */
const BUDGET = 256;
/** Longest the loop blocks the worker's event loop (ms). */
const SLICE_MS = 20;
/** Longest sleep when nothing is due (ms); an idle device yields to its event loop after it. */
const IDLE_WAIT_MS = 20;

export class DeviceLoop {
  private device: InProcessDevice | undefined;
  private engine: QueueEngine | undefined;
  private clock: Clock | undefined;
  private stopping = false;
  private irqRaised = false;
  private served = 0;
  private readonly dirtyWords: number;

  constructor(
    private readonly ctl: Int32Array,
    private readonly layout: SharedLayout,
  ) {
    this.dirtyWords = layout.doorbellSlots / 32;
  }

  /** The QueueEngine's onInterrupt: count the vector now, notify the host once per pass. */
  readonly onInterrupt = (vector: number): void => {
    Atomics.add(this.ctl, Ctl.IRQ_BASE + (vector % MAX_VECTORS), 1);
    this.irqRaised = true;
  };

  attach(device: InProcessDevice): void {
    this.device = device;
    this.engine = device.engine;
    this.clock = device.clock ?? device.engine.ctrl.clock;
  }

  stop(): void {
    this.stopping = true;
  }

  /** Runs until stopped; rejects if the device throws (the worker then reports the crash). */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      const slice = (): void => {
        try {
          if (this.slice()) resolve();
          else setImmediate(slice);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      slice();
    });
  }

  /** One slice of the loop; true when the device should stop. */
  private slice(): boolean {
    const engine = this.engine!;
    const ctl = this.ctl;
    const until = performance.now() + SLICE_MS;
    for (;;) {
      const seq = Atomics.load(ctl, Ctl.SEQ);
      this.applyDoorbells();
      this.serveMailbox();
      const ran = engine.process(BUDGET);
      this.signal();
      if (this.stopping || Atomics.load(ctl, Ctl.STOP) !== 0) return true;
      if (ran >= BUDGET) {
        if (performance.now() > until) return false;
        continue;
      }
      let timeout = IDLE_WAIT_MS;
      const due = engine.nextDue();
      if (due !== undefined) {
        const ms = (due - this.clock!.now()) / 1e6;
        if (ms <= 0) continue;
        if (this.device!.advance !== undefined) {
          // Virtual time: when no new request came in, time jumps to the next completion.
          if (Atomics.load(ctl, Ctl.SEQ) === seq) this.device!.advance(due);
          continue;
        }
        timeout = Math.min(timeout, ms);
      }
      const r = Atomics.wait(ctl, Ctl.SEQ, seq, timeout);
      if ((r === 'timed-out' && due === undefined) || performance.now() > until) return false;
    }
  }

  private applyDoorbells(): void {
    const ctl = this.ctl;
    const { dirtyBase, doorbellBase } = this.layout;
    for (let w = 0; w < this.dirtyWords; w++) {
      if (Atomics.load(ctl, dirtyBase + w) === 0) continue;
      let bits = Atomics.exchange(ctl, dirtyBase + w, 0);
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const slot = w * 32 + (31 - Math.clz32(low));
        this.engine!.write32(DOORBELL_BASE + slot * 4, Atomics.load(ctl, doorbellBase + slot) >>> 0);
      }
    }
  }

  private serveMailbox(): void {
    const ctl = this.ctl;
    const req = Atomics.load(ctl, Ctl.MB_REQ);
    if (req === this.served) return;
    this.served = req;
    const engine = this.engine!;
    const offset = Atomics.load(ctl, Ctl.MB_OFF) >>> 0;
    const lo = Atomics.load(ctl, Ctl.MB_LO) >>> 0;
    const hi = Atomics.load(ctl, Ctl.MB_HI) >>> 0;
    let rlo = 0;
    let rhi = 0;
    switch (Atomics.load(ctl, Ctl.MB_OP)) {
      case MailboxOp.READ32:
        rlo = engine.read32(offset);
        break;
      case MailboxOp.READ64: {
        const v = engine.read64(offset);
        rlo = Number(v & 0xffffffffn);
        rhi = Number((v >> 32n) & 0xffffffffn);
        break;
      }
      case MailboxOp.WRITE32:
        engine.write32(offset, lo);
        break;
      case MailboxOp.WRITE64:
        engine.write64(offset, (BigInt(hi) << 32n) | BigInt(lo));
        break;
    }
    Atomics.store(ctl, Ctl.MB_RLO, rlo | 0);
    Atomics.store(ctl, Ctl.MB_RHI, rhi | 0);
    Atomics.store(ctl, Ctl.MB_RESP, req);
    Atomics.notify(ctl, Ctl.MB_RESP);
  }

  private signal(): void {
    if (!this.irqRaised) return;
    this.irqRaised = false;
    Atomics.add(this.ctl, Ctl.IRQ_SUMMARY, 1);
    Atomics.notify(this.ctl, Ctl.IRQ_SUMMARY);
  }
}
