// The Error Information log (LID 0x01): the newest `capacity` errors, newest first, each with
// the ever-increasing error count the spec asks for.
export interface ErrorEntry {
  readonly errorCount: bigint;
  readonly sqid: number;
  readonly cid: number;
  readonly status: number;
  /** Byte and bit of the command that caused the error (0xFFFF: not specific). */
  readonly parameterErrorLocation: number;
  readonly lba: number;
  readonly nsid: number;
}

export class ErrorLog {
  private readonly ring: ErrorEntry[] = [];
  private count = 0n;

  constructor(readonly capacity: number) {}

  record(e: Omit<ErrorEntry, 'errorCount'>): void {
    this.count++;
    this.ring.unshift({ ...e, errorCount: this.count });
    if (this.ring.length > this.capacity) this.ring.pop();
  }

  /** Newest first. */
  entries(): readonly ErrorEntry[] {
    return this.ring;
  }

  get total(): bigint {
    return this.count;
  }
}
