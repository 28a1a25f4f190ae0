// Host-side interrupt delivery, shared by both modes. Raising marks a vector pending; delivery
// runs later in a microtask, so a handler never runs inside the device call that raised it (a
// handler that writes a CQ head doorbell would otherwise re-enter the queue engine).
import { TransportClosedError } from './pci-transport.js';

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class InterruptHub {
  private readonly handlers = new Map<number, (() => void)[]>();
  private readonly waiters = new Map<number, Waiter[]>();
  private pending: number[] = [];
  private spare: number[] = [];
  private readonly isPending = new Set<number>();
  private scheduled = false;
  private ended: Error | undefined;
  private readonly deliver = (): void => this.flush();

  on(vector: number, handler: () => void): () => void {
    checkVector(vector);
    let list = this.handlers.get(vector);
    if (list === undefined) this.handlers.set(vector, (list = []));
    list.push(handler);
    return () => {
      const l = this.handlers.get(vector);
      if (l === undefined) return;
      const i = l.indexOf(handler);
      if (i >= 0) l.splice(i, 1);
      if (l.length === 0) this.handlers.delete(vector);
    };
  }

  wait(vector: number): Promise<void> {
    checkVector(vector);
    if (this.ended !== undefined) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      let list = this.waiters.get(vector);
      if (list === undefined) this.waiters.set(vector, (list = []));
      list.push({ resolve, reject });
    });
  }

  raise(vector: number): void {
    if (this.ended !== undefined) return;
    if (!this.isPending.has(vector)) {
      this.isPending.add(vector);
      this.pending.push(vector);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.deliver);
    }
  }

  /** Ends delivery: waiters reject with `error` (or a plain closed error). */
  end(error: Error | undefined): void {
    if (this.ended !== undefined) return;
    this.ended = error ?? new TransportClosedError('transport closed');
    for (const list of this.waiters.values()) for (const w of list) w.reject(this.ended);
    this.waiters.clear();
    this.handlers.clear();
    this.pending.length = 0;
    this.isPending.clear();
  }

  private flush(): void {
    this.scheduled = false;
    // Swap lists: vectors raised while handlers run go to the next microtask.
    const batch = this.pending;
    this.pending = this.spare;
    this.spare = batch;
    for (const v of batch) {
      if (this.ended !== undefined) break;
      this.isPending.delete(v);
      const hs = this.handlers.get(v);
      if (hs !== undefined) for (const h of hs.length === 1 ? hs : [...hs]) call(h);
      const ws = this.waiters.get(v);
      if (ws !== undefined) {
        this.waiters.delete(v);
        for (const w of ws) w.resolve();
      }
    }
    batch.length = 0;
  }
}

/** A throwing handler is a host bug: surface it as an uncaught exception, after the others ran. */
function call(h: () => void): void {
  try {
    h();
  } catch (e) {
    process.nextTick(() => {
      throw e;
    });
  }
}

function checkVector(vector: number): void {
  if (!Number.isInteger(vector) || vector < 0 || vector > 0xffff) throw new RangeError(`interrupt vector ${vector}: allowed 0..65535`);
}
