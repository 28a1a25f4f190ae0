// An OCSSD 2.0 device (the original's `-device nvme,...,lver=2` / `next`'s ocssd-ns): the checked
// configuration its option line parses to, and the factory that builds media, namespace,
// controller and queue engine for an in-process transport. The configuration is plain data, so
// worker mode can import the factory by URL (OCSSD20_DEVICE_MODULE).
import { resolve } from 'node:path';
import { type Clock, FaultKind, Geometry, WallClock, openMedia } from '../media/index.js';
import { Ocssd20Namespace, ocssd20AdminCommands, ocssd20IoTable } from '../controller/index.js';
import { type DeviceBlueprint, inProcessDevice } from './blueprint.js';
import type { DeviceEnvironment, InProcessDevice } from '../transport/index.js';
import { type OptionValues, formatSize, optionError, parseDeviceLine } from './device-options.js';
import {
  OCSSD20_DEVICE_OPTIONS,
  type ChunkStateLine,
  type FailLine,
  parseChunkStateFile,
  parseResetFailFile,
  parseWriteFailFile,
  readOptionFile,
} from './ocssd20-options.js';

/** A memory image (no drive=) larger than this is refused: it would live in RAM. */
export const MAX_MEMORY_IMAGE = 2 ** 30;

export interface Ocssd20DeviceConfig {
  readonly lver: 2;
  readonly drive: string | undefined;
  /** The media state file (lmetadata); default <drive>.ocssd. */
  readonly statePath: string | undefined;
  readonly serial: string;
  readonly numGrp: number;
  readonly numPu: number;
  readonly numChk: number;
  readonly clba: number;
  readonly lbads: number;
  readonly ms: number;
  /** Effective MCCAP (early_reset applied). */
  readonly mccap: number;
  readonly wit: number;
  readonly peCycles: number;
  readonly wsMin: number;
  readonly wsOpt: number;
  readonly mwCunits: number;
  readonly maxoc: number;
  readonly maxocpu: number;
  readonly dlfeat: number;
  /** The text files, parsed (applied at every start, as the original does). */
  readonly chunkStates: readonly ChunkStateLine[];
  readonly resetFail: readonly FailLine[];
  readonly writeFail: readonly FailLine[];
  readonly faultSeed: number;
  readonly queues: number;
  readonly entries: number;
  readonly mdts: number;
  readonly vwc: boolean;
  readonly sgl: boolean;
}

/** Parses `nvme,lver=2,num_grp=...` (the model word is optional) into a checked configuration. */
export function parseOcssd20Device(line: string): Ocssd20DeviceConfig {
  const v = parseDeviceLine(line, OCSSD20_DEVICE_OPTIONS);
  if (v['model'] !== undefined && v['model'] !== 'nvme' && v['model'] !== 'ocssd') optionError('model', v['model'], "allowed 'nvme' (with lver=2) or 'ocssd'");
  return ocssd20DeviceConfig(v);
}

export function ocssd20DeviceConfig(v: OptionValues): Ocssd20DeviceConfig {
  const u = (k: string): number => v[k] as number;
  const numGrp = u('num_grp');
  const numPu = u('num_pu');
  const numChk = u('num_chk');
  const clba = u('clba');
  const wsMin = u('ws_min');
  const wsOpt = u('ws_opt');
  const mwCunits = u('mw_cunits');
  if (clba % wsMin !== 0) optionError('ws_min', wsMin, `must divide clba=${clba}`);
  if (wsOpt % wsMin !== 0 || wsOpt > clba) optionError('ws_opt', wsOpt, `must be a multiple of ws_min=${wsMin}, at most clba=${clba}`);
  if (mwCunits >= clba) optionError('mw_cunits', mwCunits, `allowed 0..${clba - 1} (below clba=${clba})`);
  const totalChunks = numGrp * numPu * numChk;
  if (u('maxoc') > totalChunks) optionError('maxoc', u('maxoc'), `allowed 0..${totalChunks} (the device has that many chunks)`);
  if (u('maxocpu') > numChk) optionError('maxocpu', u('maxocpu'), `allowed 0..${numChk} (num_chk)`);
  const geometry = geometryOf({ numGrp, numPu, numChk, clba, lbads: u('lbads'), ms: u('ms') });
  const drive = v['drive'] as string | undefined;
  if (drive === undefined && geometry.dataBytes > MAX_MEMORY_IMAGE) {
    optionError('drive', undefined, `a ${formatSize(geometry.dataBytes)} device needs drive=<file>; without it the image lives in memory, at most ${formatSize(MAX_MEMORY_IMAGE)}`);
  }
  const lim = { numGrp, numPu, numChk, clba };
  const file = <T>(name: string, parse: (text: string, l: typeof lim, path: string) => T[]): T[] => {
    const path = v[name] as string | undefined;
    return path === undefined ? [] : parse(readOptionFile(name, path), lim, path);
  };
  const early = v['early_reset'] as boolean;
  const lmetadata = v['lmetadata'] as string | undefined;
  if (lmetadata !== undefined && drive === undefined) optionError('lmetadata', lmetadata, 'needs drive=<file> (a memory image keeps its state in memory)');
  return {
    lver: 2,
    drive: drive === undefined ? undefined : resolve(drive),
    statePath: lmetadata === undefined ? undefined : resolve(lmetadata),
    serial: v['serial'] as string,
    numGrp,
    numPu,
    numChk,
    clba,
    lbads: u('lbads'),
    ms: u('ms'),
    mccap: early ? u('mccap') | 0x4 : u('mccap') & ~0x4,
    wit: u('wit'),
    peCycles: u('pe_cycles'),
    wsMin,
    wsOpt,
    mwCunits,
    maxoc: u('maxoc'),
    maxocpu: u('maxocpu'),
    dlfeat: u('dlfeat'),
    chunkStates: file('lchunkstate', parseChunkStateFile),
    resetFail: file('lresetfail', parseResetFailFile),
    writeFail: file('lwritefail', parseWriteFailFile),
    faultSeed: u('fault_seed'),
    queues: u('queues'),
    entries: u('entries'),
    mdts: u('mdts'),
    vwc: v['vwc'] as boolean,
    sgl: v['sgl'] as boolean,
  };
}

