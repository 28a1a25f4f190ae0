// `ocssd fault ...` and `ocssd chunk-log`: run-time fault injection on an OCSSD 2.0 namespace of
// a running server, and the chunk information log where its effects show.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { controlClient } from './client.js';

const num = (name: string) => (text: string): number => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} ${text}: allowed a number >= 0`);
  return n;
};

/** "0:1:2" as {grp, pu, chk}. */
const chunkArg = (text: string): { grp: number; pu: number; chk: number } => {
  const m = /^(\d+):(\d+):(\d+)$/.exec(text);
  if (m === null) throw new InvalidArgumentError(`chunk ${text}: write it grp:pu:chk, e.g. 0:1:2`);
  return { grp: Number(m[1]), pu: Number(m[2]), chk: Number(m[3]) };
};

interface FaultJson {
  id: number;
  kind: string;
  chunk?: { grp: number; pu: number; chk: number };
  sec?: number;
  trigger: { mode: string; after?: number; times?: number | null; probability?: number; seed?: number };
  seen: number;
  fired: number;
}

export function formatFaults(list: readonly FaultJson[]): string[] {
  if (list.length === 0) return ['no fault rules armed'];
  return list.map((f) => {
    const where = f.chunk === undefined ? 'every chunk' : `chunk ${f.chunk.grp}:${f.chunk.pu}:${f.chunk.chk}${f.sec !== undefined ? ` sector ${f.sec}` : ''}`;
    const t = f.trigger;
    const when = t.mode === 'probability' ? `probability ${t.probability} (seed ${t.seed})` : `after ${t.after ?? 0}, ${t.times === null ? 'always' : `${t.times ?? 1} time(s)`}`;
    return `${String(f.id).padStart(4)}  ${f.kind.padEnd(15)} ${where}, ${when}; seen ${f.seen}, fired ${f.fired}`;
  });
}

const serverOpt = () => new Option('--server <host:port>', 'control API address (default 127.0.0.1:7411, or $OCSSD_SERVER)');
const output = () => new Option('-o, --output-format <fmt>', 'normal or json').choices(['normal', 'json']).default('normal');
const enc = encodeURIComponent;

export function addFaultCommands(program: Command, out: (line: string) => void): void {
  const fault = program.command('fault').description('run-time fault injection on an OCSSD 2.0 namespace of a running server');
  fault
    .command('add')
    .description('arm a fault rule')
    .requiredOption('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .addOption(new Option('-k, --kind <kind>', 'what fails').choices(['program-fail', 'erase-fail', 'uncorrectable', 'high-ecc', 'write-next-unit']).makeOptionMandatory())
    .option('-c, --chunk <grp:pu:chk>', 'only this chunk (default: every chunk)', chunkArg)
    .option('-s, --sector <n>', 'only this sector of the chunk', num('sector'))
    .option('--after <n>', 'let this many matching operations pass first', num('after'))
    .option('--times <n>', 'fire this many times (0 = always; default 1)', num('times'))
    .option('--probability <p>', 'fire on each match with this probability (0..1] instead of counting', num('probability'))
    .option('--seed <n>', 'seed of the probability draw', num('seed'), 1)
    .addOption(output())
    .addOption(serverOpt())
    .action(async (o: { deviceName: string; kind: string; chunk?: object; sector?: number; after?: number; times?: number; probability?: number; seed: number; outputFormat: string; server?: string }) => {
      const trigger = o.probability !== undefined ? { mode: 'probability', probability: o.probability, seed: o.seed } : { mode: 'count', after: o.after ?? 0, times: o.times ?? 1 };
      const r = await controlClient(o.server).post<{ id: number }>(`/api/v1/devices/${enc(o.deviceName)}/faults`, { kind: o.kind, chunk: o.chunk, sec: o.sector, trigger });
      out(o.outputFormat === 'json' ? JSON.stringify(r, null, 2) : `fault rule ${r.id} armed`);
    });
  fault
    .command('list')
    .description('armed fault rules, with how often each matched and fired')
    .requiredOption('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .addOption(output())
    .addOption(serverOpt())
    .action(async (o: { deviceName: string; outputFormat: string; server?: string }) => {
      const list = await controlClient(o.server).get<FaultJson[]>(`/api/v1/devices/${enc(o.deviceName)}/faults`);
      if (o.outputFormat === 'json') out(JSON.stringify(list, null, 2));
      else for (const l of formatFaults(list)) out(l);
    });
  fault
    .command('rm')
    .description('disarm one rule (by id), or every rule with --all')
    .requiredOption('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .option('--id <n>', 'the rule', num('id'))
    .option('--all', 'every rule')
    .addOption(serverOpt())
    .action(async (o: { deviceName: string; id?: number; all?: boolean; server?: string }) => {
      if ((o.id === undefined) === (o.all !== true)) throw new InvalidArgumentError('give either --id <n> or --all');
      const c = controlClient(o.server);
      await c.delete(`/api/v1/devices/${enc(o.deviceName)}/faults${o.all === true ? '' : `/${o.id}`}`);
    });

  program
    .command('chunk-log')
    .description('the OCSSD 2.0 chunk information log (0xCA) of a device: state, type, wear index, write pointer')
    .requiredOption('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .option('--first <n>', 'first chunk (flat index)', num('first'))
    .option('--count <n>', 'chunks to show', num('count'))
    .addOption(output())
    .addOption(serverOpt())
    .action(async (o: { deviceName: string; first?: number; count?: number; outputFormat: string; server?: string }) => {
      const q = new URLSearchParams();
      if (o.first !== undefined) q.set('first', String(o.first));
      if (o.count !== undefined) q.set('count', String(o.count));
      const list = await controlClient(o.server).get<{ index: number; grp: number; pu: number; chk: number; state: string; sequential: boolean; wli: number; wp: number | null }[]>(`/api/v1/devices/${enc(o.deviceName)}/chunks?${q}`);
      if (o.outputFormat === 'json') return out(JSON.stringify(list, null, 2));
      out('chunk  grp  pu   chk  state    type  wli  wp');
      for (const c of list) out(`${String(c.index).padStart(5)}  ${String(c.grp).padStart(3)}  ${String(c.pu).padStart(3)}  ${String(c.chk).padStart(4)}  ${c.state.padEnd(7)}  ${c.sequential ? 'SEQ ' : 'RAN '}  ${String(c.wli).padStart(3)}  ${c.wp === null ? '-' : c.wp}`);
    });
}
