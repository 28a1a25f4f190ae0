// How a conventional namespace lays out its region [offset, offset + bytes) of a ByteStore, and
// what it remembers there:
//
//   [header 4096 B][block state bitmap, 2 bits per LBA]  padded to 4096  [LBA records ...]
//
// LBA i is one record of (lbaSize + ms) bytes, data then metadata, at dataStart + i * record; both
// metadata modes (extended LBA and MPTR) share it, so FLBAS bit 4 never moves data. The bitmap
// (block-state-map.ts) keeps deallocation and Write Uncorrectable marks across restarts. It sits
// inside the region, before the data, sized for the format with the most LBAs, so one store holds
// everything and NSZE = floor((bytes - state area) / record): about 1/2048 of the region goes to
// state with 512-byte blocks, 1/16384 with 4 KiB ones. The header records what fixes the layout
// (nlbaf, ms, region size) and the format in use, under a CRC32C, so reopening with other options
// is refused and a Format NVM survives a restart.
import { createHash } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';
import { type ByteStore, ImageError } from '../media/index.js';
import { decode, defineLayout, encode, f } from '../spec/index.js';
import { BlockStateMap } from './block-state-map.js';

const HEADER_SIZE = 4096;
const ALIGN = 4096;
const MAGIC = 'OCSSDNVM';
const VERSION = 1;

export const REGION_HEADER = defineLayout('conventional namespace header', HEADER_SIZE, [
  f('magic', 0, 8, 'ascii'),
  f('version', 8, 4, 'u32'),
  f('nlbaf', 12, 4, 'u32'),
  f('ms', 16, 4, 'u32'),
  /** The LBA format in use (Format NVM changes it). */
  f('lbaf', 20, 4, 'u32'),
  f('regionBytes', 24, 8, 'u64'),
  f('stateBytes', 32, 8, 'u64'),
  f('rsvd40', 40, 4052, 'bytes'),
  f('crc', 4092, 4, 'u32'),
]);

export interface LbaFormat {
  /** log2 of the data bytes per block. */
  readonly lbads: number;
  /** Metadata bytes per block. */
  readonly ms: number;
}

/**
 * The original's LBA format list (nvme_init_namespaces): format k holds 512 * 2^k bytes; with
 * metadata, the lower half of the formats has none and the upper half starts over at 512 bytes
 * with `ms` bytes each. An odd count gives the extra format to the upper half (the original left
 * it empty, LBADS 0).
 */
export function lbaFormats(nlbaf: number, ms: number): LbaFormat[] {
  const formats = (count: number, m: number) => Array.from({ length: count }, (_, k) => ({ lbads: 9 + k, ms: m }));
  if (ms === 0) return formats(nlbaf, 0);
  const plain = Math.floor(nlbaf / 2);
  return [...formats(plain, 0), ...formats(nlbaf - plain, ms)];
}

export const recordOf = (fmt: LbaFormat): number => 2 ** fmt.lbads + fmt.ms;

export interface Region {
  readonly offset: number;
  readonly bytes: number;
  /** nlbaf and ms as the options gave them: they fix the layout. */
  readonly nlbaf: number;
  readonly ms: number;
  readonly bitmapAt: number;
  /** Header and bitmap, padded. */
  readonly stateBytes: number;
  readonly dataStart: number;
  readonly dataBytes: number;
}

export function regionOf(offset: number, bytes: number, nlbaf: number, ms: number, formats: readonly LbaFormat[]): Region {
  const maxLbas = Math.floor(bytes / Math.min(...formats.map(recordOf)));
  const stateBytes = Math.ceil((HEADER_SIZE + BlockStateMap.bitmapBytes(maxLbas)) / ALIGN) * ALIGN;
  return { offset, bytes, nlbaf, ms, bitmapAt: offset + HEADER_SIZE, stateBytes, dataStart: offset + stateBytes, dataBytes: bytes - stateBytes };
}

export function writeRegionHeader(store: ByteStore, r: Region, lbaf: number): void {
  const h = encode(REGION_HEADER, {
    magic: MAGIC,
    version: VERSION,
    nlbaf: r.nlbaf,
    ms: r.ms,
    lbaf,
    regionBytes: BigInt(r.bytes),
    stateBytes: BigInt(r.stateBytes),
  });
  new DataView(h.buffer).setUint32(REGION_HEADER.offset.crc, crc32c(h.subarray(0, REGION_HEADER.offset.crc)), true);
  store.write(h, r.offset);
}

/**
 * The LBA format in use from the region's header, or undefined for a new region (header all
 * zero). A header that is not ours, is corrupt, or was written for another layout is refused.
 */
export function readRegionHeader(store: ByteStore, r: Region, nsid: number): number | undefined {
  const bytes = new Uint8Array(HEADER_SIZE);
  store.read(bytes, r.offset);
  if (bytes.every((b) => b === 0)) return undefined;
  const where = `namespace ${nsid} (bytes ${r.offset}..${r.offset + r.bytes} of its store)`;
  const h = decode(REGION_HEADER, bytes);
  if (h.magic !== MAGIC) throw new ImageError(`${where} holds no conventional namespace (magic '${String(h.magic)}'); use a new image or zero the region`);
  if (crc32c(bytes.subarray(0, REGION_HEADER.offset.crc)) !== h.crc) throw new ImageError(`${where}: header checksum mismatch (the image is corrupt)`);
  if (h.version !== VERSION) throw new ImageError(`${where}: header version ${String(h.version)}, this build reads ${VERSION}`);
  const was = { nlbaf: h.nlbaf as number, ms: h.ms as number, bytes: Number(h.regionBytes) };
  if (was.nlbaf !== r.nlbaf || was.ms !== r.ms || was.bytes !== r.bytes) {
    throw new ImageError(
      `${where} was created with nlbaf=${was.nlbaf}, ms=${was.ms}, ${was.bytes} bytes; opening it with nlbaf=${r.nlbaf}, ms=${r.ms}, ${r.bytes} bytes would misread its blocks`,
    );
  }
  const lbaf = h.lbaf as number;
  if (lbaf >= r.nlbaf) throw new ImageError(`${where}: header names LBA format ${lbaf} of ${r.nlbaf} (the image is corrupt)`);
  return lbaf;
}

/**
 * NGUID and EUI64 from the controller serial and NSID: stable across restarts, distinct per
 * namespace. NGUID = 8-byte vendor extension, IEEE OUI, 5-byte extension; EUI64 = OUI + 5 bytes.
 */
export function namespaceIds(serial: string, nsid: number, oui: number): { nguid: Uint8Array; eui64: Uint8Array } {
  const h = createHash('sha256').update(`ocssd nvm namespace/${serial}/${nsid}`).digest();
  const o = [(oui >>> 16) & 0xff, (oui >>> 8) & 0xff, oui & 0xff];
  return { nguid: Uint8Array.from([...h.subarray(0, 8), ...o, ...h.subarray(8, 13)]), eui64: Uint8Array.from([...o, ...h.subarray(13, 18)]) };
}
