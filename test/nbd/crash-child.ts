// Child of crash.test.ts: a BlockVolume over a file image, exported over NBD on a free port.
// Prints "port N" once listening, then serves until the parent kills it with SIGKILL.
// Default volume: a conventional NVMe namespace over the image with a volatile write cache (so
// only Flush / FUA promise durability). Another volume (an FTL target) plugs in as a module URL
// and the name of its export `(image: string) => Promise<BlockVolume>` (crash.test.ts passes
// OCSSD_NBD_CRASH_VOLUME=<module-url>#<export>).
import { NbdServer } from '../../src/nbd/index.js';
import type { BlockVolume } from '../../src/host/index.js';
import { namespaceCrashVolume } from './crash-volume.js';

const [image, factory] = process.argv.slice(2) as [string, string | undefined];
let volume: BlockVolume;
if (factory === undefined || factory === '') {
  volume = await namespaceCrashVolume(image);
} else {
  const [url, name] = factory.split('#') as [string, string | undefined];
  const mod = (await import(url)) as Record<string, unknown>;
  const make = mod[name ?? 'openCrashVolume'];
  if (typeof make !== 'function') throw new Error(`${url} has no function export ${name ?? 'openCrashVolume'}`);
  volume = await (make as (image: string) => Promise<BlockVolume>)(image);
}
const server = new NbdServer({ port: 0, log: (m) => process.stderr.write(`${m}\n`) });
server.addExport(volume, { name: 'disk' });
process.stdout.write(`port ${await server.listen()}\n`);
