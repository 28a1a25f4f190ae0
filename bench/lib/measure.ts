// Timing loop shared by the benchmarks. A body runs in growing batches for a fixed time or op
// count; the clock is read once per batch so that reading it costs nothing next to the ops.
// The body owns its working set: when it runs out (does fewer ops than asked) `reset`
// restores it (erase, rewind) outside the timed part.

export interface MeasureOptions {
  /** Measured seconds to run (default 1). */
  readonly seconds?: number;
  /** Stop after this many ops even if time is left. */
  readonly maxOps?: number;
  /** Untimed warm-up first (JIT, page cache, block allocation); default seconds / 10, at most 0.2. */
  readonly warmupSeconds?: number;
  /** Restores an exhausted working set; not timed. */
  readonly reset?: () => void;
}

export interface Measurement {
  readonly ops: number;
  /** Timed seconds (resets excluded). */
  readonly seconds: number;
  readonly opsPerSec: number;
  /** Mean nanoseconds per op. */
  readonly nsPerOp: number;
}

/** Performs up to n operations and returns how many it did; fewer than n means "exhausted". */
export type BenchBody = (n: number) => number;

const MAX_BATCH = 1 << 16;
/** Batches grow until one takes this long. */
const BATCH_NS = 2e6;

export function measure(body: BenchBody, options: MeasureOptions = {}): Measurement {
  const seconds = options.seconds ?? 1;
  if (!(seconds > 0)) throw new RangeError(`seconds = ${seconds}: must be > 0`);
  const warmup = options.warmupSeconds ?? Math.min(0.2, seconds / 10);
  if (warmup > 0) run(body, warmup, Infinity, options.reset);
  return run(body, seconds, options.maxOps ?? Infinity, options.reset);
}

function run(body: BenchBody, seconds: number, maxOps: number, reset: (() => void) | undefined): Measurement {
  const limitNs = seconds * 1e9;
  let ops = 0;
  let ns = 0;
  let batch = 1;
  let emptyAfterReset = false;
  while (ns < limitNs && ops < maxOps) {
    const want = Math.min(batch, maxOps - ops);
    const t0 = process.hrtime.bigint();
    const done = body(want);
    const dt = Number(process.hrtime.bigint() - t0);
    ns += dt;
    ops += done;
    if (done < want) {
      if (reset === undefined) break;
      // A reset that yields nothing would loop forever: a bug in the bench, not a slow device.
      if (done === 0 && emptyAfterReset) throw new Error('benchmark body did nothing even after a reset');
      emptyAfterReset = done === 0;
      reset();
    } else {
      emptyAfterReset = false;
      if (dt < BATCH_NS && batch < MAX_BATCH) batch *= 2;
    }
  }
  const secs = ns / 1e9;
  return { ops, seconds: secs, opsPerSec: secs > 0 ? ops / secs : 0, nsPerOp: ops > 0 ? ns / ops : 0 };
}

/** Wall time of one call, in ns (for one-off costs such as opening an image). */
export function timeOnce<T>(fn: () => T): { value: T; ns: number } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { value, ns: Number(process.hrtime.bigint() - t0) };
}

/** xorshift32: a fast seeded generator, so a media run and its raw baseline draw the same offsets. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
