// The OCSSD 1.2 command sets under the controller fuzzer: random and mutated physical erase /
// write / read (single PPAs and lists anywhere in host memory), plain NVM commands and the 1.2
// admin commands (identity, Get / Set BBT) against two 1.2 namespaces. Every command completes
// with a status; no handler throws.
import { test } from 'node:test';
import { ChunkType, openMedia } from '../../../src/media/index.js';
import { ADMIN_COMMANDS, NVM_COMMANDS, OCSSD12_ADMIN_COMMANDS, OCSSD12_IO, OCSSD12_IO_COMMANDS, Ocssd12Namespace, type CommandSet } from '../../../src/controller/index.js';
import { Ocssd12AdminOpcode, Ocssd12Opcode, SQE_SIZE, encodePpa, ppaFormatFor } from '../../../src/spec/index.js';
import { DATA_AT } from '../../../bench/lib/raw-host.js';
import { type Rand, describe, fuzz, fuzzParameters } from './fuzz-engine.js';

const GEO = { groups: 2, pusPerGroup: 2, planes: 2, blocksPerPlane: 3, pagesPerBlock: 8, sectorsPerPage: 2, sectorSize: 4096, oobSize: 16 };
const FMT = ppaFormatFor({ ch: 2, lun: 2, pln: 2, blk: 3, pg: 8, sec: 2 });

function namespaces(): Ocssd12Namespace[] {
  return [1, 2].map((nsid) => {
    const media = openMedia({ kind: 'memory' }, { geometry: GEO, chunkType: ChunkType.RANDOM, endurance: 0 });
    const settings = nsid === 2 ? { strict: true, errWriteThreshold: 7, errWriteCount: 3, dom: 1 } : {};
    return new Ocssd12Namespace({ nsid, media, nsze: media.geometry.totalSectors + 64, nlbaf: 5, lbaIndex: 3, serial: 'fuzz', io: OCSSD12_IO, settings, log: () => {} });
  });
}

const ppa = (r: Rand): bigint => encodePpa(FMT, { ch: r.below(2), lun: r.below(2), pln: r.below(2), blk: r.below(3), pg: r.below(8), sec: r.below(2) });

/** Physical commands with a valid PPA (or a list in the data area), data and OOB pointers into it. */
function seeds(r: Rand): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const opc of [Ocssd12Opcode.ERASE, Ocssd12Opcode.PWRITE, Ocssd12Opcode.PREAD]) {
    for (const n of [1, 4, 8, 64]) {
      const b = new Uint8Array(SQE_SIZE);
      const dv = new DataView(b.buffer);
      b[0] = opc;
      dv.setUint32(4, 1 + r.below(2), true);
      dv.setBigUint64(16, BigInt(r.dataAddress()), true);
      dv.setBigUint64(24, BigInt(r.dataAddress() & ~0xfff), true);
      dv.setBigUint64(32, BigInt(n > 1 ? DATA_AT : r.dataAddress() & ~0xfff), true);
      dv.setBigUint64(40, n === 1 ? ppa(r) : BigInt(r.dataAddress()), true);
      dv.setUint32(48, (n - 1) | (r.below(3) << 16), true);
      out.push(b);
    }
  }
  return out;
}

function adminSeeds(r: Rand): Uint8Array[] {
  return [Ocssd12AdminOpcode.IDENTITY, Ocssd12AdminOpcode.GET_BBT, Ocssd12AdminOpcode.SET_BBT].map((opc) => {
    const b = new Uint8Array(SQE_SIZE);
    const dv = new DataView(b.buffer);
    b[0] = opc;
    dv.setUint32(4, 1 + r.below(2), true);
    dv.setBigUint64(24, BigInt(r.dataAddress() & ~0xfff), true);
    dv.setBigUint64(40, ppa(r), true);
    if (opc === Ocssd12AdminOpcode.SET_BBT) dv.setUint32(48, r.pick([0, 1, 2, 4, 8]) << 16, true);
    return b;
  });
}

const IO: CommandSet = { name: 'ocssd12 io', queue: 'io', commands: [...NVM_COMMANDS.commands, ...OCSSD12_IO_COMMANDS.commands] as CommandSet['commands'] };
const ADMIN = [ADMIN_COMMANDS, OCSSD12_ADMIN_COMMANDS];

test('fuzz: random and mutated OCSSD 1.2 I/O commands all complete with a status, no handler throws', { timeout: 300_000 }, () => {
  const { count, seed } = fuzzParameters(20_000);
  console.log(describe(fuzz('ocssd12-io', { set: IO, seeds, namespaces, admin: ADMIN, formattable: false }, count, seed)));
});

test('fuzz: random and mutated OCSSD 1.2 admin commands all complete with a status, no handler throws', { timeout: 300_000 }, () => {
  const { count, seed } = fuzzParameters(5_000);
  console.log(describe(fuzz('ocssd12-admin', { set: OCSSD12_ADMIN_COMMANDS, seeds: adminSeeds, namespaces, admin: ADMIN, formattable: false }, count, seed)));
});
