// The device `npm start` serves: the seed tutorial's OCSSD 1.2 geometry on a sparse image
// under ./data/. The 1.2 controller and its derivation of the geometry from the image size
// arrive with the OCSSD 1.2 issue; until then this opens (creating on first use) the media.
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { type GeometryParams, type NandMedia, RESIDENT_BYTES_PER_CHUNK, openMedia } from '../media/index.js';

/** The tutorial's -device line, for reference and for `ocssd serve --help`. */
export const TUTORIAL_DEVICE_LINE =
  'nvme,drive=blknvme,serial=deadbeef,namespaces=1,lver=1,lmetasize=16,ll2pmode=0,nlbaf=5,lba_index=3,mdts=10,lnum_lun=16,lnum_pln=2,lsec_size=4096,lsecs_per_pg=4,lpgs_per_blk=512,lbbtable=bbtable.qemu,lmetadata=meta.qemu,ldebug=1';

/** 1 channel x 16 LUNs x 2 planes x 3 blocks x 512 pages x 4 sectors of 4 KiB, 16 B OOB. */
export const TUTORIAL_GEOMETRY: GeometryParams = {
  groups: 1,
  pusPerGroup: 16,
  planes: 2,
  blocksPerPlane: 3,
  pagesPerBlock: 512,
  sectorsPerPage: 4,
  sectorSize: 4096,
  oobSize: 16,
};

export const DEFAULT_IMAGE_SIZE = 1 << 30;

export interface DefaultDevice {
  readonly imagePath: string;
  readonly media: NandMedia;
}

export function openDefaultDevice(dataDir = 'data'): DefaultDevice {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const imagePath = resolve(dir, 'blknvme');
  const media = openMedia({ kind: 'file', path: imagePath, imageSize: DEFAULT_IMAGE_SIZE }, { geometry: TUTORIAL_GEOMETRY });
  return { imagePath, media };
}

export function describeDevice(d: DefaultDevice): string[] {
  const g = d.media.geometry;
  const c = d.media.census();
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  return [
    `device: OCSSD 1.2 (lver=1), the seed tutorial's geometry`,
    `  ${g.groups} channel x ${g.pusPerGroup} LUNs x ${g.planes} planes x ${g.blocksPerPlane} blocks x ${g.pagesPerBlock} pages x ${g.sectorsPerPage} sectors of ${g.sectorSize} B, ${g.oobSize} B OOB per sector`,
    `  ${mib(g.dataBytes)} reachable through PPAs, ${g.totalChunks} erase blocks (${c.free} free, ${c.open} open, ${c.closed} closed, ${c.offline} offline)`,
    `  image: ${d.imagePath} (sparse, ${mib(DEFAULT_IMAGE_SIZE)}), state: ${d.imagePath}.ocssd`,
    `  resident metadata: ${g.totalChunks * RESIDENT_BYTES_PER_CHUNK} bytes`,
    `  equivalent to the original's -device ${TUTORIAL_DEVICE_LINE}`,
  ];
}
