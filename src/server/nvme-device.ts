// A conventional NVMe controller (the original's `-device nvme` without LightNVM): its option
// table, the checked configuration it parses to, and the factory that builds Controller,
// queue engine and namespaces over one image for an in-process transport. The factory's
// argument is plain data, so worker mode can import it by URL (NVME_DEVICE_MODULE).
import { resolve } from 'node:path';
import { type ByteStore, FileStore, MemoryStore } from '../media/index.js';
import { ADMIN_COMMANDS, ConventionalNamespace, NVM_IO } from '../controller/index.js';
import { type DeviceBlueprint, inProcessDevice } from './blueprint.js';
import type { DeviceEnvironment, InProcessDevice } from '../transport/index.js';
import { type OptionSpec, type OptionValues, formatSize, optionError, parseDeviceLine } from './device-options.js';
import { Lver, lverOf } from './lightnvm-options.js';
import { type Ocssd12BuildOptions, ocssd12Blueprint } from './ocssd12-device.js';
import { type Ocssd12DeviceConfig, parseOcssd12Device } from './ocssd12-options.js';
import { type Ocssd20DeviceConfig, ocssd20Blueprint, parseOcssd20Device } from './ocssd20-device.js';

/** Room each namespace needs beyond its blocks (header and block state), so tiny splits are refused early. */
const MIN_NAMESPACE_BYTES = 64 * 1024;

export const NVME_DEVICE_OPTIONS: readonly OptionSpec[] = [
  { name: 'drive', kind: 'string', min: 1, help: 'image file (sparse, created when missing); without it the image lives in memory' },
  { name: 'size', kind: 'size', default: 2 ** 30, min: MIN_NAMESPACE_BYTES, max: 2 ** 50, help: 'image size; a smaller existing drive grows to it (sparse), a larger one keeps its extra bytes unused' },
  { name: 'serial', kind: 'string', default: 'OCSSD0001', min: 1, max: 20, help: 'Identify Controller serial number' },
  { name: 'namespaces', kind: 'uint', default: 1, min: 1, max: 256, help: 'namespaces splitting the image evenly' },
  { name: 'ns_sizes', kind: 'sizes', min: MIN_NAMESPACE_BYTES, max: 2 ** 50, help: 'namespace sizes instead of an even split (ocssd extension)' },
  { name: 'queues', kind: 'uint', default: 64, min: 2, max: 2048, help: 'queue pairs including the admin queue' },
  { name: 'entries', kind: 'uint', default: 0x7ff, min: 1, max: 0xffff, help: 'CAP.MQES, max entries per queue (0\'s based)' },
  { name: 'mdts', kind: 'uint', default: 10, min: 0, max: 16, help: 'max transfer 2^mdts x 4 KiB (0 = no limit)' },
  { name: 'nlbaf', kind: 'uint', default: 5, min: 1, max: 16, help: 'LBA formats offered (512 B x 2^k)' },
  { name: 'lba_index', kind: 'uint', default: 3, min: 0, max: 15, help: 'LBA format of a new namespace, below nlbaf (3 = 4 KiB)' },
  { name: 'meta', kind: 'uint', default: 0, min: 0, max: 0xffff, help: 'metadata bytes per block of the upper half of the LBA formats' },
  { name: 'extended', kind: 'bool', default: false, help: 'metadata inline after each block (extended LBA) rather than through MPTR' },
  { name: 'vwc', kind: 'bool', default: false, help: 'volatile write cache present (Flush and FUA then sync the image)' },
  { name: 'sgl', kind: 'bool', default: true, help: 'accept SGL data pointers' },
];

/** The checked configuration of a conventional NVMe device. Plain data (worker-cloneable). */
export interface ConventionalDeviceConfig {
  readonly lver: 0;
  /** Image path, or undefined for an in-memory image. */
  readonly drive: string | undefined;
  readonly size: number;
  readonly serial: string;
  /** Byte size of each namespace, in NSID order. */
  readonly namespaceBytes: readonly number[];
  readonly queues: number;
  readonly entries: number;
  readonly mdts: number;
  readonly nlbaf: number;
  readonly lbaIndex: number;
  readonly meta: number;
  readonly extended: boolean;
  readonly vwc: boolean;
  readonly sgl: boolean;
}

/** Any device `-device nvme,...` describes, told apart by `lver` (LightNVM version). */
export type NvmeDeviceConfig = ConventionalDeviceConfig | Ocssd12DeviceConfig | Ocssd20DeviceConfig;

/**
 * Parses `nvme,drive=...,serial=...` (the model word is optional) into a checked configuration:
 * lver=0 (or none) a conventional controller, lver=1 the OCSSD 1.2 personality.
 */
