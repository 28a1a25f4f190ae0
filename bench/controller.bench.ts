// `npm run bench`: 4 KiB random read and write IOPS at QD 1 and QD 32 through the in-process
// transport, timing off, memory image — beside the raw media copy rate measured in the same run.
// Three host paths, so the report shows where the time goes:
//   raw queues    pre-built SQEs in the rings, doorbells, engine.process(), CQEs counted
//                 (the controller's own cost: fetch, dispatch, PRPs, namespace, completion);
//   host library  NvmeHost.read/write over InProcessTransport.local (plus the driver, DMA
//                 staging and a promise per command);
//   worker        the same with the device in a worker thread (plus the cross-thread doorbells
//                 and interrupts over a SharedArrayBuffer).
import { MemoryStore } from '../src/media/index.js';
import { ConventionalNamespace } from '../src/controller/index.js';
import { NvmeHost } from '../src/host/index.js';
import { InProcessTransport } from '../src/transport/index.js';
import { NvmOpcode, SQE_SIZE } from '../src/spec/index.js';
import { NVME_DEVICE_MODULE, createNvmeDevice, parseNvmeDevice } from '../src/server/index.js';
import { measure, xorshift32, type Measurement } from './lib/measure.js';
import { type Out, TablePrinter, environmentPairs, fmtFixed, fmtInt, fmtRatio, printPairs, benchMain } from './lib/report.js';
import { DATA_AT, RawHost } from './lib/raw-host.js';

const BLOCK = 4096;
/** Working set: 64 MiB of 4 KiB blocks, written once before the reads. */
const BLOCKS = 16384;
export const DEPTHS = [1, 32] as const;
export type Op = 'read' | 'write';

export interface BenchRow {
  readonly path: string;
  readonly op: Op;
  readonly qd: number;
  readonly iops: number;
  readonly nsPerOp: number;
}

export interface BenchOptions {
  readonly seconds: number;
  /** Skip the worker-thread cases (they start a thread per case). */
  readonly worker?: boolean;
  readonly out?: Out;
}

// ---- baseline: the media copy a command costs at least ----

function mediaBaseline(op: Op, seconds: number): Measurement {
  const store = new MemoryStore(BLOCKS * BLOCK);
  const buf = new Uint8Array(BLOCK).fill(7);
  for (let b = 0; b < BLOCKS; b++) store.write(buf, b * BLOCK);
  const next = xorshift32(42);
  return measure(
    (n) => {
      for (let i = 0; i < n; i++) {
        const at = (next() % BLOCKS) * BLOCK;
        if (op === 'read') store.read(buf, at);
        else store.write(buf, at);
      }
      return n;
    },
    { seconds },
  );
}

// ---- raw queues: the controller alone ----

function rawQueues(op: Op, qd: number, seconds: number): Measurement {
  const store = new MemoryStore(BLOCKS * BLOCK + (1 << 20));
  const host = new RawHost({ config: { mdts: 0 }, namespaces: [new ConventionalNamespace({ nsid: 1, store, offset: 0, bytes: store.size, nlbaf: 4, lbaIndex: 3, serial: 'bench' })] });
  if (!host.enable() || !host.createIoQueue()) throw new Error('raw queues: the controller did not come up');
  // One SQE per slot of the batch, each with its own 4 KiB buffer; only SLBA changes per command.
  const sqes = Array.from({ length: qd }, (_, i) => {
    const b = new Uint8Array(SQE_SIZE);
    const dv = new DataView(b.buffer);
    b[0] = op === 'read' ? NvmOpcode.READ : NvmOpcode.WRITE;
    dv.setUint32(4, 1, true);
    dv.setBigUint64(24, BigInt(DATA_AT + i * BLOCK), true);
    return { b, dv };
  });
  const fill = (opc: number, count: number) => {
    for (let lba = 0; lba < count; lba += qd) {
      for (let i = 0; i < qd; i++) {
        sqes[i]!.b[0] = opc;
        sqes[i]!.dv.setUint32(40, (lba + i) % BLOCKS, true);
        host.submit(1, sqes[i]!.b, i, false);
      }
      host.ring(1);
      host.engine.process();
      if (host.reapCount(1) !== qd) throw new Error('raw queues: a command failed or did not complete');
    }
  };
  fill(NvmOpcode.WRITE, BLOCKS); // every block mapped, as in the baseline
  const opc = op === 'read' ? NvmOpcode.READ : NvmOpcode.WRITE;
  const next = xorshift32(42);
  const m = measure(
    (n) => {
      let done = 0;
      while (done < n) {
        for (let i = 0; i < qd; i++) {
          const s = sqes[i]!;
          s.b[0] = opc;
          s.dv.setUint32(40, next() % BLOCKS, true);
          host.submit(1, s.b, i, false);
        }
        host.ring(1);
        host.engine.process();
        if (host.reapCount(1) !== qd) throw new Error('raw queues: a command failed or did not complete');
        done += qd;
      }
      return done;
    },
    { seconds },
  );
  if (host.bugs.length > 0) throw new Error(`raw queues: ${host.bugs[0]}`);
  host.close();
  return m;
}

// ---- the host library, local or worker ----