function geometryOf(c: { numGrp: number; numPu: number; numChk: number; clba: number; lbads: number; ms: number }): Geometry {
  try {
    return Geometry.fromV20({ numGroups: c.numGrp, numPu: c.numPu, numChunk: c.numChk, clba: c.clba, sectorSize: 2 ** c.lbads, oobSize: c.ms });
  } catch (e) {
    return optionError('num_grp', c.numGrp, `the geometry is refused: ${(e as Error).message}`);
  }
}

/** This module's URL, for InProcessTransport.worker({ module: OCSSD20_DEVICE_MODULE, exportName: 'createOcssd20Device' }). */
export const OCSSD20_DEVICE_MODULE = new URL(import.meta.url);

export interface Ocssd20Device extends InProcessDevice {
  /** The namespace (NSID 1): fault injection and chunk inspection for the control API. */
  readonly namespace: Ocssd20Namespace;
}

/**
 * Opens the media and builds the namespace with the text files applied. `clock` must be the
 * controller's: media completion times are read on it.
 */
export function openOcssd20Namespace(config: Ocssd20DeviceConfig, clock: Clock, nsid = 1): Ocssd20Namespace {
  const geometry = geometryOf(config);
  const media = openMedia(config.drive === undefined ? { kind: 'memory' } : { kind: 'file', path: config.drive, ...(config.statePath !== undefined ? { statePath: config.statePath } : {}) }, { geometry: geometry.params(), endurance: config.peCycles, clock });
  try {
    const ns = new Ocssd20Namespace({
      nsid,
      media,
      serial: config.serial,
      mccap: config.mccap,
      wit: config.wit,
      wsMin: config.wsMin,
      wsOpt: config.wsOpt,
      mwCunits: config.mwCunits,
      maxoc: config.maxoc,
      maxocpu: config.maxocpu,
      dlfeat: config.dlfeat,
      io: ocssd20IoTable(config.mccap),
    });
    for (const s of config.chunkStates) ns.overrideChunk(s, s);
    const seed = config.faultSeed;
    config.resetFail.forEach((f, i) => armFile(ns, FaultKind.ERASE_FAIL, f, seed + i));
    config.writeFail.forEach((f, i) => armFile(ns, FaultKind.PROGRAM_FAIL, f, seed + config.resetFail.length + i));
    return ns;
  } catch (e) {
    media.close();
    throw e;
  }
}

/** A file's probability as a fault rule: 100 = always, 0 = never (no rule). */
function armFile(ns: Ocssd20Namespace, kind: FaultKind, f: FailLine, seed: number): void {
  if (f.prob === 0) return;
  const trigger = f.prob >= 100 ? ({ mode: 'count', times: Infinity } as const) : ({ mode: 'probability', probability: f.prob / 100, seed } as const);
  ns.injectFault({ kind, chunk: f, ...(f.sec !== undefined ? { sec: f.sec } : {}), trigger });
}

/** The namespace and controller options of an OCSSD 2.0 device (no transport). */
export function ocssd20Blueprint(config: Ocssd20DeviceConfig): DeviceBlueprint & { readonly namespace: Ocssd20Namespace } {
  const clock = new WallClock();
  const namespace = openOcssd20Namespace(config, clock);
  return {
    controller: {
      clock,
      admin: ocssd20AdminCommands(),
      io: namespace.io,
      config: { serial: config.serial, model: 'ocssd OCSSD 2.0 controller', firmware: '2.0', mdts: config.mdts, maxIoQueues: config.queues - 1, mqes: config.entries, vwc: config.vwc, sgl: config.sgl },
    },
    namespaces: [namespace],
    namespace,
    close: () => namespace.close(),
  };
}

/** Builds the device over the transport's host memory (a DeviceFactory). */
export function createOcssd20Device(config: Ocssd20DeviceConfig, env: DeviceEnvironment): Ocssd20Device {
  const bp = ocssd20Blueprint(config);
  return { ...inProcessDevice(bp, env, true), namespace: bp.namespace };
}
