// Emulated time. Every media operation asks the timing model when it completes; command code
// only forwards that time to the completion path, so a NAND timing model plugs in here later
// without touching any command set. Times are nanoseconds as plain numbers (2^53 ns = 104 days).

export interface Clock {
  /** Current emulated time in ns. */
  now(): number;
}

/** Real time since the process started (for hosts that expect wall-clock latency). */
export class WallClock implements Clock {
  // performance.now() (a double in ms, sub-microsecond resolution) costs a fraction of
  // process.hrtime.bigint(), and the controller reads the clock on every command. Every
  // WallClock shares one origin: a namespace's media and a controller made later for a new
  // NVMe/TCP association compare times from their own clocks, and a per-clock origin made a
  // media completion time look seconds in the future to the controller.
  now(): number {
    return Math.round(performance.now() * 1e6);
  }
}

/** Simulated time that moves only when told, so a workload gives the same latencies every run. */
export class VirtualClock implements Clock {
  private t = 0;
  now(): number {
    return this.t;
  }
  /** Moves time forward to `t` (never backwards). */
  advanceTo(t: number): void {
    if (t > this.t) this.t = t;
  }
}

export const MediaOpKind = { READ: 0, PROGRAM: 1, ERASE: 2 } as const;
export type MediaOpKind = (typeof MediaOpKind)[keyof typeof MediaOpKind];

export interface TimingModel {
  /**
   * When an operation on `sectors` sectors of `chunk` (flat index; its PU is the unit of
   * parallelism), submitted at `submitAt`, completes.
   */
  complete(kind: MediaOpKind, chunk: number, sectors: number, submitAt: number): number;
}

/** Timing off: every operation completes the moment it is submitted. */
export class ImmediateTiming implements TimingModel {
  complete(_kind: MediaOpKind, _chunk: number, _sectors: number, submitAt: number): number {
    return submitAt;
  }
}
