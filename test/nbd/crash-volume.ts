// The crash test's default volume: a conventional NVMe namespace over the image file, with a
// volatile write cache, so only Flush and FUA promise durability.
import { type BlockVolume, NamespaceVolume, NvmeHost } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { createNvmeDevice, parseNvmeDevice } from '../../src/server/nvme-device.js';

export async function namespaceCrashVolume(image: string): Promise<BlockVolume> {
  const host = await NvmeHost.attach(await InProcessTransport.local(createNvmeDevice, parseNvmeDevice(`nvme,drive=${image},size=8M,vwc=on`)));
  await host.createIoQueues(2, 64);
  return NamespaceVolume.open(host, 1, { name: 'disk' });
}
