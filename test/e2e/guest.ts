// Builds (cached) and boots the e2e guest: Debian's Linux kernel under QEMU TCG with a busybox +
// nvme-cli initramfs (scripts/e2e/build-guest.sh, recipe in linux-guest.md). The guest reaches
// host listeners only through guestfwd bridges (restrict=on user networking, scripts/e2e/fwd.py):
// guest address 10.0.2.100:GUESTPORT goes to host 127.0.0.1:HOSTPORT. Kernel messages land in console.log
// (ttyS0), the test session in session.log (ttyS1).

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCpio, type CpioEntry } from './cpio.js';

/** Repository root (this file is dist/test/e2e/guest.js once compiled). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCRIPTS_DIR = join(REPO_ROOT, 'scripts', 'e2e');
/** Guest images live here between runs (gitignored); OCSSD_E2E_CACHE overrides it. */
export const DEFAULT_CACHE_DIR = process.env['OCSSD_E2E_CACHE'] ?? join(REPO_ROOT, '.e2e-cache');
/** The address the guest uses for every forwarded host port. */
export const GUEST_FWD_ADDR = '10.0.2.100';

export interface GuestImage {
  dir: string;
  vmlinux: string;
  baseCpio: string;
  kernelRelease: string;
}

/** Installs missing host packages (setup.sh) and builds or reuses the cached guest image. */
export function ensureGuest(cacheDir = DEFAULT_CACHE_DIR): GuestImage {
  execFileSync('sh', [join(SCRIPTS_DIR, 'setup.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  const out = execFileSync('sh', [join(SCRIPTS_DIR, 'build-guest.sh'), cacheDir], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  const dir = out.toString().trim().split('\n').pop()!;
  const img: GuestImage = {
    dir,
    vmlinux: join(dir, 'vmlinux'),
    baseCpio: join(dir, 'base.cpio'),
    kernelRelease: readFileSync(join(dir, 'kernel-release'), 'utf8').trim(),
  };
  for (const f of [img.vmlinux, img.baseCpio]) if (!existsSync(f)) throw new Error(`e2e guest build: ${f} is missing after build-guest.sh`);
  return img;
}

export interface GuestForward {
  /** Port the guest connects to at 10.0.2.100. */
  guestPort: number;
  /** Port on host 127.0.0.1 it is bridged to. */
  hostPort: number;
}

export interface GuestRunOptions {
  image: GuestImage;
  /** Files added to the initramfs for this run; must include test.sh. */
  files: readonly CpioEntry[];
  forwards: readonly GuestForward[];
  /** Host-side limit for the whole boot + session; QEMU is killed when it passes. */
  timeoutMs: number;
  /** Where initrd, console.log and session.log are written (kept for debugging). */
  workDir: string;
  /** Extra kernel command line. */
  kernelArgs?: string;
  /** vCPUs (default 1: one I/O queue, one core of the shared machine). */
  smp?: number;
}

export interface GuestRun {
  session: string;
  console: string;
  /** QEMU's own stderr (argument errors, slirp complaints). */
  qemuStderr: string;
  exitCode: number | null;
  timedOut: boolean;
  elapsedMs: number;
  workDir: string;
}

let pythonPath: string | undefined;
/** The real python3 binary (not a pyenv shim, which costs a shell per bridge); slirp splits -cmd on spaces. */
function python(): string {
  pythonPath ??= execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 10_000 }).toString().trim();
  if (!pythonPath || /[\s,]/.test(pythonPath) || /[\s,]/.test(SCRIPTS_DIR)) {
    throw new Error(`e2e: python3 (${pythonPath}) and ${SCRIPTS_DIR} must have no spaces or commas: they go into QEMU's -netdev guestfwd=...-cmd:`);
  }
  return pythonPath;
}

// Bound every wait: a target that accepts ICReq and then drops Connect would otherwise cost
// the 60 s default admin timeout.
const KERNEL_ARGS = 'console=ttyS0 quiet panic=-1 nvme_core.admin_timeout=5 nvme_core.io_timeout=10';

/** Boots the guest once with the given session files and waits for it to power off (or be killed). */
export function runGuest(o: GuestRunOptions): Promise<GuestRun> {
  mkdirSync(o.workDir, { recursive: true });
  const initrd = join(o.workDir, 'initrd');
  writeFileSync(initrd, Buffer.concat([readFileSync(o.image.baseCpio), encodeCpio(o.files)]));
  const consoleLog = join(o.workDir, 'console.log');
  const sessionLog = join(o.workDir, 'session.log');
  writeFileSync(consoleLog, '');
  writeFileSync(sessionLog, '');
  const fwd = join(SCRIPTS_DIR, 'fwd.py');
  const py = python();
  const netdev = ['user,id=n0,restrict=on', ...o.forwards.map((f) => `guestfwd=tcp:${GUEST_FWD_ADDR}:${f.guestPort}-cmd:${py} ${fwd} ${f.hostPort}`)].join(',');
  const args = [
    '-accel', 'tcg', '-m', '512', '-smp', String(o.smp ?? 1), '-no-reboot', '-nodefaults', '-display', 'none',
    '-serial', `file:${consoleLog}`, '-serial', `file:${sessionLog}`,
    '-kernel', o.image.vmlinux, '-initrd', initrd,
    '-append', `${KERNEL_ARGS} ${o.kernelArgs ?? ''}`.trim(),
    '-netdev', netdev, '-device', 'virtio-net-pci,netdev=n0,romfile=',
  ];
  writeFileSync(join(o.workDir, 'qemu.cmd'), ['qemu-system-x86_64', ...args].map((a) => `'${a}'`).join(' ') + '\n');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // Own process group, so the guestfwd bridges QEMU spawned die with it.
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let timedOut = false;
    qemu.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killGroup = (): void => {
      try {
        if (qemu.pid !== undefined) process.kill(-qemu.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, o.timeoutMs);
    qemu.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start qemu-system-x86_64: ${e.message}`));
    });
    qemu.on('close', (code) => {
      clearTimeout(timer);
      killGroup(); // leftover bridges, if any
      resolve({
        session: readFileSync(sessionLog, 'utf8'),
        console: readFileSync(consoleLog, 'utf8'),
        qemuStderr: stderr,
        exitCode: code,
        timedOut,
        elapsedMs: performance.now() - t0,
        workDir: o.workDir,
      });
    });
  });
}
