// `node dist/bench/ocssd20.bench.js [--seconds N]`: OCSSD 2.0 vector command rates through the
// host library over the in-process transport (timing off, memory image): vector writes of WS_OPT
// sectors and of 64 sectors filling chunks in turn, vector reads of 8 and 64 random written LBAs,
// and chunk resets, at QD 1 and QD 16 (one command per PU in flight at most per chunk stream).
import { NvmeHost, Ocssd20Host } from '../src/host/index.js';
import { InProcessTransport } from '../src/transport/index.js';
import { createOcssd20Device, parseOcssd20Device } from '../src/server/index.js';
import { xorshift32 } from './lib/measure.js';
import { TablePrinter, benchMain, environmentPairs, fmtInt, printPairs, type Out } from './lib/report.js';

const LINE = 'nvme,lver=2,num_grp=2,num_pu=8,num_chk=16,clba=1024,ws_min=4,ws_opt=8,mw_cunits=0,ms=16,mccap=7';

export interface Ocssd20BenchRow {
  readonly op: string;
  readonly qd: number;
  readonly commands: number;
  readonly mibPerSecond: number;
}

export async function runOcssd20Bench(seconds: number, out: Out = console.log): Promise<Ocssd20BenchRow[]> {
  const config = parseOcssd20Device(LINE);
  const transport = await InProcessTransport.local(createOcssd20Device, config);
  const host = await NvmeHost.attach(transport);
  await host.createIoQueues(4, 64);
  const oc = await Ocssd20Host.open(host, 1);
  const g = oc.geometry;
  const pus = g.numGrp * g.numPu;
  printPairs(environmentPairs(), out);
  out(`  device: ${LINE}`);
  const t = new TablePrinter([{ title: 'op', width: 26 }, { title: 'QD', width: 3 }, { title: 'commands/s', width: 10 }, { title: 'MiB/s', width: 8 }], out);
  t.header();
  const rows: Ocssd20BenchRow[] = [];
  // Each in-flight stream owns one PU and fills its chunks in order, resetting them when it wraps.
  const wp = new Map<number, number>();
  const chunkOf = new Map<number, number>();
  const written: number[] = [];
  const run = async (op: string, qd: number, sectorsPer: number, one: (stream: number) => Promise<void>): Promise<void> => {
    let done = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: qd }, async (_, s) => {
        while (performance.now() < end) {
          await one(s);
          done++;
        }
      }),
    );
    const cps = done / seconds;
    const row = { op, qd, commands: done, mibPerSecond: (cps * sectorsPer * oc.lbaSize) / 2 ** 20 };
    rows.push(row);
    t.row([op, String(qd), fmtInt(cps), row.mibPerSecond.toFixed(1)]);
  };
  const write = (n: number) => async (s: number): Promise<void> => {
    const pu = s % pus;
    let chk = chunkOf.get(pu) ?? 0;
    let at = wp.get(pu) ?? 0;
    if (at + n > g.clba) {
      chk = (chk + 1) % g.numChk;
      at = 0;
      const c = oc.pack({ grp: Math.floor(pu / g.numPu), pu: pu % g.numPu, chk, sec: 0 });
      const info = await oc.chunk(oc.unpack(c));
      if (info.state !== 'FREE') Ocssd20Host.check(await oc.vectorReset([c]), 'reset');
      chunkOf.set(pu, chk);
    }
    const base = oc.pack({ grp: Math.floor(pu / g.numPu), pu: pu % g.numPu, chk, sec: at });
    const lbas = Array.from({ length: n }, (_, i) => base + i);
    wp.set(pu, at + n);
    Ocssd20Host.check(await oc.vectorWrite(lbas, data.subarray(0, n * oc.lbaSize), oob.subarray(0, n * oc.ms)), 'write');
    if (written.length < 65536) written.push(...lbas);
  };
  const data = new Uint8Array(64 * oc.lbaSize).fill(0x5a);
  const oob = new Uint8Array(64 * oc.ms).fill(0xa5);
  const rnd = xorshift32(7);
  const read = (n: number) => async (): Promise<void> => {
    const lbas = Array.from({ length: n }, () => written[rnd() % written.length]!);
    Ocssd20Host.check(await oc.vectorRead(lbas), 'read');
  };
  for (const qd of [1, 16]) {
    await run(`vector write ${g.wsOpt} x 4 KiB`, qd, g.wsOpt, write(g.wsOpt));
    await run('vector write 64 x 4 KiB', qd, 64, write(64));
    await run('vector read 8 random', qd, 8, read(8));
    await run('vector read 64 random', qd, 64, read(64));
  }
  await host.close();
  return rows;
}

await benchMain(import.meta.url, 'ocssd20 bench', [], (seconds) => runOcssd20Bench(seconds));
