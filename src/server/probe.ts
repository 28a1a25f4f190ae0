// `ocssd probe`: builds a device from its option line, attaches the host library to it through
// the in-process transport (in a worker thread, as a real device runs beside its host) and
// reports what a host sees — `nvme list` and the essentials of `nvme id-ctrl` / `id-ns`.
import { NvmeHost, Ocssd12Device, Ocssd20Host, type IdentifyController, type IdentifyNamespace, type Ocssd12Identity, type Ocssd20Geometry } from '../host/index.js';
import { InProcessTransport, type PciTransport } from '../transport/index.js';
import { NVME_DEVICE_MODULE, type NvmeDeviceConfig, createNvmeDevice } from './nvme-device.js';

export interface ProbeResult {
  readonly controller: IdentifyController;
  readonly namespaces: readonly { nsid: number; id: IdentifyNamespace }[];
  /** The OCSSD 1.2 identity (admin 0xE2) of each namespace that has one. */
  readonly ocssd12?: readonly { nsid: number; identity: Ocssd12Identity }[];
  /** The OCSSD 2.0 geometry (admin 0xE2) of each namespace that has one. */
  readonly ocssd20?: readonly { nsid: number; geometry: Ocssd20Geometry }[];
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
    const ocssd12 = [];
    const ocssd20 = [];
    for (const nsid of await host.activeNamespaces()) {
      const id = await host.identifyNamespace(nsid);
      namespaces.push({ nsid, id });
      // vs[0] = 1 marks an Open-Channel namespace; identity byte 0 tells 1.2 (1) from 2.0 (2).
      if (id.vs0 === 1 && config.lver === 1) ocssd12.push({ nsid, identity: (await Ocssd12Device.open(host, nsid)).identity });
      if (id.vs0 === 1 && config.lver === 2) ocssd20.push({ nsid, geometry: (await Ocssd20Host.open(host, nsid)).geometry });
    }
    return { controller: host.controller!, namespaces, ...(ocssd12.length > 0 ? { ocssd12 } : {}), ...(ocssd20.length > 0 ? { ocssd20 } : {}) };
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
  for (const { nsid, identity: g } of p.ocssd12 ?? []) lines.push(...describeOcssd12(nsid, g, p.namespaces.find((n) => n.nsid === nsid)?.id));
  for (const { nsid, geometry: g } of p.ocssd20 ?? []) lines.push(...describeOcssd20(nsid, g, p.namespaces.find((n) => n.nsid === nsid)?.id));
  return lines;
}

/** The 1.2 identity as `ocssd probe` prints it: geometry, PPA format, capacity. */
export function describeOcssd12(nsid: number, g: Ocssd12Identity, id?: IdentifyNamespace): string[] {
  const f = g.ppaf;
  const field = (name: string, len: number, off: number): string => `${name} ${len}@${off}`;
  const total = id === undefined ? '' : ` of the namespace's ${bytes(id.nsze * id.lbaSize)}`;
  return [
    `OCSSD 1.2 namespace ${nsid} (identity version ${g.verId}, ${g.cgrps} group, dom ${hex(g.dom, 1)}, cap ${hex(g.cap, 1)}):`,
    `  ${g.numCh} channel(s) x ${g.numLun} LUNs x ${g.numPln} planes x ${g.numBlk} blocks x ${g.numPg} pages x ${g.secsPerPg} sectors of ${g.csecs} B, ${g.sos} B OOB per sector`,
    `  flash page ${g.fpgSz} B, mtype ${g.mtype} fmtype ${g.fmtype}, mpos ${hex(g.mpos, 6)}, mccap ${hex(g.mccap, 1)}`,
    `  PPA format: ${[field('sec', f.secLen, f.secOff), field('pln', f.plnLen, f.plnOff), field('pg', f.pgLen, f.pgOff), field('blk', f.blkLen, f.blkOff), field('lun', f.lunLen, f.lunOff), field('ch', f.chLen, f.chOff)].join(', ')}`,
    `  reachable through PPAs: ${bytes(g.totalBytes)} (${g.totalSectors} sectors)${total}`,
    `  timings (ns): read ${g.trdt}/${g.trdm}, program ${g.tprt}/${g.tprm}, erase ${g.tbet}/${g.tbem} (typical/max)`,
  ];
}

/** The 2.0 geometry as `ocssd probe` prints it. */
export function describeOcssd20(nsid: number, g: Ocssd20Geometry, id?: IdentifyNamespace): string[] {
  const f = g.lbaf;
  const sector = id === undefined ? '' : ` of ${id.lbaSize} B${id.metadataSize > 0 ? ` + ${id.metadataSize} B OOB` : ''}`;
  return [
    `OCSSD 2.0 namespace ${nsid} (geometry ${g.mjr}.${g.mnr}, mccap ${hex(g.mccap, 1)}, wit ${g.wit}):`,
    `  ${g.numGrp} group(s) x ${g.numPu} PUs x ${g.numChk} chunks x ${g.clba} blocks${sector}`,
    `  ws_min ${g.wsMin} ws_opt ${g.wsOpt} mw_cunits ${g.mwCunits} maxoc ${g.maxoc} maxocpu ${g.maxocpu}`,
    `  LBA format: grp ${f.grpLen} pu ${f.puLen} chk ${f.chkLen} sec ${f.lbaLen} bits; tRD ${g.trdt} ns, tWR ${g.twrt} ns, tCRS ${g.tcrst} ns (typical)`,
  ];
}
