// `ocssd probe`: builds a device from its option line, attaches the host library to it through
// the in-process transport (in a worker thread, as a real device runs beside its host) and
// reports what a host sees — `nvme list` and the essentials of `nvme id-ctrl` / `id-ns`.
import { NvmeHost, type IdentifyController, type IdentifyNamespace } from '../host/index.js';
import { InProcessTransport, type PciTransport } from '../transport/index.js';
import { NVME_DEVICE_MODULE, type NvmeDeviceConfig, createNvmeDevice } from './nvme-device.js';

export interface ProbeResult {
  readonly controller: IdentifyController;
  readonly namespaces: readonly { nsid: number; id: IdentifyNamespace }[];
}

/** Attaches to a device built from `config`, identifies it and everything it holds, and detaches cleanly. */
export async function probeNvmeDevice(config: NvmeDeviceConfig, mode: 'local' | 'worker' = 'worker'): Promise<ProbeResult> {
  const transport: PciTransport =
    mode === 'local'
      ? await InProcessTransport.local(createNvmeDevice, config)
      : await InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice', args: config });
  let host: NvmeHost | undefined;
  try {
    host = await NvmeHost.attach(transport);
    const namespaces = [];
    for (const nsid of await host.activeNamespaces()) namespaces.push({ nsid, id: await host.identifyNamespace(nsid) });
    return { controller: host.controller!, namespaces };
  } finally {
    if (host !== undefined) await host.close();
    else await transport.close();
  }
}

const hex = (n: number, width = 4): string => `0x${n.toString(16).padStart(width, '0')}`;
const bytes = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(2)} MiB`);

/** The report `ocssd probe` prints. */
export function describeProbe(p: ProbeResult): string[] {
  const c = p.controller;
  const lines = [
    `controller: ${c.mn.trim()}, serial ${c.sn.trim()}, firmware ${c.fr.trim()}, NVMe ${c.ver >>> 16}.${(c.ver >>> 8) & 0xff}`,
    `  vid ${hex(c.vid)} ssvid ${hex(c.ssvid)} cntlid ${c.cntlid}, mdts ${c.mdts} (${c.mdts === 0 ? 'no limit' : `${(2 ** c.mdts * 4) / 1024} MiB`}), ${c.nn} namespace(s)`,
    `  oacs ${hex(c.oacs)} oncs ${hex(c.oncs)} vwc ${c.vwc} sgls ${hex(c.sgls, 8)} subnqn ${c.subnqn}`,
    'namespaces:',
    '  nsid  size        blocks       format (current*)',
  ];
  for (const { nsid, id } of p.namespaces) {
    const formats = id.lbaFormats.map((f, k) => `${k === id.formatIndex ? '*' : ''}${2 ** f.lbads}${f.ms > 0 ? `+${f.ms}` : ''}`).join(' ');
    lines.push(`  ${String(nsid).padEnd(5)} ${bytes(id.nsze * id.lbaSize).padEnd(11)} ${String(id.nsze).padEnd(12)} ${formats}${id.metadataSize > 0 ? (id.extendedMetadata ? ' (metadata inline)' : ' (metadata via MPTR)') : ''}`);
  }
  return lines;
}
