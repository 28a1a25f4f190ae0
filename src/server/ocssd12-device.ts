// Builds an OCSSD 1.2 controller from its checked configuration: the geometry of each namespace
// derived from the image size exactly as the original did (seed-emulator-behaviour.md 6), one
// NandMedia per namespace over its share of the image (with its own crash-safe state file: the
// lmetadata mapping), its own bad block table (the lbbtable file), and the controller with the
// 1.2 admin and I/O command sets. createOcssd12Device is the in-process DeviceFactory.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ChunkType, FileStore, type GeometryParams, type NandMedia, openMedia } from '../media/index.js';
import { Controller, OCSSD12_ADMIN_COMMANDS, OCSSD12_IO, Ocssd12Namespace, QueueEngine, createAdminCommands, type Ocssd12BbtStore } from '../controller/index.js';
import type { DeviceEnvironment, InProcessDevice } from '../transport/index.js';
import { formatSize, optionError } from './device-options.js';
import { OCSSD12_DEFAULT_IMAGE_SIZE, type Ocssd12DeviceConfig } from './ocssd12-options.js';

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

/** A per-namespace file name: the name itself for one namespace, `<name>.ns<n>` for several. */
export const perNamespacePath = (path: string, nsid: number, namespaces: number): string => (namespaces === 1 ? path : `${path}.ns${nsid}`);

/**
 * The lbbtable file: raw bytes, no header, one per (channel, LUN, block, plane) at
 * ((ch x luns + lun) x B + blk) x P + pln — the original's lun x B x P + blk x P + pln with one
 * channel. Missing means all good. Saved by writing a temporary file and renaming it.
 */
export class Ocssd12BbtFile implements Ocssd12BbtStore {
  constructor(readonly label: string) {}

  load(): Uint8Array | undefined {
    if (!existsSync(this.label)) return undefined;
    return new Uint8Array(readFileSync(this.label));
  }

  save(table: Uint8Array): void {
    const tmp = `${this.label}.tmp-${process.pid}`;
    writeFileSync(tmp, table);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.label);
    const dir = openSync(dirname(this.label), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

export interface Ocssd12BuildOptions {
  /** Where ldebug lines go (default: stdout). */
  readonly log?: (line: string) => void;
}

/** The image size the device uses: an existing drive's size (grown to `size` when that is larger), else `size` or 1 GiB. */
export function ocssd12ImageSize(c: Ocssd12DeviceConfig): number {
  if (c.drive !== undefined && existsSync(c.drive)) return Math.max(statSync(c.drive).size, c.size ?? 0);
  return c.size ?? OCSSD12_DEFAULT_IMAGE_SIZE;
}

/** Builds the controller with its namespaces (no transport): for the server and for tests. */
export function createOcssd12Controller(c: Ocssd12DeviceConfig, o: Ocssd12BuildOptions = {}): Controller {
  const imageBytes = ocssd12ImageSize(c);
  if (c.drive !== undefined) FileStore.openOrCreate(c.drive, imageBytes).close();
  const layouts = ocssd12Layouts(c, imageBytes);
  const ctrl = new Controller({
    admin: [createAdminCommands(), OCSSD12_ADMIN_COMMANDS],
    io: OCSSD12_IO,
    config: { serial: c.serial, mdts: c.mdts, maxIoQueues: c.queues - 1, mqes: c.entries, vwc: c.vwc, sgl: c.sgl, aerl: c.aerl, acl: c.acl, elpe: c.elpe, vid: c.vid, ssvid: c.vid, model: 'ocssd OCSSD 1.2 controller' },
    ...(o.log !== undefined ? { log: o.log } : {}),
  });
  try {
    for (const l of layouts) {
      let media: NandMedia;
      if (c.drive === undefined) {
        media = openMedia({ kind: 'memory' }, { geometry: l.geometry, chunkType: ChunkType.RANDOM, endurance: 0 });
      } else {
        const statePath = c.metadataPath !== undefined ? perNamespacePath(c.metadataPath, l.nsid, c.namespaces) : c.namespaces === 1 ? `${c.drive}.ocssd` : `${c.drive}.ns${l.nsid}.ocssd`;
        media = openMedia({ kind: 'file', path: c.drive, statePath, dataOffset: l.offset }, { geometry: l.geometry, chunkType: ChunkType.RANDOM, endurance: 0 });
      }
      try {
        ctrl.attachNamespace(
          new Ocssd12Namespace({
            nsid: l.nsid,
            media,
            nsze: l.nsze,
            nlbaf: c.nlbaf,
            lbaIndex: c.lbaIndex,
            serial: c.serial,
            io: OCSSD12_IO,
            settings: { dom: c.dom, mtype: c.mtype, fmtype: c.fmtype, maxPpas: c.maxPpas, strict: c.strict, errWriteThreshold: c.errWriteThreshold, errWriteCount: c.errWriteCount, debug: c.debug },
            ...(c.bbtablePath !== undefined ? { bbt: new Ocssd12BbtFile(perNamespacePath(c.bbtablePath, l.nsid, c.namespaces)) } : {}),
            ...(o.log !== undefined ? { log: o.log } : {}),
          }),
        );
      } catch (e) {
        media.close();
        throw e;
      }
    }
  } catch (e) {
    ctrl.close();
    throw e;
  }
  return ctrl;
}

/** This module's URL, for InProcessTransport.worker({ module: OCSSD12_DEVICE_MODULE, exportName: 'createOcssd12Device' }). */
export const OCSSD12_DEVICE_MODULE = new URL(import.meta.url);

/** The DeviceFactory: the controller over the transport's host memory. ldebug lines go to stdout. */
export function createOcssd12Device(config: Ocssd12DeviceConfig, env: DeviceEnvironment): InProcessDevice {
  const ctrl = createOcssd12Controller(config);
  const engine = new QueueEngine(ctrl, { memory: env.memory, onInterrupt: env.onInterrupt });
  return { engine, close: () => ctrl.close() };
}
