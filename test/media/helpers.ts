// Shared test fixtures for media tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeometryParams } from '../../src/media/index.js';

export const SMALL: GeometryParams = { groups: 1, pusPerGroup: 2, planes: 1, blocksPerPlane: 4, pagesPerBlock: 8, sectorsPerPage: 1, sectorSize: 512, oobSize: 8 };
export const DUAL_PLANE: GeometryParams = { groups: 1, pusPerGroup: 2, planes: 2, blocksPerPlane: 2, pagesPerBlock: 4, sectorsPerPage: 2, sectorSize: 512, oobSize: 4 };

/** Sector content that names its place and version, so a misplaced or stale sector is caught. */
export function pattern(sectorSize: number, count: number, tag: number): Uint8Array {
  const b = new Uint8Array(sectorSize * count);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < count; k++) for (let i = 0; i < sectorSize; i += 4) dv.setUint32(k * sectorSize + i, (tag * 0x9e3779b1 + k * 0x85ebca77 + i) >>> 0, true);
  return b;
}

export function oobPattern(oobSize: number, count: number, tag: number): Uint8Array {
  const b = new Uint8Array(oobSize * count);
  for (let i = 0; i < b.length; i++) b[i] = (tag + i * 7) & 0xff;
  return b;
}

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocssd-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
