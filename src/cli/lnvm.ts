// `ocssd lnvm ...`: nvme-cli 1.x's LightNVM commands (list, info, id-ns, create, remove,
// diag-bbtbl, diag-set-bbtbl) against a running server, with the same flags and the same
// output, so the seed tutorial reads the same with ocssd in place of the guest kernel. Each
// command also prints JSON with `-o json` (for `create`, whose -o is nvme-cli's
// over-provisioning, `-o json` is recognised too and `--output-format json` always works).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ClientError, controlClient } from './client.js';

type Version = [number, number, number];
const v = (x: Version) => `(${x.join(',')})`;

export interface LnvmDevice {
  name: string;
  bmname: string;
  bmversion: Version;
}

export interface LnvmInfo {
  version: Version;
  targetTypes: { name: string; version: Version }[];
}

export interface BbtJson {
  verid: number;
  revid: number;
  tblks: number;
  tfact: number;
  tgrown: number;
  tdresv: number;
  thresv: number;
  /** One value per (block, plane): index blk * planes + pln. */
  entries: number[];
  planes: number;
}

/** nvme-cli's `lnvm list` (printf "%-12s\t%-12s\tVersion"). */
export function formatList(devices: readonly LnvmDevice[]): string[] {
  return [`Number of devices: ${devices.length}`, `${'Device'.padEnd(12)}\t${'Block manager'.padEnd(12)}\tVersion`, ...devices.map((d) => `${d.name.padEnd(12)}\t${d.bmname.padEnd(12)}\t${v(d.bmversion)}`)];
}

/** nvme-cli's `lnvm info`. */
export function formatInfo(i: LnvmInfo): string[] {
  return [`LightNVM ${v(i.version)}. ${i.targetTypes.length} target type(s) registered.`, 'Type\tVersion', ...i.targetTypes.map((t) => `${t.name}\t${v(t.version)}`)];
}

const BBT_VALUE_NAMES: Readonly<Record<number, string>> = { 1: 'factory bad', 2: 'grown bad', 4: 'device reserved', 8: 'host reserved' };

/** nvme-cli's `lnvm diag-bbtbl` statistics, then the entries that are not good. */
export function formatBbt(b: BbtJson): string[] {
  const hex = (n: number) => `0x${n.toString(16)}`;
  const lines = ['LightNVM Bad Block Stats:', `verid    : ${hex(b.verid)}`, `tblks    : ${b.tblks}`, `tfact    : ${b.tfact}`, `tgrown   : ${b.tgrown}`, `tdresv   : ${b.tdresv}`, `thresv   : ${b.thresv}`];
  const bad = b.entries.flatMap((e, i) => (e === 0 ? [] : [`  blk ${Math.floor(i / b.planes)} pln ${i % b.planes}: ${hex(e)} ${BBT_VALUE_NAMES[e] ?? 'bad'}`]));
  lines.push(bad.length === 0 ? 'All blocks good.' : `Blocks not good (${bad.length}):`, ...bad);
  return lines;
}

const intArg = (name: string, max = 0xffff) => (text: string): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max) throw new InvalidArgumentError(`${name} ${text}: allowed an integer 0..${max}`);
  return n;
};

interface Common {
  server?: string;
  outputFormat: string;
}

/**
 * The device of id-ns / diag-bbtbl / diag-set-bbtbl: `-d nvme0n1`, or positional as nvme-cli
 * takes it (`nvme lnvm id-ns /dev/nvme0n1`); a /dev/ prefix names the same device.
 */