export function parseNvmeDevice(line: string): NvmeDeviceConfig {
  const lver = lverOf(line);
  if (lver === Lver.OCSSD12) return parseOcssd12Device(line);
  if (lver === Lver.OCSSD20) return parseOcssd20Device(line);
  const v = parseDeviceLine(withoutLver(line), NVME_DEVICE_OPTIONS);
  if (v['model'] !== undefined && v['model'] !== 'nvme') optionError('model', v['model'], "allowed 'nvme' (a conventional NVMe controller)");
  return nvmeDeviceConfig(v);
}

/** The line without its `lver=0` word (the conventional table has no LightNVM options). */
const withoutLver = (line: string): string =>
  line
    .split(',')
    .filter((w) => w.split('=')[0]!.trim() !== 'lver')
    .join(',');

export function nvmeDeviceConfig(v: OptionValues): ConventionalDeviceConfig {
  const size = v['size'] as number;
  const nlbaf = v['nlbaf'] as number;
  const lbaIndex = v['lba_index'] as number;
  if (lbaIndex >= nlbaf) optionError('lba_index', lbaIndex, `allowed 0..${nlbaf - 1} (below nlbaf=${nlbaf})`);
  const explicit = v['ns_sizes'] as readonly number[] | undefined;
  let namespaceBytes: number[];
  if (explicit !== undefined) {
    const total = explicit.reduce((a, b) => a + b, 0);
    if (total > size) optionError('ns_sizes', explicit, `together ${formatSize(total)}, more than size=${formatSize(size)}`);
    if (v['namespaces'] !== 1 && v['namespaces'] !== explicit.length) optionError('namespaces', v['namespaces'], `ns_sizes names ${explicit.length} namespaces`);
    namespaceBytes = explicit.map((b) => b - (b % 4096));
  } else {
    const n = v['namespaces'] as number;
    // The original's even split (ns_size = file / namespaces), kept 4 KiB aligned.
    const each = Math.floor(size / n / 4096) * 4096;
    if (each < MIN_NAMESPACE_BYTES) optionError('namespaces', n, `size=${formatSize(size)} leaves ${each} bytes each; allowed at most ${Math.floor(size / MIN_NAMESPACE_BYTES)}`);
    namespaceBytes = new Array<number>(n).fill(each);
  }
  const drive = v['drive'] as string | undefined;
  return {
    lver: 0,
    drive: drive === undefined ? undefined : resolve(drive),
    size,
    serial: v['serial'] as string,
    namespaceBytes,
    queues: v['queues'] as number,
    entries: v['entries'] as number,
    mdts: v['mdts'] as number,
    nlbaf,
    lbaIndex,
    meta: v['meta'] as number,
    extended: v['extended'] as boolean,
    vwc: v['vwc'] as boolean,
    sgl: v['sgl'] as boolean,
  };
}

/** This module's URL, for InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice' }). */
export const NVME_DEVICE_MODULE = new URL(import.meta.url);

/** The namespaces and controller options of a conventional device over its image. */
export function conventionalBlueprint(config: ConventionalDeviceConfig): DeviceBlueprint {
  const store: ByteStore = config.drive === undefined ? new MemoryStore(config.size) : FileStore.openOrCreate(config.drive, config.size);
  const namespaces: ConventionalNamespace[] = [];
  try {
    let offset = 0;
    config.namespaceBytes.forEach((bytes, i) => {
      if (offset + bytes > store.size) optionError('ns_sizes', config.namespaceBytes, `the drive holds ${formatSize(store.size)}`);
      namespaces.push(new ConventionalNamespace({ nsid: i + 1, store, offset, bytes, nlbaf: config.nlbaf, lbaIndex: config.lbaIndex, ms: config.meta, extended: config.extended, serial: config.serial }));
      offset += bytes;
    });
  } catch (e) {
    store.close();
    throw e;
  }
  return {
    controller: {
      admin: [ADMIN_COMMANDS],
      io: NVM_IO,
      config: { serial: config.serial, mdts: config.mdts, maxIoQueues: config.queues - 1, mqes: config.entries, vwc: config.vwc, sgl: config.sgl },
    },
    namespaces,
    close() {
      for (const ns of namespaces) ns.close();
      store.close();
    },
  };
}

/** The blueprint of any `-device nvme,...` configuration, by its personality. */
export function nvmeBlueprint(config: NvmeDeviceConfig, o: Ocssd12BuildOptions = {}): DeviceBlueprint {
  if (config.lver === Lver.OCSSD12) return ocssd12Blueprint(config, o);
  if (config.lver === Lver.OCSSD20) return ocssd20Blueprint(config);
  return conventionalBlueprint(config);
}

/** Builds the device over the transport's host memory (a DeviceFactory). */
export function createNvmeDevice(config: NvmeDeviceConfig, env: DeviceEnvironment): InProcessDevice {
  return inProcessDevice(nvmeBlueprint(config), env, true);
}
