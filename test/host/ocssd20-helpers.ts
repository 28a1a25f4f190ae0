// Shared by the OCSSD 2.0 host-side tests: a device built from a `-device` line on the in-process
// transport, the host library over it, and the namespace object for fault injection.
import type { TestContext } from 'node:test';
import { NvmeHost, Ocssd20Host } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { createOcssd20Device, parseOcssd20Device } from '../../src/server/index.js';
import type { Ocssd20Namespace } from '../../src/controller/index.js';

export interface Attached {
  readonly host: NvmeHost;
  readonly oc: Ocssd20Host;
  readonly ns: Ocssd20Namespace;
}

/** A small 2.0 geometry: 2 groups x 2 PUs x 4 chunks x 16 sectors of 4 KiB + 16 B OOB. */
export const SMALL = 'nvme,lver=2,num_grp=2,num_pu=2,num_chk=4,clba=16,ws_min=4,ws_opt=8,mw_cunits=0,ms=16';

export async function attach(t: TestContext, line: string): Promise<Attached> {
  const config = parseOcssd20Device(line);
  let ns: Ocssd20Namespace | undefined;
  const transport = await InProcessTransport.local((cfg: typeof config, env) => {
    const d = createOcssd20Device(cfg, env);
    ns = d.namespace;
    return d;
  }, config);
  const host = await NvmeHost.attach(transport);
  t.after(() => host.close());
  await host.createIoQueues(2, 32);
  const oc = await Ocssd20Host.open(host, 1);
  return { host, oc, ns: ns! };
}

/** Sector data naming its LBA and a generation. */
export function sectors(lbas: readonly number[], size: number, gen = 1): Uint8Array {
  const b = new Uint8Array(lbas.length * size);
  lbas.forEach((l, i) => {
    for (let k = 0; k < size; k++) b[i * size + k] = (l * 131 + k * 7 + gen * 29 + (k >> 8)) & 0xff;
  });
  return b;
}

export function oobFor(lbas: readonly number[], ms: number, gen = 1): Uint8Array {
  const b = new Uint8Array(lbas.length * ms);
  lbas.forEach((l, i) => {
    for (let k = 0; k < ms; k++) b[i * ms + k] = (l * 3 + k + gen * 101) & 0xff;
  });
  return b;
}
