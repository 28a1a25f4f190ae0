// Shared FTL test fixtures: a small media-backed device and a content model.
import { openMedia, type GeometryParams, type Backing } from '../../src/media/index.js';
import { MediaChunkDevice, type MediaDeviceOptions } from './media-device.js';

/** 4 PUs x 16 chunks of 64 sectors (4 KiB), 16 B OOB: 16 lines of 4 chunks. */
export const FTL_SMALL: GeometryParams = { groups: 1, pusPerGroup: 4, planes: 1, blocksPerPlane: 16, pagesPerBlock: 64, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 };

export function mediaDevice(o: MediaDeviceOptions & { geometry?: GeometryParams; backing?: Backing; endurance?: number } = {}): MediaChunkDevice {
  const media = openMedia(o.backing ?? { kind: 'memory' }, { geometry: o.geometry ?? FTL_SMALL, endurance: o.endurance ?? 0 });
  return new MediaChunkDevice(media, o);
}

/** A 4 KiB block that names its LBA and version. */
export function block(lba: number, version: number): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < 4096; i += 8) {
    dv.setUint32(i, lba, true);
    dv.setUint32(i + 4, (version * 2654435761 + i) >>> 0, true);
  }
  return b;
}

export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}
