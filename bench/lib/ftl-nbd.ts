// The NBD half of `npm run bench:ftl`: a pblk target over every PU of an OCSSD 2.0 device
// (in-process transport, memory media) exported over NBD, measured with fio and nbdcopy beside
// `nbdkit memory` of the same size in the same run (bench/nbd.bench.ts does the measuring).
import { NvmeHost } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { createOcssd20Device, parseOcssd20Device } from '../../src/server/index.js';
import { Ocssd20ChunkDevice, createTarget } from '../../src/ftl/index.js';
import { type NbdBenchRow, runNbdBench, serveVolume } from '../nbd.bench.js';
import type { Out } from './report.js';

export async function runFtlNbdBench(device: string, seconds: number, out: Out = console.log): Promise<NbdBenchRow[]> {
  const transport = await InProcessTransport.local(createOcssd20Device, parseOcssd20Device(device), { memoryBytes: 96 << 20 });
  const host = await NvmeHost.attach(transport);
  try {
    await host.createIoQueues(4, 256);
    const dev = await Ocssd20ChunkDevice.open(host, 1);
    const volume = await createTarget(dev, { name: 'pblk0', puBegin: 0, puEnd: dev.geometry.numGroups * dev.geometry.numPu - 1 });
    out('');
    return await runNbdBench({ seconds, out, ours: () => serveVolume(volume, 'ocssd pblk target') });
  } finally {
    await host.close();
  }
}
