// Runs `ocssd serve` as a child process for CLI tests: waits for its control API line, gives
// its address, and stops it with a signal.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/ocssd.js');

export interface ServeChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** host:port of the control API. */
  readonly server: string;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startServe(args: readonly string[], timeoutMs = 30_000): Promise<ServeChild> {
  const child = spawn(process.execPath, [BIN, 'serve', '--control-port', '0', '--tcp-port', '0', '--discovery-port', '0', '--nbd-port', '0', ...args]);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`ocssd serve did not start in ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /control API: http:\/\/([\d.]+:\d+)\//.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        ok({
          child,
          server: m[1]!,
          stdout: () => out,
          stderr: () => err,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`ocssd serve exited with ${code} before it was ready:\n${out}\n${err}`));
    });
  });
}
