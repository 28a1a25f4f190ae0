// The OCSSD 1.2 personality's `-device nvme,...,lver=1,...` options: every option of the
// original's 1.2 device that applies (seed-emulator-behaviour.md 1.1, 1.2), with its name,
// meaning and default, plus a few ocssd extensions (size, lnum_blk, lchannels per namespace,
// sgl). The checked configuration is plain data (worker-cloneable), like NvmeDeviceConfig.
// Options the original had but that mean nothing here are accepted at their only sensible
// value, so old command lines keep working, and anything else is refused by range.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type OptionSpec, type OptionValues, optionError, optionListError, parseDeviceLine } from './device-options.js';
import { LIGHTNVM_COMMON_OPTIONS } from './lightnvm-options.js';
import { ocssd12ImageSize, ocssd12Layouts } from './ocssd12-geometry.js';

export { OCSSD12_DEFAULT_IMAGE_SIZE } from './ocssd12-geometry.js';

export const OCSSD12_DEVICE_OPTIONS: readonly OptionSpec[] = [
  // ---- the NVMe controller (1.1) ----
  { name: 'drive', kind: 'string', min: 1, help: 'image file; its size gives the geometry (created sparse with size= when missing); without it the image lives in memory' },
  { name: 'size', kind: 'size', min: 64 * 1024, max: 2 ** 50, help: 'size of a new or in-memory image (default 1G); a smaller existing drive grows to it (ocssd extension)' },
  { name: 'serial', kind: 'string', default: 'OCSSD0001', min: 1, max: 20, help: 'Identify Controller serial number' },
  { name: 'namespaces', kind: 'uint', default: 1, min: 1, max: 256, help: 'namespaces splitting the image evenly (ns_size = size / namespaces)' },
  { name: 'queues', kind: 'uint', default: 64, min: 2, max: 2048, help: 'queue pairs including the admin queue' },
  { name: 'entries', kind: 'uint', default: 0x7ff, min: 1, max: 0xffff, help: "CAP.MQES, max entries per queue (0's based)" },
  { name: 'mdts', kind: 'uint', default: 10, min: 0, max: 16, help: 'max transfer 2^mdts x 4 KiB (0 = no limit)' },
  { name: 'nlbaf', kind: 'uint', default: 5, min: 1, max: 16, help: 'LBA formats offered (512 B x 2^k)' },
  { name: 'lba_index', kind: 'uint', default: 3, min: 0, max: 15, help: 'LBA format in use, below nlbaf; its size must equal lsec_size (3 = 4 KiB)' },
  { name: 'meta', kind: 'uint', default: 0, min: 0, max: 0, help: 'NVMe metadata per block: not offered on 1.2 (the original failed every I/O with it); OOB bytes come from lmetasize' },
  { name: 'vwc', kind: 'bool', default: false, help: 'volatile write cache present (Flush then syncs the image)' },
  { name: 'aerl', kind: 'uint', default: 3, min: 0, max: 255, help: "Asynchronous Event Request limit (0's based)" },
  { name: 'acl', kind: 'uint', default: 3, min: 0, max: 255, help: "Abort command limit (0's based)" },
  { name: 'elpe', kind: 'uint', default: 3, min: 0, max: 255, help: "error log entries (0's based)" },
  { name: 'vid', kind: 'uint', default: 0x1d1d, min: 0, max: 0xffff, help: 'PCI vendor ID shown in Identify Controller VID and SSVID (0x1d1d CNEX: what Linux\'s LightNVM quirk matches)' },
  { name: 'did', kind: 'uint', default: 0x1f1f, min: 0, max: 0xffff, help: 'PCI device ID (0x1f1f "QEMU LightNVM"); accepted for old command lines, no PCI function is modelled' },
  { name: 'sgl', kind: 'bool', default: true, help: 'accept SGL data pointers (ocssd extension)' },
  // ---- LightNVM (1.2) ----
  ...LIGHTNVM_COMMON_OPTIONS,
  { name: 'll2pmode', kind: 'uint', default: 0, min: 0, max: 1, help: 'identity DOM: 0 host-based FTL (pblk), 1 device-side L2P "hybrid" (pblk refuses it; lifts the one-page minimum write)' },
  { name: 'lsec_size', kind: 'uint', default: 4096, min: 512, max: 65536, help: 'sector size (csecs), a power of two equal to the LBA size lba_index selects' },
  { name: 'lsecs_per_pg', kind: 'uint', default: 1, min: 1, max: 255, help: 'sectors per flash page (fpg_sz = lsec_size x lsecs_per_pg, at most 65535)' },
  { name: 'lpgs_per_blk', kind: 'uint', default: 256, min: 1, max: 65535, help: 'pages per block' },
  { name: 'lmtype', kind: 'uint', default: 0, min: 0, max: 255, help: 'identity media type (0 NAND; Linux refuses others)' },
  { name: 'lfmtype', kind: 'uint', default: 0, min: 0, max: 255, help: 'identity flash type (0 SLC, 1 MLC)' },
  { name: 'lnum_ch', kind: 'uint', default: 1, min: 1, max: 255, help: 'channels per namespace (real channels: each has its own LUNs and storage)' },
  { name: 'lnum_lun', kind: 'uint', default: 1, min: 1, max: 255, help: 'LUNs per channel' },
  { name: 'lnum_pln', kind: 'uint', default: 1, min: 1, max: 4, help: 'planes per LUN: 1, 2 or 4' },
  { name: 'lnum_blk', kind: 'uint', default: 0, min: 0, max: 65535, help: 'blocks per plane; 0 derives them from the image size as the original did (ocssd extension)' },
  { name: 'lchannels', kind: 'uints', min: 1, max: 255, help: "channels of each namespace, ':'-separated (one value: every namespace); overrides lnum_ch (from the seed README)" },
  { name: 'ltype', kind: 'uint', default: 0, min: 0, max: 0, help: 'LightNVM type from the seed README: 0 block addressable (the only kind there is)' },
  { name: 'lreadl2ptbl', kind: 'uint', default: 1, min: 0, max: 1, help: 'read the device-side L2P table at start: accepted; host-based mode keeps no L2P' },
  {
    name: 'lbbtable',
    kind: 'string',
    min: 1,
    help: 'bad block table file in the original\'s raw format (one byte per lun x blk x pln), read at start, rewritten atomically on Set BBT; with several namespaces namespace n uses <file>.ns<n>',
  },
  { name: 'lbbfrequency', kind: 'uint', default: 0, min: 0, max: 255, help: 'accepted for old command lines; no effect (the original\'s generator was commented out)' },
];

