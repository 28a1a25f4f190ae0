// Temporary directories and open handles of one bench run, released on return, on a throw, and
// on Ctrl-C or SIGTERM (benches leave gigabytes of sparse files behind otherwise). Signals are
// handled between cases only: the bench must yield to the event loop now and then.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class Scratch {
  private readonly dirs: string[] = [];
  private readonly closers: (() => void)[] = [];
  private disposed = false;
  private readonly onExit = (): void => this.dispose();
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.dispose();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  constructor(readonly root: string = tmpdir()) {
    process.on('exit', this.onExit);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** A new empty directory under the root; removed with everything in it at dispose. */
  dir(prefix: string): string {
    const d = mkdtempSync(join(this.root, prefix));
    this.dirs.push(d);
    return d;
  }

  /** Runs `fn` at dispose (before the directories go), latest first. */
  defer(fn: () => void): void {
    this.closers.push(fn);
  }

  /** Runs the deferred closers, then removes the directories; errors are reported, not thrown. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    for (const fn of this.closers.reverse()) {
      try {
        fn();
      } catch (e) {
        console.error(`bench cleanup: ${String(e)}`);
      }
    }
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Lets pending signals and timers run (between bench cases). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
