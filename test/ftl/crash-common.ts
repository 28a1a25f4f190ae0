// Shared by the FTL crash test and its child: the device and the self-describing blocks.
import type { GeometryParams } from '../../src/media/index.js';

/** 4 PUs x 16 chunks of 64 sectors: 16 lines, about 13 MiB of user capacity, GC busy. */
export const CRASH_GEOMETRY: GeometryParams = { groups: 1, pusPerGroup: 4, planes: 1, blocksPerPlane: 16, pagesPerBlock: 64, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 };
export const CRASH_PUS = { puBegin: 0, puEnd: 3 } as const;
/** Chunks retired by program failures after which the child injects no more. */
export const MAX_RETIRED = 4;

/** Fills a 4 KiB block naming its LBA and version. */
export function fillBlock(b: Uint8Array, at: number, lba: number, version: number): void {
  const dv = new DataView(b.buffer, b.byteOffset + at, 4096);
  dv.setUint32(0, lba, true);
  dv.setUint32(4, version, true);
  for (let i = 8; i < 4096; i += 4) dv.setUint32(i, (lba * 31 + version * 17 + i) >>> 0, true);
}

/** The version a block holds (0: all zeroes), or -1 when it is not a whole block of that LBA. */
export function blockVersion(b: Uint8Array, at: number, lba: number): number {
  const dv = new DataView(b.buffer, b.byteOffset + at, 4096);
  const version = dv.getUint32(4, true);
  if (dv.getUint32(0, true) === 0 && version === 0) {
    for (let i = 8; i < 4096; i += 4) if (dv.getUint32(i, true) !== 0) return -1;
    return 0;
  }
  if (dv.getUint32(0, true) !== lba) return -1;
  for (let i = 8; i < 4096; i += 4) if (dv.getUint32(i, true) !== ((lba * 31 + version * 17 + i) >>> 0)) return -1;
  return version;
}
