// What `ocssd serve` prints at start and shows in `--help`: the devices it serves, how to
// reach each listener, and every device option of every personality.
import { describeOptions } from './device-options.js';
import { NVME_DEVICE_OPTIONS } from './nvme-device.js';
import { OCSSD12_DEVICE_OPTIONS } from './ocssd12-options.js';
import { OCSSD20_DEVICE_OPTIONS } from './ocssd20-options.js';
import type { OcssdServer } from './ocssd-server.js';
import { TUTORIAL_DEVICE_LINE } from './default-device.js';

const KIND_NAMES = { nvme: 'NVMe (conventional)', ocssd12: 'Open-Channel SSD 1.2', ocssd20: 'Open-Channel SSD 2.0' } as const;

/** lsblk's SIZE column: powers of 1024 with one decimal unless whole ("1022M", "144M", "1.5G"). */
export function lsblkSize(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const text = Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, '');
  return `${text}${units[u]}`;
}


export function describeServer(s: OcssdServer): string[] {
  const lines: string[] = [];
  for (const d of s.devices) {
    lines.push(`${d.name}: ${KIND_NAMES[d.kind]}, subsystem ${d.nqn}`);
    for (const ns of d.namespaces) lines.push(`  ${ns.name}  ${lsblkSize(ns.bytes).padStart(6)}  ${ns.nsze} x ${ns.lbaSize} B blocks`);
  }
  const t = s.listeners.nvmeTcp;
  const disc = s.listeners.discovery;
  if (t !== undefined) {
    lines.push(`NVMe/TCP: ${t.address}:${t.port}${disc !== undefined ? `, discovery ${disc.address}:${disc.port}` : ''} (nvme discover -t tcp -a ${t.address} -s ${disc?.port ?? t.port}; nvme connect -t tcp -a ${t.address} -s ${t.port} -n ${s.devices[0]?.nqn ?? '<nqn>'})`);
  } else lines.push('NVMe/TCP: off');
  const n = s.listeners.nbd;
  lines.push(n !== undefined ? `NBD: ${n.address}:${n.port}, exports ${s.nbd!.list().map((e) => e.name).join(', ') || '(none yet: ocssd lnvm create ... adds pblk targets)'} (nbdinfo nbd://${n.address}:${n.port}/<export>)` : 'NBD: off');
  const c = s.listeners.control;
  lines.push(c !== undefined ? `control API: http://${c.address}:${c.port}/api/v1 (ocssd lnvm list, ocssd lsblk${c.port === 7411 ? '' : ` --server ${c.address}:${c.port}`})` : 'control API: off');
  lines.push('stop with Ctrl-C (SIGINT) or SIGTERM: device state is flushed');
  return lines;
}

/** `ocssd serve --help`'s device part. */
export function deviceHelp(): string[] {
  return [
    '',
    "Device lines use the original emulator's -device syntax: nvme,key=value,...",
    `The tutorial's line: ${TUTORIAL_DEVICE_LINE}`,
    '',
    'lver picks the personality: 0 (default) conventional NVMe, 1 OCSSD 1.2, 2 OCSSD 2.0.',
    '',
    'Device options, conventional (lver=0):',
    ...describeOptions(NVME_DEVICE_OPTIONS),
    '',
    'Device options, OCSSD 1.2 (lver=1):',
    ...describeOptions(OCSSD12_DEVICE_OPTIONS),
    '',
    'Device options, OCSSD 2.0 (lver=2):',
    ...describeOptions(OCSSD20_DEVICE_OPTIONS),
  ];
}
