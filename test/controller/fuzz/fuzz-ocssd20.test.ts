// The OCSSD 2.0 command set under the controller fuzzer: random and mutated vector reset / write /
// read / copy (single LBAs and lists anywhere in host memory, the inline layout, staged lists),
// scalar read / write / DSM, and the 2.0 admin commands (geometry, logs 0xCA / 0xD0, Media
// Feedback) against two 2.0 namespaces, one with faults armed. Every command completes with a
// status; no handler throws.
import { test } from 'node:test';
import { FaultKind, Geometry, openMedia } from '../../../src/media/index.js';
import { Ocssd20Namespace, ocssd20AdminCommands, ocssd20IoCommands, ocssd20IoTable, type CommandSet } from '../../../src/controller/index.js';
import { AdminOpcode, Ocssd20Opcode, Ocssd20VendorOpcode, SQE_SIZE } from '../../../src/spec/index.js';
import { DATA_AT } from '../../../bench/lib/raw-host.js';
import { type Rand, describe, fuzz, fuzzParameters } from './fuzz-engine.js';

const MCCAP = 0x7;
let made: Ocssd20Namespace[] = [];

function namespaces(): Ocssd20Namespace[] {
  made = [1, 2].map((nsid) => {
    const media = openMedia({ kind: 'memory' }, { geometry: Geometry.fromV20({ numGroups: 2, numPu: 2, numChunk: 4, clba: 16, sectorSize: 512, oobSize: nsid === 1 ? 0 : 8 }).params(), endurance: 50 });
    const ns = new Ocssd20Namespace({ nsid, media, serial: 'fuzz', mccap: MCCAP, wit: 2, wsMin: 1, wsOpt: 4, mwCunits: nsid === 1 ? 0 : 2, maxoc: nsid === 2 ? 4 : 0, maxocpu: 0, io: ocssd20IoTable(MCCAP) });
    if (nsid === 2) {
      ns.injectFault({ kind: FaultKind.PROGRAM_FAIL, trigger: { mode: 'probability', probability: 0.01, seed: 1 } });
      ns.injectFault({ kind: FaultKind.ERASE_FAIL, trigger: { mode: 'probability', probability: 0.02, seed: 2 } });
      ns.injectFault({ kind: FaultKind.HIGH_ECC, trigger: { mode: 'probability', probability: 0.01, seed: 3 } });
      ns.injectFault({ kind: FaultKind.UNCORRECTABLE, trigger: { mode: 'probability', probability: 0.005, seed: 4 } });
      ns.injectFault({ kind: 'write-next-unit', trigger: { mode: 'probability', probability: 0.01, seed: 5 } });
    }
    return ns;
  });
  return made;
}

/** A valid LBA: 1 group bit, 1 PU bit, 2 chunk bits, 4 sector bits. */
const lba = (r: Rand): number => (r.below(2) << 7) | (r.below(2) << 6) | (r.below(4) << 4) | r.below(16);

function seeds(r: Rand): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const opc of [Ocssd20Opcode.VECTOR_RESET, Ocssd20Opcode.VECTOR_WRITE, Ocssd20Opcode.VECTOR_READ, Ocssd20Opcode.VECTOR_COPY, Ocssd20VendorOpcode.STAGE_LBA_LIST]) {
    for (const n of [1, 4, 64]) {
      for (const ilay of [0, 1]) {
        const b = new Uint8Array(SQE_SIZE);
        const dv = new DataView(b.buffer);
        b[0] = opc;
        dv.setUint32(4, 1 + r.below(2), true);
        dv.setBigUint64(16, BigInt(r.dataAddress()), true);
        dv.setBigUint64(24, BigInt(r.dataAddress() & ~0xfff), true);
        dv.setBigUint64(32, BigInt(n > 8 ? DATA_AT : r.dataAddress() & ~0xfff), true);
        dv.setBigUint64(40, BigInt(n === 1 ? lba(r) : ilay === 1 && opc === Ocssd20Opcode.VECTOR_READ ? r.below(4) : r.dataAddress()), true);
        dv.setUint32(48, (n - 1) | (r.chance(0.1) ? 1 << 30 : 0), true);
        dv.setUint32(52, ilay, true);
        dv.setBigUint64(56, BigInt(n === 1 ? lba(r) : r.dataAddress()), true);
        out.push(b);
      }
    }
  }
  return out;
}

function adminSeeds(r: Rand): Uint8Array[] {
  return [0xe2, AdminOpcode.GET_LOG_PAGE, AdminOpcode.GET_LOG_PAGE, AdminOpcode.SET_FEATURES, AdminOpcode.GET_FEATURES].map((opc, i) => {
    const b = new Uint8Array(SQE_SIZE);
    const dv = new DataView(b.buffer);
    b[0] = opc;
    dv.setUint32(4, r.pick([1, 2, 0xffffffff]), true);
    dv.setBigUint64(24, BigInt(r.dataAddress() & ~0xfff), true);
    if (opc === AdminOpcode.GET_LOG_PAGE) {
      dv.setUint32(40, (i === 1 ? 0xca : 0xd0) | (r.below(1024) << 16), true);
      dv.setUint32(48, 32 * r.below(40), true);
    }
    if (opc === AdminOpcode.SET_FEATURES || opc === AdminOpcode.GET_FEATURES) {
      dv.setUint32(40, 0xca, true);
      dv.setUint32(44, r.below(4), true);
    }
    return b;
  });
}

const IO = ocssd20IoCommands(MCCAP) as CommandSet;
const ADMIN = ocssd20AdminCommands();
/** The after-run check writes and reads LBA 7 (chunk 0, sector 7) of namespace 1: make it the write pointer. */
const beforeCheck = (): void => made[0]!.overrideChunk({ grp: 0, pu: 0, chk: 0 }, { state: 'OPEN', type: 'SEQUENTIAL', wp: 7, wi: 0 });

test('fuzz: random and mutated OCSSD 2.0 I/O commands all complete with a status, no handler throws', { timeout: 300_000 }, () => {
  const { count, seed } = fuzzParameters(20_000);
  console.log(describe(fuzz('ocssd20-io', { set: IO, seeds, namespaces, admin: ADMIN, formattable: false, beforeCheck }, count, seed)));
});

test('fuzz: random and mutated OCSSD 2.0 admin commands all complete with a status, no handler throws', { timeout: 300_000 }, () => {
  const { count, seed } = fuzzParameters(5_000);
  console.log(describe(fuzz('ocssd20-admin', { set: ADMIN[0]!, seeds: adminSeeds, namespaces, admin: ADMIN, formattable: false, beforeCheck }, count, seed)));
});
