// Shared by the crash test and its child: the geometry and the content every sector must hold.
import type { GeometryParams } from '../../src/media/index.js';

/** Two planes and OOB, so the interleaved placement and the sector records are both exercised. */
export const CRASH_GEOMETRY: GeometryParams = { groups: 1, pusPerGroup: 4, planes: 2, blocksPerPlane: 8, pagesPerBlock: 8, sectorsPerPage: 4, sectorSize: 512, oobSize: 16 };

/** Fills one sector's data and OOB from (tag, chunk, sector), so stale or misplaced sectors differ. */
export function fillSector(data: Uint8Array, dataAt: number, oob: Uint8Array, oobAt: number, tag: number, chunk: number, sector: number): void {
  let x = (tag * 0x9e3779b1) ^ (chunk * 0x85ebca77) ^ (sector * 0xc2b2ae3d) ^ 0x27d4eb2f;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < CRASH_GEOMETRY.sectorSize; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    dv.setUint32(dataAt + i, x >>> 0, true);
  }
  const ov = new DataView(oob.buffer, oob.byteOffset, oob.byteLength);
  ov.setUint32(oobAt, tag >>> 0, true);
  ov.setUint32(oobAt + 4, chunk, true);
  ov.setUint32(oobAt + 8, sector, true);
  ov.setUint32(oobAt + 12, x >>> 0, true);
}

export interface Intent {
  readonly i: number;
  readonly op: 'program' | 'erase';
  readonly c: number;
  readonly s?: number;
  readonly n?: number;
  readonly tag?: number;
}

export interface ChunkRec {
  readonly state: number;
  readonly wp: number;
  readonly eraseCount: number;
  readonly mark: number;
}

export interface Ack {
  readonly i: number;
  readonly status: number;
  readonly done: number;
  readonly rec: ChunkRec;
}