/** The checked configuration of an OCSSD 1.2 device. Plain data (worker-cloneable). */
export interface Ocssd12DeviceConfig {
  readonly lver: 1;
  /** Image path, or undefined for an in-memory image. */
  readonly drive: string | undefined;
  /** Size for a new or in-memory image; undefined: an existing drive's own size, else 1 GiB. */
  readonly size: number | undefined;
  readonly serial: string;
  readonly namespaces: number;
  readonly queues: number;
  readonly entries: number;
  readonly mdts: number;
  readonly nlbaf: number;
  readonly lbaIndex: number;
  readonly vwc: boolean;
  readonly aerl: number;
  readonly acl: number;
  readonly elpe: number;
  readonly vid: number;
  readonly sgl: boolean;
  readonly sectorSize: number;
  readonly sectorsPerPage: number;
  readonly pagesPerBlock: number;
  readonly lunsPerChannel: number;
  readonly planes: number;
  /** 0: derived from the image size. */
  readonly blocksPerPlane: number;
  /** Channels of each namespace, in NSID order. */
  readonly channels: readonly number[];
  readonly oobSize: number;
  readonly dom: number;
  readonly mtype: number;
  readonly fmtype: number;
  readonly maxPpas: number;
  readonly strict: boolean;
  readonly errWriteThreshold: number;
  readonly errWriteCount: number;
  readonly debug: boolean;
  /** Resolved lmetadata / lbbtable paths (per-namespace names are derived from them). */
  readonly metadataPath: string | undefined;
  readonly bbtablePath: string | undefined;
}

/** Parses `nvme,...,lver=1,...` (the model word is optional) into a checked 1.2 configuration. */
export function parseOcssd12Device(line: string): Ocssd12DeviceConfig {
  const v = parseDeviceLine(line, OCSSD12_DEVICE_OPTIONS);
  if (v['model'] !== undefined && v['model'] !== 'nvme') optionError('model', v['model'], "allowed 'nvme' (the original's device model)");
  return ocssd12DeviceConfig(v);
}

