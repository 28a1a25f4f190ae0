// Child of crash.test.ts: opens the FTL target on a file-backed device and writes at random,
// a few writes in flight at a time, with a flush every so often, until the parent kills it.
// Log (synchronous appends): "W lba version" before a write is issued, "F" after a flush
// returned: every W above an F was acknowledged before that flush.
import { openSync, writeSync } from 'node:fs';
import { ChunkReportState, openTarget } from '../../src/ftl/index.js';
import { FaultKind, openMedia } from '../../src/media/index.js';
import { MediaChunkDevice } from './media-device.js';
import { CRASH_PUS, MAX_RETIRED, fillBlock } from './crash-common.js';
import { xorshift } from './helpers.js';

const [path, logPath, seedText, baseText] = process.argv.slice(2) as [string, string, string, string];
const seed = Number(seedText);
let version = Number(baseText);
const media = openMedia({ kind: 'file', path });
const dev = new MediaChunkDevice(media, { wsMin: 4, wsOpt: 8, jitterSeed: seed });
// Rare program failures, so re-writes elsewhere cross kill points too. A failed chunk retires at
// its next erase, and the device's spare is about 17 chunks: once MAX_RETIRED have gone, the
// runs go on without failures (this tests crash safety, not the end of the spare).
const retired = (await dev.chunkReport()).filter((c) => c.state === ChunkReportState.OFFLINE).length;
if (retired < MAX_RETIRED) media.faults.add({ kind: FaultKind.PROGRAM_FAIL, trigger: { mode: 'probability', probability: 0.00002, seed } });
const vol = await openTarget(dev, CRASH_PUS);
const cap = vol.size / 4096;
const log = openSync(logPath, 'a');
const rnd = xorshift(seed);
const bufs = Array.from({ length: 8 }, () => new Uint8Array(4 * 4096));
process.stdout.write('ready\n');

for (let round = 0; ; round++) {
  const inFlight: Promise<void>[] = [];
  const n = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < n; k++) {
    const blocks = 1 + Math.floor(rnd() * 4);
    const lba = Math.floor(rnd() * (cap - blocks));
    let line = '';
    for (let b = 0; b < blocks; b++) {
      fillBlock(bufs[k]!, b * 4096, lba + b, ++version);
      line += `W ${lba + b} ${version}\n`;
    }
    writeSync(log, line);
    inFlight.push(vol.write(lba * 4096, bufs[k]!.subarray(0, blocks * 4096)));
  }
  await Promise.all(inFlight);
  if (round % 4 === 3) {
    await vol.flush();
    writeSync(log, 'F\n');
  }
}
