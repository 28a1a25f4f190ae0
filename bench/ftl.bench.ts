// FTL benchmark: write amplification of the pblk-like FTL on the real OCSSD 2.0 device (in-process
// transport, host library, memory media), beside the analytic greedy-GC model for the same
// spare space.
//
//  - uniform: sequential fill, then uniform random 4 KiB overwrites of 2x the capacity; WA over
//    the whole 2x and over its second half (steady state), greedy and cost-benefit;
//  - hot/cold 80/20: 80 % of the overwrites go to 20 % of the LBAs.
// WA = sectors the device programmed (user + GC + padding + smeta/emeta) / user sectors.
// The model: mean-field greedy/FIFO under uniform traffic at user / raw-data ratio f (see
// greedyWaModel); our FTL also keeps one line free for GC, which the model does not.
//
//   node dist/bench/ftl.bench.js [--quick] [--no-nbd] [--seconds N]
// then, unless --no-nbd, the NBD throughput of a pblk target beside nbdkit memory (lib/ftl-nbd.ts).
import { NvmeHost } from '../src/host/index.js';
import { InProcessTransport } from '../src/transport/index.js';
import { createOcssd20Device, parseOcssd20Device } from '../src/server/index.js';
import { Ocssd20ChunkDevice, createTarget, greedyWaModel, type FtlVolume, type GcPolicyName } from '../src/ftl/index.js';
import { xorshift32 } from './lib/measure.js';
import { type Out, TablePrinter, benchMain, environmentPairs, fmtFixed, fmtInt, printPairs } from './lib/report.js';
import { runFtlNbdBench } from './lib/ftl-nbd.js';

export interface FtlBenchOptions {
  /** OCSSD 2.0 device line (default: 8 PUs x 32 chunks of 128 x 4 KiB = 128 MiB). */
  readonly device?: string;
  readonly out?: Out;
  /** Overwrite volume as a multiple of the capacity (default 2). */
  readonly passes?: number;
}

export const BENCH_DEVICE = 'nvme,lver=2,num_grp=1,num_pu=8,num_chk=32,clba=128,ws_min=4,ws_opt=8,mw_cunits=0,ms=16';
const QD = 16;

export interface WaRow {
  readonly workload: string;
  readonly policy: GcPolicyName;
  readonly waAll: number;
  readonly waSteady: number;
  readonly model: number;
  /** The model with the space GC keeps out of play (one free line + half the open line on average). */
  readonly modelReserve: number;
  readonly seconds: number;
}

async function open(device: string): Promise<{ host: NvmeHost; dev: Ocssd20ChunkDevice }> {
  const config = parseOcssd20Device(device);
  const transport = await InProcessTransport.local(createOcssd20Device, config);
  const host = await NvmeHost.attach(transport);
  await host.createIoQueues(1, 64);
  return { host, dev: await Ocssd20ChunkDevice.open(host, 1) };
}

const written = (v: FtlVolume): number => v.ftl.stats.mediaSectors;

async function run(v: FtlVolume, count: number, pick: () => number, buf: Uint8Array): Promise<void> {
  for (let i = 0; i < count; i += QD) {
    const batch: Promise<void>[] = [];
    for (let k = 0; k < QD && i + k < count; k++) {
      const lba = pick();
      batch.push(v.write(lba * 4096, buf.subarray(k * 4096, (k + 1) * 4096)));
    }
    await Promise.all(batch);
  }
}