async function hostLibrary(mode: 'local' | 'worker', op: Op, qd: number, seconds: number): Promise<Measurement> {
  const config = parseNvmeDevice(`nvme,size=${(BLOCKS * BLOCK) / 2 ** 20 + 1}M,mdts=0`);
  const transport =
    mode === 'local'
      ? await InProcessTransport.local(createNvmeDevice, config, { memoryBytes: 16 << 20 })
      : await InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice', args: config, memoryBytes: 16 << 20 });
  const host = await NvmeHost.attach(transport);
  try {
    await host.createIoQueues(1, 64);
    const chunk = new Uint8Array(256 * BLOCK).fill(7);
    for (let b = 0; b < BLOCKS; b += 256) await host.write(1, b, chunk);
    const next = xorshift32(42);
    const run = async (limitNs: number): Promise<{ ops: number; ns: number }> => {
      let ops = 0;
      const t0 = process.hrtime.bigint();
      const deadline = t0 + BigInt(Math.round(limitNs));
      const worker = async (): Promise<void> => {
        const buf = new Uint8Array(BLOCK).fill(3);
        while (process.hrtime.bigint() < deadline) {
          for (let k = 0; k < 64; k++) {
            const lba = next() % BLOCKS;
            if (op === 'read') await host.read(1, lba, 1, { into: buf });
            else await host.write(1, lba, buf);
          }
          ops += 64;
        }
      };
      await Promise.all(Array.from({ length: qd }, worker));
      return { ops, ns: Number(process.hrtime.bigint() - t0) };
    };
    await run(Math.min(0.2, seconds / 10) * 1e9);
    const { ops, ns } = await run(seconds * 1e9);
    return { ops, seconds: ns / 1e9, opsPerSec: ops / (ns / 1e9), nsPerOp: ns / ops };
  } finally {
    await host.close();
  }
}

// ---- the report ----

export async function runControllerBench(options: BenchOptions): Promise<BenchRow[]> {
  const out = options.out ?? console.log;
  const s = options.seconds;
  out('ocssd controller bench: 4 KiB random I/O on a 64 MiB working set, memory image, timing off');
  printPairs(environmentPairs(), out);
  const rows: BenchRow[] = [];
  const base: Record<Op, Measurement> = { read: mediaBaseline('read', s), write: mediaBaseline('write', s) };
  const table = new TablePrinter(
    [{ title: 'path', width: 22 }, { title: 'op', width: 5 }, { title: 'QD', width: 3 }, { title: 'IOPS', width: 11 }, { title: 'MiB/s', width: 8 }, { title: 'ns/op', width: 7 }, { title: 'vs media copy', width: 13 }],
    out,
  );
  out('');
  table.header();
  const add = (path: string, op: Op, qd: number, m: Measurement) => {
    rows.push({ path, op, qd, iops: m.opsPerSec, nsPerOp: m.nsPerOp });
    table.row([path, op, qd === 0 ? '-' : String(qd), fmtInt(m.opsPerSec), fmtFixed((m.opsPerSec * BLOCK) / 2 ** 20, 0), fmtInt(m.nsPerOp), fmtRatio(m.opsPerSec / base[op].opsPerSec)]);
  };
  for (const op of ['read', 'write'] as const) add('media copy (baseline)', op, 0, base[op]);
  for (const op of ['read', 'write'] as const) for (const qd of DEPTHS) add('raw queues', op, qd, rawQueues(op, qd, s));
  for (const op of ['read', 'write'] as const) for (const qd of DEPTHS) add('host library, local', op, qd, await hostLibrary('local', op, qd, s));
  if (options.worker !== false) for (const op of ['read', 'write'] as const) for (const qd of DEPTHS) add('host library, worker', op, qd, await hostLibrary('worker', op, qd, s));
  out('');
  for (const line of limits(rows)) out(line);
  return rows;
}

/** Where the time of a 4 KiB read goes, from the rows just measured. */
function limits(rows: readonly BenchRow[]): string[] {
  const ns = (path: string, op: Op, qd: number) => rows.find((r) => r.path === path && r.op === op && r.qd === qd)?.nsPerOp;
  const media = ns('media copy (baseline)', 'read', 0)!;
  const raw = ns('raw queues', 'read', 32)!;
  const local = ns('host library, local', 'read', 32)!;
  const worker = ns('host library, worker', 'read', 32);
  const best = Math.max(...rows.filter((r) => r.op === 'read' && r.qd > 0).map((r) => r.iops));
  return [
    `limits (4 KiB read, QD 32): best ${fmtInt(best)} IOPS, goal 1,000,000 (${fmtRatio(best / 1e6)})`,
    `  media copy ${fmtInt(media)} ns; controller (fetch, dispatch, PRP, namespace, CQE) ${fmtInt(raw - media)} ns more;`,
    `  host library (driver, DMA staging, a promise per command) ${fmtInt(local - raw)} ns more${worker !== undefined ? `; worker thread ${fmtInt(worker - local)} ns ${worker >= local ? 'more' : 'less'} than local` : ''}.`,
    '  Everything runs on one JS thread per side: the device cannot use the second core in local mode,',
    '  and in worker mode each command crosses threads twice (doorbell, interrupt).',
  ];
}

await benchMain(import.meta.url, 'controller bench', ['--no-worker'], (seconds, on) => runControllerBench({ seconds, worker: !on.has('--no-worker') }));
