// The device `npm start` serves: the seed tutorial's -device line, with its image and side
// files under the data directory. The geometry follows from the 1 GiB image exactly as in the
// original (1 channel x 16 LUNs x 2 planes x 3 blocks x 512 pages x 4 sectors; NSZE 261,632).
import { resolve } from 'node:path';

/** The tutorial's -device line, for reference and for `ocssd serve --help`. */
export const TUTORIAL_DEVICE_LINE =
  'nvme,drive=blknvme,serial=deadbeef,namespaces=1,lver=1,lmetasize=16,ll2pmode=0,nlbaf=5,lba_index=3,mdts=10,lnum_lun=16,lnum_pln=2,lsec_size=4096,lsecs_per_pg=4,lpgs_per_blk=512,lbbtable=bbtable.qemu,lmetadata=meta.qemu,ldebug=1';

/** The tutorial made a 1 GiB image with `dd if=/dev/zero of=blknvme bs=1M count=1024`. */
export const DEFAULT_IMAGE_SIZE = 2 ** 30;

/** The tutorial line with its files in `dataDir`, a 1 GiB image, and without ldebug (quiet by default). */
export function defaultDeviceLine(dataDir: string): string {
  const dir = resolve(dataDir);
  return TUTORIAL_DEVICE_LINE.replace('drive=blknvme', `drive=${resolve(dir, 'blknvme')},size=1G`)
    .replace('lbbtable=bbtable.qemu', `lbbtable=${resolve(dir, 'bbtable.qemu')}`)
    .replace('lmetadata=meta.qemu', `lmetadata=${resolve(dir, 'meta.qemu')}`)
    .replace(',ldebug=1', '');
}
