// Child of crash.test.ts: a conventional NVMe device over a file image (volatile write cache on,
// so only Flush / FUA promise durability), its namespace 1 exported over NBD on a free port.
// Prints "port N" once listening, then serves until the parent kills it with SIGKILL.
import { NbdServer } from '../../src/nbd/index.js';
import { NamespaceVolume, NvmeHost } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { createNvmeDevice, parseNvmeDevice } from '../../src/server/nvme-device.js';

const [image] = process.argv.slice(2) as [string];
const host = await NvmeHost.attach(await InProcessTransport.local(createNvmeDevice, parseNvmeDevice(`nvme,drive=${image},size=8M,vwc=on`)));
await host.createIoQueues(2, 64);
const volume = await NamespaceVolume.open(host, 1, { name: 'disk' });
const server = new NbdServer({ port: 0, log: (m) => process.stderr.write(`${m}\n`) });
server.addExport(volume);
process.stdout.write(`port ${await server.listen()}\n`);
