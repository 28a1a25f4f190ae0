// `npm run bench:nbd`: NBD throughput of our server next to `nbdkit memory` of the same size, in
// the same run, with real clients: fio's nbd engine (1 MiB sequential write/read at QD 8, 4 KiB
// random write/read at QD 32 and QD 1) and nbdcopy (a file copied in and the export copied out
// with 1 MiB requests). Our export is, by default, a memory-backed conventional namespace with
// the device in a worker thread (as `ocssd serve` runs it), reached through NamespaceVolume;
// bench:ftl passes its own volume through `serveVolume`. The ratio is ours / nbdkit's.
// `--local`: the device on the server's thread; `--memory`: a byte-array volume, so the figures
// are the NBD server's alone.
import { createServer, connect } from 'node:net';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NbdServer } from '../src/nbd/index.js';
import { type BlockVolume, NamespaceVolume, NvmeHost } from '../src/host/index.js';
import { InProcessTransport } from '../src/transport/index.js';
import { NVME_DEVICE_MODULE, createNvmeDevice, parseNvmeDevice } from '../src/server/index.js';
import { type Out, TablePrinter, benchMain, environmentPairs, fmtFixed, fmtInt, fmtRatio, printPairs } from './lib/report.js';
import { ensureCommands, runTool } from './lib/debian.js';
import { Scratch } from './lib/scratch.js';
import { xorshift32 } from './lib/measure.js';
import { MemoryBlockVolume } from './lib/memory-volume.js';

const MiB = 1 << 20;

/** An NBD export to measure: its URL, size, and how to stop it. */
export interface NbdBenchTarget {
  readonly label: string;
  readonly url: string;
  readonly size: number;
  close(): Promise<void>;
}

export interface Workload {
  readonly name: string;
  readonly tool: 'fio' | 'nbdcopy';
  /** fio --rw, or nbdcopy direction. */
  readonly rw: 'write' | 'read' | 'randwrite' | 'randread' | 'in' | 'out';
  readonly bs: number;
  readonly qd: number;
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'seq write 1 MiB', tool: 'fio', rw: 'write', bs: MiB, qd: 8 },
  { name: 'seq read 1 MiB', tool: 'fio', rw: 'read', bs: MiB, qd: 8 },
  { name: 'rand write 4 KiB', tool: 'fio', rw: 'randwrite', bs: 4096, qd: 32 },
  { name: 'rand read 4 KiB', tool: 'fio', rw: 'randread', bs: 4096, qd: 32 },
  { name: 'rand read 4 KiB', tool: 'fio', rw: 'randread', bs: 4096, qd: 1 },
  { name: 'copy in 1 MiB', tool: 'nbdcopy', rw: 'in', bs: MiB, qd: 64 },
  { name: 'copy out 1 MiB', tool: 'nbdcopy', rw: 'out', bs: MiB, qd: 64 },
];

export interface NbdBenchRow {
  readonly workload: Workload;
  readonly ours: { bytesPerSec: number; iops: number };
  readonly nbdkit: { bytesPerSec: number; iops: number };
}

export interface NbdBenchOptions {
  readonly seconds: number;
  readonly out?: Out;
  /** Export size (default 128 MiB); nbdkit memory gets the same. */
  readonly sizeBytes?: number;
  /** Our export (default: a memory conventional namespace, device in a worker). Its size is used for nbdkit. */
  readonly ours?: () => Promise<NbdBenchTarget>;
  readonly workloads?: readonly Workload[];
  /** Default target only: the device in a worker thread (default) or on this thread; 'memory': a byte-array volume (the NBD server alone). */
  readonly mode?: 'worker' | 'local' | 'memory';
}

/** Serves `volume` on a free 127.0.0.1 port; close() stops the server and closes the volume. */
export async function serveVolume(volume: BlockVolume, label: string): Promise<NbdBenchTarget> {
  const server = new NbdServer({ port: 0, log: (m) => console.error(m) });
  server.addExport(volume);
  await server.listen();
  return {
    label,
    url: `nbd://127.0.0.1:${server.port}/${encodeURIComponent(volume.name)}`,
    size: volume.size,
    close: async () => {
      await server.close();
      await volume.close();
    },
  };
}

/** The default export: conventional namespace over a memory image, device in a worker thread (or local: same thread). */
export async function namespaceTarget(sizeBytes: number, mode: 'worker' | 'local' = 'worker'): Promise<NbdBenchTarget> {
  const config = parseNvmeDevice(`nvme,size=${Math.ceil(sizeBytes / MiB) + 1}M`);
  const transport =
    mode === 'worker'
      ? await InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice', args: config, memoryBytes: 96 << 20 })
      : await InProcessTransport.local(createNvmeDevice, config, { memoryBytes: 96 << 20 });
  const host = await NvmeHost.attach(transport);
  await host.createIoQueues(4, 256);
  const volume = await NamespaceVolume.open(host, 1, { name: 'nvme0n1', closeHost: true });
  return serveVolume(volume, `ocssd (namespace, ${mode})`);
}

