// Asynchronous Event Requests: the host parks up to AERL+1 requests; an event completes one of
// them. An event type is then masked until the host reads its log page without RAE, as the spec
// asks; events that arrive with no request waiting are queued.
export const AsyncEventType = { ERROR: 0, SMART: 1, NOTICE: 2, IO_COMMAND_SET: 6, VENDOR: 7 } as const;

export interface AsyncEvent {
  readonly type: number;
  readonly info: number;
  readonly logPage: number;
}

/** DW0 of the completion of an Asynchronous Event Request. */
export const asyncEventDw0 = (e: AsyncEvent): number => ((e.type & 7) | ((e.info & 0xff) << 8) | ((e.logPage & 0xff) << 16)) >>> 0;

export class AsyncEvents {
  private readonly waiting: number[] = [];
  private readonly queued: AsyncEvent[] = [];
  /** Log pages whose event was reported and not yet read (their type stays masked). */
  private readonly unread = new Set<number>();

  constructor(
    readonly limit: number,
    private readonly complete: (cid: number, dw0: number) => void,
  ) {}

  get outstanding(): number {
    return this.waiting.length;
  }

  /** Parks an Asynchronous Event Request; false when the limit is reached. */
  request(cid: number): boolean {
    if (this.waiting.length >= this.limit) return false;
    this.waiting.push(cid);
    this.deliver();
    return true;
  }

  post(e: AsyncEvent): void {
    if (this.queued.some((q) => q.logPage === e.logPage && q.type === e.type)) return;
    this.queued.push(e);
    this.deliver();
  }

  /** The host read `logPage` without RAE: events of that page may be reported again. */
  logRead(logPage: number): void {
    this.unread.delete(logPage);
    this.deliver();
  }

  /** Controller reset: outstanding requests and queued events are gone. */
  reset(): void {
    this.waiting.length = 0;
    this.queued.length = 0;
    this.unread.clear();
  }

  private deliver(): void {
    while (this.waiting.length > 0) {
      const i = this.queued.findIndex((e) => !this.unread.has(e.logPage));
      if (i < 0) return;
      const [e] = this.queued.splice(i, 1);
      this.unread.add(e!.logPage);
      this.complete(this.waiting.shift()!, asyncEventDw0(e!));
    }
  }
}
