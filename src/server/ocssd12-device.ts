// Builds an OCSSD 1.2 controller from its checked configuration: the geometry of each namespace
// derived from the image size exactly as the original did (seed-emulator-behaviour.md 6), one
// NandMedia per namespace over its share of the image (with its own crash-safe state file: the
// lmetadata mapping), its own bad block table (the lbbtable file), and the controller with the
// 1.2 admin and I/O command sets. createOcssd12Device is the in-process DeviceFactory.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';
import { ChunkType, FileStore, type NandMedia, WallClock, openMedia } from '../media/index.js';
import { type Controller, OCSSD12_ADMIN_COMMANDS, OCSSD12_IO, Ocssd12Namespace, createAdminCommands, type Ocssd12BbtStore } from '../controller/index.js';
import { type DeviceBlueprint, createController, inProcessDevice } from './blueprint.js';
import type { DeviceEnvironment, InProcessDevice } from '../transport/index.js';
import { ocssd12ImageSize, ocssd12Layouts } from './ocssd12-geometry.js';
import type { Ocssd12DeviceConfig } from './ocssd12-options.js';

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
    writeFileAtomic(this.label, table);
  }

}

export interface Ocssd12BuildOptions {
  /** Where ldebug lines go (default: stdout). */
  readonly log?: (line: string) => void;
}

/** The namespaces and controller options of an OCSSD 1.2 device (no transport). */
export function ocssd12Blueprint(c: Ocssd12DeviceConfig, o: Ocssd12BuildOptions = {}): DeviceBlueprint {
  const imageBytes = ocssd12ImageSize(c);
  if (c.drive !== undefined) FileStore.openOrCreate(c.drive, imageBytes).close();
  const layouts = ocssd12Layouts(c, imageBytes);
  // One clock for the controller and every namespace's media, so media completion times are command completion times.
  const clock = new WallClock();
  const namespaces: Ocssd12Namespace[] = [];
  try {
    for (const l of layouts) {
      let media: NandMedia;
      if (c.drive === undefined) {
        media = openMedia({ kind: 'memory' }, { geometry: l.geometry, chunkType: ChunkType.RANDOM, endurance: 0, clock });
      } else {
        const statePath = c.metadataPath !== undefined ? perNamespacePath(c.metadataPath, l.nsid, c.namespaces) : c.namespaces === 1 ? `${c.drive}.ocssd` : `${c.drive}.ns${l.nsid}.ocssd`;
        // A new image: random-write chunks (erase before write, any page order, as the original)
        // that never wear out (the original had no wear). An existing one keeps what it recorded.
        const fresh = !existsSync(statePath);
        media = openMedia({ kind: 'file', path: c.drive, statePath, dataOffset: l.offset }, { geometry: l.geometry, clock, ...(fresh ? { chunkType: ChunkType.RANDOM, endurance: 0 } : {}) });
      }
      try {
        namespaces.push(
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
    for (const ns of namespaces) ns.close();
    throw e;
  }
  return {
    controller: {
      clock,
      admin: [createAdminCommands(), OCSSD12_ADMIN_COMMANDS],
      io: OCSSD12_IO,
      config: { serial: c.serial, mdts: c.mdts, maxIoQueues: c.queues - 1, mqes: c.entries, vwc: c.vwc, sgl: c.sgl, aerl: c.aerl, acl: c.acl, elpe: c.elpe, vid: c.vid, ssvid: c.vid, model: 'ocssd OCSSD 1.2 controller' },
      ...(o.log !== undefined ? { log: o.log } : {}),
    },
    namespaces,
    close() {
      for (const ns of namespaces) ns.close();
    },
  };
}

/** The controller with its namespaces (closing it closes them): for tests and tools. */
export function createOcssd12Controller(c: Ocssd12DeviceConfig, o: Ocssd12BuildOptions = {}): Controller {
  return createController(ocssd12Blueprint(c, o));
}

/** This module's URL, for InProcessTransport.worker({ module: OCSSD12_DEVICE_MODULE, exportName: 'createOcssd12Device' }). */
export const OCSSD12_DEVICE_MODULE = new URL(import.meta.url);

/** The DeviceFactory: the controller over the transport's host memory. ldebug lines go to stdout. */
export function createOcssd12Device(config: Ocssd12DeviceConfig, env: DeviceEnvironment): InProcessDevice {
  return inProcessDevice(ocssd12Blueprint(config), env, true);
}