export function deviceOf(positional: string | undefined, option: string | undefined): string {
  if (positional !== undefined && option !== undefined && positional.replace(/^\/dev\//, '') !== option.replace(/^\/dev\//, '')) {
    throw new ClientError(`device given twice: '${positional}' and -d '${option}'`);
  }
  const name = positional ?? option;
  if (name === undefined) throw new ClientError('a device is needed: -d nvme0n1 (or nvme0n1 / /dev/nvme0n1 as the argument)');
  return name.replace(/^\/dev\//, '');
}

const output = () => new Option('-o, --output-format <fmt>', 'normal or json').choices(['normal', 'json']).default('normal');
const serverOpt = () => new Option('--server <host:port>', 'control API address (default 127.0.0.1:7411, or $OCSSD_SERVER)');
const enc = encodeURIComponent;

export function addLnvmCommands(program: Command, out: (line: string) => void): void {
  const lnvm = program.command('lnvm').description("LightNVM management as nvme-cli 1.x's `nvme lnvm` does it, against a running server");
  const print = (fmt: string, value: unknown, text: () => string[]) => (fmt === 'json' ? out(JSON.stringify(value, null, 2)) : text().forEach((l) => out(l)));

  lnvm
    .command('list')
    .description('Open-Channel devices the server registered (block manager and version as the kernel reports them)')
    .addOption(output())
    .addOption(serverOpt())
    .action(async (o: Common) => {
      const devices = await controlClient(o.server).get<LnvmDevice[]>('/api/v1/lnvm/devices');
      print(o.outputFormat, devices, () => formatList(devices));
    });

  lnvm
    .command('info')
    .description('the LightNVM subsystem version and the registered target types')
    .addOption(output())
    .addOption(serverOpt())
    .action(async (o: Common) => {
      const info = await controlClient(o.server).get<LnvmInfo>('/api/v1/lnvm/info');
      print(o.outputFormat, info, () => formatInfo(info));
    });

  lnvm
    .command('id-ns')
    .description('the Open-Channel identity (1.2) or geometry (2.0) of a device')
    .argument('[device]', 'device as nvme-cli takes it: nvme0n1 or /dev/nvme0n1')
    .option('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .option('-H, --human-readable', 'explain the capability and mode bits')
    .addOption(output())
    .addOption(serverOpt())
    .action(async (device: string | undefined, o: Common & { deviceName?: string; humanReadable?: boolean }) => {
      const name = deviceOf(device, o.deviceName);
      const id = await controlClient(o.server).get<{ lines: string[] }>(`/api/v1/lnvm/devices/${enc(name)}/identity${o.humanReadable === true ? '?human=1' : ''}`);
      print(o.outputFormat, id, () => id.lines);
    });

  lnvm
    .command('create')
    .description('create a target (pblk) over a range of LUNs of a device')
    .requiredOption('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .requiredOption('-n, --target-name <name>', 'name of the new block device, e.g. mydevice')
    .requiredOption('-t, --target-type <type>', 'target type: pblk')
    .option('-b, --lun-begin <n>', 'first LUN', intArg('lun-begin'), 0)
    .option('-e, --lun-end <n>', 'last LUN (default: the last of the device)', intArg('lun-end'))
    .option('-o, --over-prov <pct>', 'over-provisioning in percent (default 11, as pblk); -o json prints JSON')
    .option('-f, --factory', 'start empty instead of recovering a target that was on these LUNs')
    .addOption(new Option('--output-format <fmt>', 'normal or json').choices(['normal', 'json']).default('normal'))
    .addOption(serverOpt())
    .action(async (o: Common & { deviceName: string; targetName: string; targetType: string; lunBegin: number; lunEnd?: number; overProv?: string; factory?: boolean }) => {
      let fmt = o.outputFormat;
      let op: number | undefined;
      if (o.overProv === 'json' || o.overProv === 'normal') fmt = o.overProv;
      else if (o.overProv !== undefined) op = intArg('over-prov', 99)(o.overProv);
      const body = { device: o.deviceName, name: o.targetName, type: o.targetType, lunBegin: o.lunBegin, lunEnd: o.lunEnd, op, factory: o.factory === true };
      const t = await controlClient(o.server).post('/api/v1/targets', body);
      if (fmt === 'json') out(JSON.stringify(t, null, 2)); // nvme-cli prints nothing on success
    });

  lnvm
    .command('remove')
    .description('remove a target (its data stays on the device until the LUNs are reused)')
    .requiredOption('-n, --target-name <name>', 'target name')
    .addOption(output())
    .addOption(serverOpt())
    .action(async (o: Common & { targetName: string }) => {
      const r = await controlClient(o.server).delete(`/api/v1/targets/${enc(o.targetName)}`);
      if (o.outputFormat === 'json') out(JSON.stringify(r, null, 2));
    });

  lnvm
    .command('diag-bbtbl')
    .description('read the bad block table of one LUN (OCSSD 1.2 Get Bad Block Table)')
    .argument('[device]', 'device as nvme-cli takes it: nvme0n1 or /dev/nvme0n1')
    .option('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .option('-c, --channel-id <n>', 'channel', intArg('channel-id', 0xff), 0)
    .option('-l, --lun-id <n>', 'LUN in the channel', intArg('lun-id', 0xff), 0)
    .addOption(output())
    .addOption(serverOpt())
    .action(async (device: string | undefined, o: Common & { deviceName?: string; channelId: number; lunId: number }) => {
      const b = await controlClient(o.server).get<BbtJson>(`/api/v1/lnvm/devices/${enc(deviceOf(device, o.deviceName))}/bbt?ch=${o.channelId}&lun=${o.lunId}`);
      print(o.outputFormat, b, () => formatBbt(b));
    });

  lnvm
    .command('diag-set-bbtbl')
    .description('mark one block of the bad block table (OCSSD 1.2 Set Bad Block Table)')
    .argument('[device]', 'device as nvme-cli takes it: nvme0n1 or /dev/nvme0n1')
    .option('-d, --device-name <name>', 'device, e.g. nvme0n1')
    .option('-c, --channel-id <n>', 'channel', intArg('channel-id', 0xff), 0)
    .option('-l, --lun-id <n>', 'LUN in the channel', intArg('lun-id', 0xff), 0)
    .option('-p, --plane-id <n>', 'plane', intArg('plane-id', 0xff), 0)
    .requiredOption('-b, --block-id <n>', 'block', intArg('block-id'))
    .requiredOption('-v, --value <n>', 'value: 0 good, 1 factory bad, 2 grown bad, 4 device reserved, 8 host reserved', intArg('value', 0xff))
    .addOption(output())
    .addOption(serverOpt())
    .action(async (device: string | undefined, o: Common & { deviceName?: string; channelId: number; lunId: number; planeId: number; blockId: number; value: number }) => {
      const r = await controlClient(o.server).put(`/api/v1/lnvm/devices/${enc(deviceOf(device, o.deviceName))}/bbt`, { ch: o.channelId, lun: o.lunId, pln: o.planeId, blk: o.blockId, value: o.value });
      if (o.outputFormat === 'json') out(JSON.stringify(r, null, 2));
    });
}