export async function runFtlBench(o: FtlBenchOptions = {}): Promise<WaRow[]> {
  const out = o.out ?? console.log;
  const device = o.device ?? BENCH_DEVICE;
  const passes = o.passes ?? 2;
  out('ftl bench: write amplification of the pblk-like FTL on the OCSSD 2.0 device (in-process transport)');
  printPairs(environmentPairs(), out);
  const rows: WaRow[] = [];
  const table = new TablePrinter([{ title: 'workload', width: 22 }, { title: 'GC policy', width: 12 }, { title: 'user MiB', width: 9 }, { title: 'WA (2x)', width: 8 }, { title: 'WA steady', width: 9 }, { title: 'greedy model', width: 12 }, { title: 'model - 1.5 lines', width: 17 }, { title: 'seconds', width: 7 }], out);
  let headerDone = false;
  for (const [workload, hot] of [['uniform random 4 KiB', false], ['hot/cold 80/20', true]] as const) {
    for (const policy of ['greedy', 'cost-benefit'] as const) {
      const { host, dev } = await open(device);
      try {
        const v = await createTarget(dev, { name: 'bench', puBegin: 0, puEnd: dev.geometry.numGroups * dev.geometry.numPu - 1, gcPolicy: policy });
        const cap = v.size / 4096;
        const raw = v.ftl.rawDataSectors();
        if (!headerDone) {
          out('');
          printPairs(
            [
              ['device', device],
              ['target', `${v.ftl.shape.nPus} PUs x ${v.ftl.shape.lines} lines, capacity ${fmtInt(cap)} sectors (${fmtFixed(v.size / 2 ** 20, 1)} MiB), OP ${v.info.op} %`],
              ['raw data sectors (lines x data per line)', `${fmtInt(raw)}; user fraction ${fmtFixed(cap / raw, 3)}`],
            ],
            out,
          );
          out('');
          table.header();
          headerDone = true;
        }
        const buf = new Uint8Array(QD * 4096);
        for (let i = 0; i < buf.length; i += 4) buf[i] = i & 0xff;
        const t0 = performance.now();
        let seq = 0;
        await run(v, cap, () => seq++, buf);
        const rnd = xorshift32(12345);
        const hotSet = Math.max(1, Math.floor(cap / 5));
        const pick = hot ? () => (rnd() % 10 < 8 ? rnd() % hotSet : hotSet + (rnd() % (cap - hotSet))) : () => rnd() % cap;
        const total = Math.floor(cap * passes);
        const u0 = v.ftl.stats.userSectors;
        const m0 = written(v);
        await run(v, Math.floor(total / 2), pick, buf);
        const u1 = v.ftl.stats.userSectors;
        const m1 = written(v);
        await run(v, total - Math.floor(total / 2), pick, buf);
        await v.flush();
        const u2 = v.ftl.stats.userSectors;
        const m2 = written(v);
        const row: WaRow = { workload, policy, waAll: (m2 - m0) / (u2 - u0), waSteady: (m2 - m1) / (u2 - u1), model: greedyWaModel(cap / raw), modelReserve: greedyWaModel(cap / (raw - 1.5 * (raw / v.ftl.rawLines()))), seconds: (performance.now() - t0) / 1000 };
        rows.push(row);
        table.row([workload, policy, fmtFixed(((u2 - u0) * 4096) / 2 ** 20, 0), fmtFixed(row.waAll, 2), fmtFixed(row.waSteady, 2), hot ? `(${fmtFixed(row.model, 2)} unif.)` : fmtFixed(row.model, 2), hot ? `(${fmtFixed(row.modelReserve, 2)} unif.)` : fmtFixed(row.modelReserve, 2), fmtFixed(row.seconds, 1)]);
        await v.close();
      } finally {
        await host.close();
      }
    }
  }
  out('');
  out('  The plain model counts all spare space as room for invalid data; the FTL keeps one line free for');
  out('  GC and has a part-filled open line, so the second column takes 1.5 lines out of the spare first.');
  out('  The rate limiter also keeps room for the emptiest victim plus a reserve for recovery padding.');
  return rows;
}

const QUICK_DEVICE = 'nvme,lver=2,num_grp=1,num_pu=4,num_chk=16,clba=64,ws_min=4,ws_opt=8,mw_cunits=0,ms=16';

await benchMain(import.meta.url, 'ftl bench', ['--quick', '--no-nbd'], async (seconds, on) => {
  const quick = on.has('--quick');
  await runFtlBench(quick ? { device: QUICK_DEVICE, passes: 1 } : {});
  // NBD throughput of a pblk target against nbdkit memory, same run (needs fio, nbdcopy, nbdkit).
  if (!on.has('--no-nbd')) await runFtlNbdBench(quick ? QUICK_DEVICE : BENCH_DEVICE, seconds);
});
