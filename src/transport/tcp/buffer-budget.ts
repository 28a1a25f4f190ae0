// Per-connection data buffers under a byte budget, so no peer can make the target hold more than
// a bounded amount of memory whatever it sends. Buffers come in power-of-two size classes and are
// reused: steady I/O allocates nothing.
const MIN_CLASS = 4096;

export class BufferBudget {
  /** Bytes checked out now. */
  used = 0;
  private retained = 0;
  private readonly free = new Map<number, Buffer[]>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < MIN_CLASS) throw new RangeError(`buffer budget ${limit}: must be an integer >= ${MIN_CLASS}`);
  }

  static classOf(n: number): number {
    let c = MIN_CLASS;
    while (c < n) c *= 2;
    return c;
  }

  /** True when a buffer of `n` bytes could ever be had (alone). */
  fits(n: number): boolean {
    return BufferBudget.classOf(n) <= this.limit;
  }

  /** A buffer of at least `n` bytes, or undefined while the budget is spent. */
  take(n: number): Buffer | undefined {
    const c = BufferBudget.classOf(n);
    if (this.used + c > this.limit) return undefined;
    this.used += c;
    const list = this.free.get(c);
    const b = list?.pop();
    if (b !== undefined) {
      this.retained -= c;
      return b;
    }
    return Buffer.allocUnsafeSlow(c);
  }

  give(b: Buffer): void {
    this.used -= b.length;
    if (this.retained + b.length > this.limit) return;
    let list = this.free.get(b.length);
    if (list === undefined) this.free.set(b.length, (list = []));
    list.push(b);
    this.retained += b.length;
  }
}
