// Reusable I/O buffers for the NBD server: read replies and write payloads that span socket
// chunks come from here and go back when the socket has sent them or the volume has taken
// them, so steady-state transmission allocates nothing per request. Power-of-two size
// classes; each class keeps at most a few buffers and the pool at most `maxRetainedBytes`.

const MIN_CLASS = 12; // 4 KiB

export class BufferPool {
  private readonly free: Uint8Array[][] = [];
  private retained = 0;

  constructor(
    private readonly maxRetainedBytes = 64 << 20,
    private readonly perClass = 64,
  ) {}

  /** A buffer of at least `length` bytes (its contents are stale); use `.subarray(0, length)`. */
  get(length: number): Uint8Array {
    const c = classOf(length);
    const list = this.free[c];
    const b = list?.pop();
    if (b !== undefined) {
      this.retained -= b.length;
      return b;
    }
    return new Uint8Array(2 ** c);
  }

  /** Gives back a whole buffer as get() returned it (views and non-power-of-two sizes are ignored). */
  release(whole: Uint8Array): void {
    if (whole.byteOffset !== 0 || whole.length !== whole.buffer.byteLength) return;
    const c = classOf(whole.length);
    if (2 ** c !== whole.length) return; // not one of ours
    if (this.retained + whole.length > this.maxRetainedBytes) return;
    const list = (this.free[c] ??= []);
    if (list.length >= this.perClass) return;
    list.push(whole);
    this.retained += whole.length;
  }

  get retainedBytes(): number {
    return this.retained;
  }
}

/** Smallest c >= 12 with 2^c >= length (lengths up to 2^31). */
function classOf(length: number): number {
  return length <= 1 << MIN_CLASS ? MIN_CLASS : 32 - Math.clz32(length - 1);
}
