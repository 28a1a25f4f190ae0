// The OCSSD 1.2 geometry of each namespace, derived from the image size exactly as the original
// did it (seed-emulator-behaviour.md 6), or from lnum_blk. Used when the configuration is checked
// (so a too-small image is an option error) and when the device is built.
import { existsSync, statSync } from 'node:fs';
import type { GeometryParams } from '../media/index.js';
import { formatSize, optionError } from './device-options.js';
import type { Ocssd12DeviceConfig } from './ocssd12-options.js';

/** Image size of a new (or in-memory) drive when `size` is not given: the tutorial's 1 GiB. */
export const OCSSD12_DEFAULT_IMAGE_SIZE = 2 ** 30;

/** Bytes the original reserves per LBA beside its data: a u64 L2P entry, even in host mode. */
const L2P_ENTRY_BYTES = 8;

export interface Ocssd12NamespaceLayout {
  readonly nsid: number;
  /** Byte offset of the namespace in the image and its share (ns_size). */
  readonly offset: number;
  readonly bytes: number;
  /** NSZE: ns_blks = floor(ns_size / (lba + meta + 8)). */
  readonly nsze: number;
  readonly geometry: GeometryParams;
}

/**
 * The original's arithmetic for one namespace of `nsBytes`: ns_blks = floor(ns_size / (lba + 8))
 * (meta is 0), num_blk = floor(floor(ns_blks / (S x G)) / (channels x luns x P)) unless lnum_blk
 * gives it. Channels are real here, so they divide the blocks too (the original let them alias).
 */
export function ocssd12Layout(c: Ocssd12DeviceConfig, nsid: number, offset: number, nsBytes: number): Ocssd12NamespaceLayout {
  const channels = c.channels[nsid - 1]!;
  const nsze = Math.floor(nsBytes / (c.sectorSize + L2P_ENTRY_BYTES));
  const perBlock = c.sectorsPerPage * c.pagesPerBlock;
  const units = channels * c.lunsPerChannel * c.planes;
  const shape = `${channels} ch x ${c.lunsPerChannel} LUN x ${c.planes} pln x ${c.pagesPerBlock} pg x ${c.sectorsPerPage} sec of ${c.sectorSize} B`;
  let blocks = c.blocksPerPlane;
  if (blocks === 0) {
    blocks = Math.min(0xffff, Math.floor(Math.floor(nsze / perBlock) / units));
    if (blocks === 0) {
      optionError(c.drive === undefined ? 'size' : 'drive', c.drive ?? formatSize(c.size ?? OCSSD12_DEFAULT_IMAGE_SIZE), `namespace ${nsid} gets ${formatSize(nsBytes)} (${nsze} blocks), not one block per plane for ${shape} (needs ${formatSize(perBlock * units * (c.sectorSize + L2P_ENTRY_BYTES))})`);
    }
  } else if (blocks * perBlock * units > nsze) {
    optionError('lnum_blk', blocks, `namespace ${nsid} holds ${nsze} blocks of ${c.sectorSize} B, ${shape} x ${blocks} needs ${blocks * perBlock * units}; allowed 1..${Math.floor(nsze / perBlock / units)}`);
  }
  return {
    nsid,
    offset,
    bytes: nsBytes,
    nsze,
    geometry: { groups: channels, pusPerGroup: c.lunsPerChannel, planes: c.planes, blocksPerPlane: blocks, pagesPerBlock: c.pagesPerBlock, sectorsPerPage: c.sectorsPerPage, sectorSize: c.sectorSize, oobSize: c.oobSize },
  };
}

/** Every namespace's layout for an image of `imageBytes` (ns_size = image / namespaces). */
export function ocssd12Layouts(c: Ocssd12DeviceConfig, imageBytes: number): Ocssd12NamespaceLayout[] {
  const each = Math.floor(imageBytes / c.namespaces);
  return Array.from({ length: c.namespaces }, (_, i) => ocssd12Layout(c, i + 1, i * each, each));
}

/** The image size the device uses: an existing drive's size (grown to `size` when that is larger), else `size` or 1 GiB. */
export function ocssd12ImageSize(c: Ocssd12DeviceConfig): number {
  if (c.drive !== undefined && existsSync(c.drive)) return Math.max(statSync(c.drive).size, c.size ?? 0);
  return c.size ?? OCSSD12_DEFAULT_IMAGE_SIZE;
}

