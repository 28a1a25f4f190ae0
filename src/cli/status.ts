// `ocssd status` and `ocssd lsblk`: what a running server serves, the second in lsblk's shape
// (NAME MAJ:MIN RM SIZE RO TYPE MOUNTPOINT) so the tutorial's transcript reads the same.
import type { Command } from 'commander';
import { type NamespaceInfo, lsblkSize } from '../server/index.js';
import { controlClient } from './client.js';

interface DeviceJson {
  name: string;
  kind: string;
  nqn: string;
  namespaces: NamespaceInfo[];
}

export interface TargetJson {
  name: string;
  device: string;
  bytes: number;
}

export function lsblkLines(devices: readonly DeviceJson[], targets: readonly TargetJson[]): string[] {
  // Linux numbers NVMe namespaces 259:0, 259:1, ... in probe order, and pblk targets after them.
  const rows: string[][] = [];
  let minor = 0;
  for (const d of devices) for (const ns of d.namespaces) rows.push([ns.name, `259:${minor++}`, '0', lsblkSize(ns.bytes), '0', 'disk', '']);
  for (const t of targets) rows.push([t.name, `259:${minor++}`, '0', lsblkSize(t.bytes), '0', 'disk', '']);
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!));
  const head = ['NAME', 'MAJ:MIN', 'RM', 'SIZE', 'RO', 'TYPE', 'MOUNTPOINT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' ').trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

export function addStatusCommands(program: Command, out: (line: string) => void): void {
  program
    .command('status')
    .description('what a running server serves and where it listens')
    .option('--server <host:port>', 'control API address (default 127.0.0.1:7411, or $OCSSD_SERVER)')
    .option('-o, --output-format <fmt>', 'normal or json', 'normal')
    .action(async (o: { server?: string; outputFormat: string }) => {
      const s = await controlClient(o.server).get<{ pid: number; uptimeSeconds: number; dataDir: string; listeners: Record<string, string | null>; devices: DeviceJson[] }>('/api/v1/status');
      if (o.outputFormat === 'json') return out(JSON.stringify(s, null, 2));
      out(`ocssd server pid ${s.pid}, up ${s.uptimeSeconds} s, data in ${s.dataDir}`);
      for (const [k, v] of Object.entries(s.listeners)) out(`  ${k}: ${v ?? 'off'}`);
      for (const d of s.devices) out(`  ${d.name}: ${d.kind}, ${d.nqn}, namespaces ${d.namespaces.map((n) => `${n.name} ${lsblkSize(n.bytes)}`).join(', ')}`);
    });

  program
    .command('lsblk')
    .description("block devices of a running server, as lsblk shows them to a host: namespaces and pblk targets")
    .option('--server <host:port>', 'control API address (default 127.0.0.1:7411, or $OCSSD_SERVER)')
    .option('-o, --output-format <fmt>', 'normal or json', 'normal')
    .action(async (o: { server?: string; outputFormat: string }) => {
      const c = controlClient(o.server);
      const devices = await c.get<DeviceJson[]>('/api/v1/devices');
      const targets = await c.get<TargetJson[]>('/api/v1/targets').catch(() => [] as TargetJson[]);
      if (o.outputFormat === 'json') return out(JSON.stringify({ blockdevices: [...devices.flatMap((d) => d.namespaces.map((n) => ({ name: n.name, size: n.bytes, type: 'disk' }))), ...targets.map((t) => ({ name: t.name, size: t.bytes, type: 'disk' }))] }, null, 2));
      for (const l of lsblkLines(devices, targets)) out(l);
    });
}
