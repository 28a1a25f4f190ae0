// Child of crash.test.ts: opens the image and programs and erases at random, forever, until the
// parent kills it. Before each operation it logs an intent line and after it an ack line, both
// with a synchronous write, so an ack in the log means the operation had returned.
import { openSync, writeSync } from 'node:fs';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { ChunkState, FaultKind, type MediaOp, openMedia } from '../../src/media/index.js';
import { type Ack, type Intent, fillSector } from './crash-common.js';

const [path, seedText, logPath] = process.argv.slice(2) as [string, string, string];
const seed = Number(seedText);
const media = openMedia({ kind: 'file', path });
const g = media.geometry;
// Rare injected failures, so early close and retirement cross kill points too.
media.faults.add({ kind: FaultKind.PROGRAM_FAIL, trigger: { mode: 'probability', probability: 0.00005, seed } });
media.faults.add({ kind: FaultKind.ERASE_FAIL, trigger: { mode: 'probability', probability: 0.001, seed: seed + 1 } });
const log = openSync(logPath, 'a');
const rng = xoroshiro128plus(seed);
const data = new Uint8Array(g.sectorsPerChunk * g.sectorSize);
const oob = new Uint8Array(g.sectorsPerChunk * g.oobSize);
const line = (x: Intent | Ack) => writeSync(log, JSON.stringify(x) + '\n');
process.stdout.write('ready\n');

for (let i = 0; ; i++) {
  const c = uniformInt(rng, 0, g.totalChunks - 1);
  const info = media.chunk(c);
  if (info.state === ChunkState.OFFLINE) continue;
  let intent: Intent;
  let result: MediaOp;
  if (info.state === ChunkState.CLOSED || uniformInt(rng, 0, 99) < 8) {
    intent = { i, op: 'erase', c };
    line(intent);
    result = media.erase(c);
  } else {
    const n = uniformInt(rng, 1, Math.min(12, g.sectorsPerChunk - info.wp));
    const tag = seed * 1_000_000 + i;
    for (let k = 0; k < n; k++) fillSector(data, k * g.sectorSize, oob, k * g.oobSize, tag, c, info.wp + k);
    intent = { i, op: 'program', c, s: info.wp, n, tag };
    line(intent);
    result = media.program(c, info.wp, n, data, 0, oob, 0);
  }
  const { status, done } = result; // read before the next operation reuses it
  const after = media.chunk(c);
  line({ i, status, done, rec: { state: after.state, wp: after.wp, eraseCount: after.eraseCount, mark: after.mark } });
}
