// A wake-up for the FTL's loops: wait() resolves at the next notify(). Waiters are released from
// a macrotask (setImmediate), never as a microtask chain, so loops that wake each other cannot
// starve the device's completions. Loops re-check their condition after every wake.
export class Signal {
  private waiters: (() => void)[] = [];
  private scheduled = false;

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    if (this.scheduled || this.waiters.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const w = this.waiters;
      this.waiters = [];
      for (const r of w) r();
    });
  }
}