/** Cross-option checks and the configuration, from parsed values (a `-device` line or a JSON file). */
export function ocssd12DeviceConfig(v: OptionValues): Ocssd12DeviceConfig {
  const num = (k: string): number => v[k] as number;
  if (num('lver') !== 1) optionError('lver', v['lver'], 'this is the OCSSD 1.2 personality: lver=1');
  const nlbaf = num('nlbaf');
  const lbaIndex = num('lba_index');
  if (lbaIndex >= nlbaf) optionError('lba_index', lbaIndex, `allowed 0..${nlbaf - 1} (below nlbaf=${nlbaf})`);
  const sectorSize = num('lsec_size');
  if ((sectorSize & (sectorSize - 1)) !== 0) optionError('lsec_size', sectorSize, 'allowed a power of two 512..65536');
  if (512 * 2 ** lbaIndex !== sectorSize) optionError('lba_index', lbaIndex, `gives ${512 * 2 ** lbaIndex}-byte blocks; it must select lsec_size=${sectorSize} (lba_index=${Math.log2(sectorSize / 512)})`);
  const spp = num('lsecs_per_pg');
  if (sectorSize * spp > 0xffff) optionError('lsecs_per_pg', spp, `lsec_size=${sectorSize} x ${spp} = ${sectorSize * spp} bytes per flash page; the identity's FPG_SZ holds at most 65535 (allowed 1..${Math.floor(0xffff / sectorSize)})`);
  const planes = num('lnum_pln');
  if (planes === 3) optionError('lnum_pln', planes, 'allowed 1, 2 or 4');
  const namespaces = num('namespaces');
  const list = v['lchannels'] as readonly number[] | undefined;
  if (list !== undefined && list.length !== 1 && list.length !== namespaces) optionListError('lchannels', list, `names ${list.length} namespaces, but namespaces=${namespaces} (give one value for all, or one per namespace)`);
  const channels = list === undefined ? new Array<number>(namespaces).fill(num('lnum_ch')) : list.length === 1 ? new Array<number>(namespaces).fill(list[0]!) : [...list];
  const drive = v['drive'] as string | undefined;
  const metadata = v['lmetadata'] as string | undefined;
  if (metadata !== undefined && drive === undefined) optionError('lmetadata', metadata, 'needs drive= (an in-memory image keeps its state in memory)');
  const bbtable = v['lbbtable'] as string | undefined;
  // Files are created on demand, but not their directories: say so now rather than at the first Set BBT.
  for (const [name, path] of [['drive', drive], ['lmetadata', metadata], ['lbbtable', bbtable]] as const) {
    if (path !== undefined && !existsSync(dirname(resolve(path)))) optionError(name, path, `its directory ${dirname(resolve(path))} does not exist`);
  }
  const config: Ocssd12DeviceConfig = {
    lver: 1,
    drive: drive === undefined ? undefined : resolve(drive),
    size: v['size'] as number | undefined,
    serial: v['serial'] as string,
    namespaces,
    queues: num('queues'),
    entries: num('entries'),
    mdts: num('mdts'),
    nlbaf,
    lbaIndex,
    vwc: v['vwc'] as boolean,
    aerl: num('aerl'),
    acl: num('acl'),
    elpe: num('elpe'),
    vid: num('vid'),
    sgl: v['sgl'] as boolean,
    sectorSize,
    sectorsPerPage: spp,
    pagesPerBlock: num('lpgs_per_blk'),
    lunsPerChannel: num('lnum_lun'),
    planes,
    blocksPerPlane: num('lnum_blk'),
    channels,
    oobSize: num('lmetasize'),
    dom: num('ll2pmode'),
    mtype: num('lmtype'),
    fmtype: num('lfmtype'),
    maxPpas: num('lmax_sec_per_rq'),
    strict: v['lstrict'] as boolean,
    errWriteThreshold: num('lb_err_write'),
    errWriteCount: num('ln_err_write'),
    debug: v['ldebug'] as boolean,
    metadataPath: metadata === undefined ? undefined : resolve(metadata),
    bbtablePath: bbtable === undefined ? undefined : resolve(bbtable),
  };
  // The geometry follows from the image: check now that every namespace gets one, so a bad
  // combination is an option error before any file is created.
  ocssd12Layouts(config, ocssd12ImageSize(config));
  return config;
}