/** `nbdkit memory SIZE` on a free port; close() kills it. */
export async function nbdkitMemory(sizeBytes: number): Promise<NbdBenchTarget> {
  const port = await freePort();
  const child = spawn('nbdkit', ['--exit-with-parent', '-f', '-i', '127.0.0.1', '-p', String(port), 'memory', String(sizeBytes)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nbdkit exited with ${child.exitCode}: ${stderr}`);
    if (await canConnect(port)) break;
    if (i >= 100) {
      child.kill('SIGKILL');
      throw new Error(`nbdkit did not listen on port ${port} within 5 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    label: 'nbdkit memory',
    url: `nbd://127.0.0.1:${port}/`,
    size: sizeBytes,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** One workload against one target: bytes/s and IOPS. */
async function measureOne(w: Workload, target: NbdBenchTarget, seconds: number, copyFile: string, copyBytes: number): Promise<{ bytesPerSec: number; iops: number }> {
  if (w.tool === 'nbdcopy') {
    const args = [`--request-size=${w.bs}`, `--requests=${w.qd}`, ...(w.rw === 'in' ? ['--flush', copyFile, target.url] : [target.url, 'null:'])];
    const bytes = w.rw === 'in' ? copyBytes : target.size;
    const t0 = process.hrtime.bigint();
    await runTool('nbdcopy', args, 600_000);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    return { bytesPerSec: bytes / s, iops: bytes / w.bs / s };
  }
  const ms = Math.max(200, Math.round(seconds * 1000));
  const { stdout } = await runTool(
    'fio',
    [
      '--name=nbd',
      '--ioengine=nbd',
      `--uri=${target.url}`,
      `--rw=${w.rw}`,
      `--bs=${w.bs}`,
      `--iodepth=${w.qd}`,
      `--size=${target.size}`,
      '--time_based',
      `--runtime=${ms}ms`,
      `--ramp_time=${Math.min(500, Math.round(ms / 5))}ms`,
      '--randrepeat=1',
      '--output-format=json',
    ],
    ms * 4 + 60_000,
  );
  const json = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { jobs: { read: { bw_bytes: number; iops: number }; write: { bw_bytes: number; iops: number } }[] };
  const side = w.rw.endsWith('read') ? json.jobs[0]!.read : json.jobs[0]!.write;
  return { bytesPerSec: side.bw_bytes, iops: side.iops };
}

export async function runNbdBench(options: NbdBenchOptions): Promise<NbdBenchRow[]> {
  const out = options.out ?? console.log;
  const workloads = options.workloads ?? WORKLOADS;
  await ensureCommands([...new Set(workloads.map((w) => w.tool)), 'nbdkit'], (l) => out(`  ${l}`));
  const scratch = new Scratch();
  const targets: NbdBenchTarget[] = [];
  try {
    const size = options.sizeBytes ?? 128 * MiB;
    const ours = await (options.ours ?? (() => (options.mode === 'memory' ? serveVolume(new MemoryBlockVolume('mem0', size), 'ocssd (memory volume)') : namespaceTarget(size, options.mode))))();
    targets.push(ours);
    const kit = await nbdkitMemory(ours.size);
    targets.push(kit);
    const { stdout: version } = await runTool('nbdkit', ['--version']);
    out(`ocssd NBD bench: ${ours.label} vs ${version.trim()} memory, ${fmtInt(ours.size / MiB)} MiB exports over 127.0.0.1, ${options.seconds} s per fio case`);
    printPairs(environmentPairs(), out);
    // nbdcopy's source: random data, as big as the export (the copy-in case writes all of it).
    const copyBytes = Math.floor(ours.size / MiB) * MiB;
    const copyFile = join(scratch.dir('ocssd-nbd-bench-'), 'src.img');
    const buf = new Uint8Array(copyBytes);
    const next = xorshift32(7);
    const words = new Uint32Array(buf.buffer);
    for (let i = 0; i < words.length; i++) words[i] = next();
    writeFileSync(copyFile, buf);

    const table = new TablePrinter(
      [{ title: 'workload', width: 17 }, { title: 'tool', width: 7 }, { title: 'QD', width: 3 }, { title: 'ours MiB/s', width: 10 }, { title: 'ours IOPS', width: 9 }, { title: 'nbdkit MiB/s', width: 12 }, { title: 'nbdkit IOPS', width: 11 }, { title: 'ratio', width: 6 }],
      out,
    );
    out('');
    table.header();
    const rows: NbdBenchRow[] = [];
    for (const w of workloads) {
      const a = await measureOne(w, ours, options.seconds, copyFile, copyBytes);
      const b = await measureOne(w, kit, options.seconds, copyFile, copyBytes);
      rows.push({ workload: w, ours: a, nbdkit: b });
      table.row([w.name, w.tool, String(w.qd), fmtFixed(a.bytesPerSec / MiB, 1), fmtInt(a.iops), fmtFixed(b.bytesPerSec / MiB, 1), fmtInt(b.iops), fmtRatio(a.bytesPerSec / b.bytesPerSec)]);
    }
    out('');
    out('  ratio = ours / nbdkit memory (same machine, same client, same run). nbdkit memory is a');
    out('  sparse array in C with a thread pool; ours crosses NBD -> NvmeHost -> queues -> controller.');
    return rows;
  } finally {
    for (const t of targets.reverse()) await t.close().catch((e: unknown) => out(`  closing ${t.label}: ${String(e)}`));
    scratch.dispose();
  }
}

await benchMain(import.meta.url, 'nbd bench', ['--local', '--memory'], (seconds, on) => runNbdBench({ seconds, mode: on.has('--memory') ? 'memory' : on.has('--local') ? 'local' : 'worker' }));
