// Shared by the OCSSD 1.2 host tests: a 1.2 device from a -device line over the in-process
// transport (local or worker), with its debug lines captured, and sector/OOB patterns.
import type { TestContext } from 'node:test';
import { NvmeHost, Ocssd12Device } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { QueueEngine } from '../../src/controller/index.js';
import { parseNvmeDevice } from '../../src/server/nvme-device.js';
import { OCSSD12_DEVICE_MODULE, createOcssd12Controller } from '../../src/server/ocssd12-device.js';
import type { Ocssd12DeviceConfig } from '../../src/server/ocssd12-options.js';

export const TUTORIAL = 'nvme,serial=deadbeef,namespaces=1,lver=1,lmetasize=16,ll2pmode=0,nlbaf=5,lba_index=3,mdts=10,lnum_lun=16,lnum_pln=2,lsec_size=4096,lsecs_per_pg=4,lpgs_per_blk=512';

/** A small dual-plane device: 1 ch x 2 LUN x 2 pln x 4 blk x 8 pg x 2 sec of 4 KiB, 8 B OOB (in memory unless drive= is given). */
export const SMALL = 'nvme,lver=1,lnum_lun=2,lnum_pln=2,lnum_blk=4,lpgs_per_blk=8,lsecs_per_pg=2,lmetasize=8,size=16M';

export interface Attached {
  readonly host: NvmeHost;
  readonly dev: Ocssd12Device;
  readonly log: string[];
  close(): Promise<void>;
}

export async function attach12(t: TestContext | undefined, line: string, o: { worker?: boolean; nsid?: number } = {}): Promise<Attached> {
  const config = parseNvmeDevice(line) as Ocssd12DeviceConfig;
  const log: string[] = [];
  const transport = o.worker
    ? await InProcessTransport.worker({ module: OCSSD12_DEVICE_MODULE, exportName: 'createOcssd12Device', args: config })
    : await InProcessTransport.local((c: Ocssd12DeviceConfig, env) => {
        const ctrl = createOcssd12Controller(c, { log: (l) => log.push(l) });
        return { engine: new QueueEngine(ctrl, { memory: env.memory, onInterrupt: env.onInterrupt }), close: () => ctrl.close() };
      }, config);
  const host = await NvmeHost.attach(transport);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await host.close();
  };
  t?.after(close);
  await host.createIoQueues(2, 32);
  const dev = await Ocssd12Device.open(host, o.nsid ?? 1);
  return { host, dev, log, close };
}

/** Sector data naming a tag and the sector's place in the command. */
export function sectors(size: number, count: number, tag: number): Uint8Array {
  const b = new Uint8Array(size * count);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < count; k++) for (let i = 0; i < size; i += 4) dv.setUint32(k * size + i, (tag * 0x9e3779b1 + k * 0x85ebca77 + i) >>> 0, true);
  return b;
}

export function oobBytes(sos: number, count: number, tag: number): Uint8Array {
  return Uint8Array.from({ length: sos * count }, (_, i) => (tag * 13 + i * 7 + 1) & 0xff);
}
