// Valid commands of the admin and NVM command sets that the fuzzer mutates: each with its data
// pointer into the fuzzer's data area (PRP list pages at its start, SGL descriptors after).
import { AdminOpcode, NvmOpcode, SQE_SIZE } from '../../../src/spec/index.js';
import { DATA_AT } from '../../../bench/lib/raw-host.js';
import type { Rand } from './fuzz-engine.js';

interface Fields {
  opc: number;
  nsid?: number;
  psdt?: number;
  prp1?: number;
  prp2?: number;
  mptr?: number;
  cdw?: readonly number[];
}

function sqe(f: Fields): Uint8Array {
  const b = new Uint8Array(SQE_SIZE);
  const dv = new DataView(b.buffer);
  b[0] = f.opc;
  b[1] = (f.psdt ?? 0) << 6;
  dv.setUint32(4, f.nsid ?? 0, true);
  dv.setBigUint64(16, BigInt(f.mptr ?? 0), true);
  dv.setBigUint64(24, BigInt(f.prp1 ?? 0), true);
  dv.setBigUint64(32, BigInt(f.prp2 ?? 0), true);
  (f.cdw ?? []).forEach((v, i) => dv.setUint32(40 + 4 * i, v >>> 0, true));
  return b;
}

/** PRP2 as a PRP list at the data area's first page; an SGL last-segment descriptor pointing at the descriptors. */
const PRP_LIST = DATA_AT;
function sglSegment(b: Uint8Array, count: number): Uint8Array {
  const dv = new DataView(b.buffer);
  b[1] = 1 << 6;
  dv.setBigUint64(24, BigInt(DATA_AT + 4 * 4096), true);
  dv.setUint32(32, 16 * count, true);
  dv.setUint32(36, 0x30 << 24, true); // Last Segment
  return b;
}

export function adminSeeds(r: Rand): Uint8Array[] {
  const buf = () => r.dataAddress() & ~0xfff;
  const A = AdminOpcode;
  return [
    ...[0, 1, 2, 3, 5, 6, 7, 8, 0x1c].map((cns) => sqe({ opc: A.IDENTIFY, nsid: cns === 0 || cns === 3 || cns === 5 || cns === 8 ? 1 : 0, prp1: buf(), cdw: [cns] })),
    ...[1, 2, 3, 4, 5, 0xc0].map((lid) => sqe({ opc: A.GET_LOG_PAGE, nsid: 0xffffffff, prp1: buf(), prp2: buf(), cdw: [lid | ((2047 & 0xffff) << 16), 0, 0, 0, 0] })),
    ...[1, 2, 4, 5, 6, 7, 8, 9, 0x0b, 0x0e, 0x0f, 0x16, 0x19].map((fid) => sqe({ opc: A.GET_FEATURES, nsid: 1, prp1: buf(), cdw: [fid] })),
    ...[1, 2, 4, 5, 6, 7, 8, 0x0b, 0x0e, 0x0f, 0x16].map((fid) => sqe({ opc: A.SET_FEATURES, nsid: fid === 5 ? 1 : 0, prp1: buf(), cdw: [fid, r.u32() & 0x1ffff] })),
    sqe({ opc: A.CREATE_IO_CQ, prp1: buf(), cdw: [2 | (31 << 16), 1] }),
    sqe({ opc: A.CREATE_IO_SQ, prp1: buf(), cdw: [2 | (31 << 16), 1 | (2 << 16)] }),
    sqe({ opc: A.CREATE_IO_SQ, prp1: PRP_LIST, cdw: [3 | (4095 << 16), 0 | (2 << 16)] }),
    sqe({ opc: A.DELETE_IO_SQ, cdw: [2] }),
    sqe({ opc: A.DELETE_IO_CQ, cdw: [2] }),
    sqe({ opc: A.ABORT, cdw: [0 | (5 << 16)] }),
    sqe({ opc: A.ASYNC_EVENT_REQUEST }),
    sqe({ opc: A.KEEP_ALIVE }),
    sqe({ opc: A.FORMAT_NVM, nsid: 1, cdw: [r.below(4)] }),
    sglSegment(sqe({ opc: A.IDENTIFY, cdw: [1] }), 8),
  ];
}

export function nvmSeeds(r: Rand): Uint8Array[] {
  const N = NvmOpcode;
  const rw = (opc: number, nsid: number, nlb: number, extra = 0) => sqe({ opc, nsid, prp1: r.dataAddress() & ~0xfff, prp2: nlb > 8 ? PRP_LIST : (r.dataAddress() & ~0xfff), mptr: r.dataAddress(), cdw: [r.below(30000), 0, (nlb - 1) | extra] });
  const dsm = sqe({ opc: N.DATASET_MANAGEMENT, nsid: 1, prp1: r.dataAddress() & ~0xfff, cdw: [3, 4] });
  return [
    ...[1, 2].flatMap((nsid) => [1, 8, 9, 64, 256].flatMap((nlb) => [N.READ, N.WRITE, N.COMPARE].map((opc) => rw(opc, nsid, nlb)))),
    rw(N.WRITE, 1, 4, 1 << 30), // FUA
    rw(N.WRITE_ZEROES, 1, 100, 1 << 25), // DEAC
    rw(N.WRITE_ZEROES, 2, 100),
    rw(N.WRITE_UNCORRECTABLE, 1, 3),
    rw(N.VERIFY, 2, 50),
    sqe({ opc: N.FLUSH, nsid: 0xffffffff }),
    sqe({ opc: N.FLUSH, nsid: 1 }),
    dsm,
    sglSegment(rw(N.READ, 1, 16), 4),
    sglSegment(rw(N.WRITE, 2, 8), 8),
  ];
}
