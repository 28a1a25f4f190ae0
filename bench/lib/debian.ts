// Real client tools for tests and benches: installs the Debian packages that provide missing
// commands (idempotent: a command already on PATH is left alone), so a fresh CI machine gets
// them without a separate setup step. `apt-get update` runs at most once per process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Commands the NBD tests and bench use, and the package of each. */
export const NBD_TOOLS: Readonly<Record<string, string>> = {
  nbdinfo: 'libnbd-bin',
  nbdcopy: 'libnbd-bin',
  'qemu-io': 'qemu-utils',
  'qemu-img': 'qemu-utils',
  nbdkit: 'nbdkit',
  fio: 'fio',
};

let updated = false;

export async function hasCommand(cmd: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure every command exists, installing the packages of the missing ones. */
export async function ensureCommands(commands: readonly string[], log: (line: string) => void = () => {}): Promise<void> {
  const missing: string[] = [];
  for (const c of commands) if (!(await hasCommand(c))) missing.push(c);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((c) => NBD_TOOLS[c] ?? c))];
  log(`installing ${packages.join(' ')} for ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!updated) {
      await run('apt-get', ['update', '-qq'], { env, maxBuffer: 64 << 20 });
      updated = true;
    }
    await run('apt-get', ['install', '-y', '-qq', ...packages], { env, maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`could not install ${packages.join(' ')} (needed for ${missing.join(', ')}; run as root on Debian, or install them): ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const c of missing) if (!(await hasCommand(c))) throw new Error(`${c} is still missing after installing ${packages.join(' ')}`);
}

/** Runs a command without blocking the event loop (the server under test runs in this process). */
export async function runTool(cmd: string, args: readonly string[], timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(cmd, [...args], { timeout: timeoutMs, maxBuffer: 64 << 20 });
  } catch (e) {
    const x = e as { stderr?: string; stdout?: string; message?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${x.message ?? String(e)}\n${x.stderr ?? ''}${x.stdout ?? ''}`);
  }
}
