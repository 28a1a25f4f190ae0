// Creating and opening a device image: the raw data image (the original's drive= file) plus our
// state file beside it (default: "<image>.ocssd"). Opening never truncates anything; an image
// made for another geometry is refused with both geometries named.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { crc32c } from '@node-rs/crc32';
import { decode, encode } from '../spec/index.js';
import { type FactoryBad, BadMark, factoryBadChunks } from './bad-blocks.js';
import { ChunkState, ChunkType } from './chunk-state.js';
import { ChunkTable } from './chunk-table.js';
import type { Clock, TimingModel } from './clock.js';
import { FileStore } from './file-store.js';
import { Geometry, type GeometryParams, describeGeometry } from './geometry.js';
import { HEADER_SIZE, STATE_HEADER, STATE_MAGIC, STATE_VERSION, type StateFileLayout, stateFileLayout } from './image-format.js';
import { MemoryStore } from './memory-store.js';
import { OffsetStore } from './offset-store.js';
import { NandMedia } from './nand-media.js';
import type { ByteStore } from './store.js';
import { DEFAULT_ENDURANCE } from './wear.js';
import { dirname } from 'node:path';

export type Backing =
  | {
      readonly kind: 'file';
      /** The raw data image; created sparse when missing. */
      readonly path: string;
      /** The state file; default `${path}.ocssd`. */
      readonly statePath?: string;
      /** Size to give a new data image (at least the geometry's data bytes). */
      readonly imageSize?: number;
      /**
       * Byte of the data image where this media's sectors begin (default 0): a namespace's share
       * of an image several namespaces split. The image must hold dataOffset + the geometry's data bytes.
       */
      readonly dataOffset?: number;
    }
  | { readonly kind: 'memory' };

export interface MediaOptions {
  /** Required to create an image; when opening one, it must match what the image records. */
  readonly geometry?: GeometryParams;
  /** P/E cycles before a chunk wears out (0: never). Recorded at creation. */
  readonly endurance?: number;
  /** Factory-bad chunks of a new image. */
  readonly factoryBad?: FactoryBad;
  /** Chunk type of a new image's chunks (per chunk when a function). */
  readonly chunkType?: ChunkType | ((chunk: number) => ChunkType);
  readonly clock?: Clock;
  readonly timing?: TimingModel;
}

export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

export const defaultStatePath = (imagePath: string): string => `${imagePath}.ocssd`;

/** Opens the media, creating the image when it does not exist yet. */
export function openMedia(backing: Backing, options: MediaOptions = {}): NandMedia {
  if (backing.kind === 'memory') {
    const geometry = requireGeometry(options, 'a memory image');
    const layout = stateFileLayout(geometry.totalChunks, geometry.totalSectors, geometry.oobSize);
    const state = new MemoryStore(layout.stateBytes);
    initialiseState(state, geometry, layout, options);
    return new NandMedia({ geometry, data: new MemoryStore(geometry.dataBytes), state, layout, endurance: options.endurance ?? DEFAULT_ENDURANCE, clock: options.clock, timing: options.timing, label: 'memory' });
  }
  const statePath = backing.statePath ?? defaultStatePath(backing.path);
  const dataOffset = backing.dataOffset ?? 0;
  if (!Number.isInteger(dataOffset) || dataOffset < 0) throw new ImageError(`dataOffset = ${dataOffset}: must be a byte offset >= 0`);
  if (!existsSync(statePath)) createImage(backing.path, statePath, backing.imageSize, options, dataOffset);
  return openExisting(backing.path, statePath, options, dataOffset);
}

/** Reads what an image records about itself, without opening it for I/O. */
export function inspectImage(statePath: string): { geometry: Geometry; endurance: number; layout: StateFileLayout; dataBytes: number; createdMs: number } {
  const store = FileStore.open(statePath);
  try {
    return readHeader(store, statePath);
  } finally {
    store.close();
  }
}

function requireGeometry(options: MediaOptions, what: string): Geometry {
  if (options.geometry === undefined) throw new ImageError(`creating ${what} needs a geometry`);
  return Geometry.create(options.geometry);
}

function createImage(path: string, statePath: string, imageSize: number | undefined, options: MediaOptions, dataOffset: number): void {
  const geometry = requireGeometry(options, `image ${path}`);
  const endurance = options.endurance ?? DEFAULT_ENDURANCE;
  if (!Number.isInteger(endurance) || endurance < 0 || endurance > 0xffffffff) throw new ImageError(`endurance = ${endurance}: allowed 0..4294967295 P/E cycles (0: unlimited)`);
  const existed = existsSync(path);
  const data = FileStore.openOrCreate(path, existed ? 0 : Math.max(imageSize ?? 0, dataOffset + geometry.dataBytes));
  try {
    if (data.size < dataOffset + geometry.dataBytes) {
      throw new ImageError(`image ${path} has ${data.size} bytes but geometry ${geometry.describe()} needs ${geometry.dataBytes}${dataOffset > 0 ? ` from byte ${dataOffset}` : ''}`);
    }
    data.sync();
  } finally {
    data.close();
  }
  // Build the state file under a temporary name and rename it into place, so a crash during
  // creation leaves either no state file or a complete one.
  const tmp = `${statePath}.tmp-${process.pid}`;
  const layout = stateFileLayout(geometry.totalChunks, geometry.totalSectors, geometry.oobSize);
  const state = FileStore.openOrCreate(tmp, layout.stateBytes);
  try {
    initialiseState(state, geometry, layout, { ...options, endurance });
    state.sync();
  } catch (e) {
    state.close();
    rmSync(tmp, { force: true });
    throw e;
  }
  state.close();
  renameSync(tmp, statePath);
  syncDirectory(dirname(statePath));
}

/** Writes a new state file's chunk slots (factory-bad, non-default types) and then its header. */
function initialiseState(state: ByteStore, geometry: Geometry, layout: StateFileLayout, options: MediaOptions): void {
  const table = new ChunkTable(geometry.totalChunks, state, layout.slotsOffset);
  const type = options.chunkType ?? ChunkType.SEQUENTIAL;
  if (type !== ChunkType.SEQUENTIAL) {
    for (let c = 0; c < geometry.totalChunks; c++) {
      const t = typeof type === 'function' ? type(c) : type;
      if (t !== ChunkType.SEQUENTIAL) table.set(c, { ...table.get(c), type: t });
    }
  }
  for (const c of factoryBadChunks(options.factoryBad, geometry.totalChunks)) {
    table.set(c, { ...table.get(c), state: ChunkState.OFFLINE, mark: BadMark.FACTORY });
  }
  const header = encode(STATE_HEADER, {
    magic: STATE_MAGIC,
    version: STATE_VERSION,
    headerSize: HEADER_SIZE,
    ...geometry.params(),
    endurance: options.endurance ?? DEFAULT_ENDURANCE,
    recordSize: layout.recordSize,
    slotsOffset: BigInt(layout.slotsOffset),
    recordsOffset: BigInt(layout.recordsOffset),
    stateBytes: BigInt(layout.stateBytes),
    dataBytes: BigInt(geometry.dataBytes),
    createdMs: BigInt(Date.now()),
  });
  new DataView(header.buffer).setUint32(STATE_HEADER.offset.crc, crc32c(header.subarray(0, STATE_HEADER.offset.crc)), true);
  state.write(header, 0);
}

function readHeader(store: ByteStore, statePath: string): { geometry: Geometry; endurance: number; layout: StateFileLayout; dataBytes: number; createdMs: number } {
  const bytes = new Uint8Array(HEADER_SIZE);
  store.read(bytes, 0);
  const h = decode(STATE_HEADER, bytes);
  if (h.magic !== STATE_MAGIC) throw new ImageError(`${statePath} is not an ocssd state file (magic '${String(h.magic)}', expected '${STATE_MAGIC}')`);
  if (h.version !== STATE_VERSION) throw new ImageError(`${statePath} has state format version ${String(h.version)}; this ocssd reads version ${STATE_VERSION}`);
  if (crc32c(bytes.subarray(0, STATE_HEADER.offset.crc)) !== h.crc) throw new ImageError(`${statePath}: header checksum mismatch (the file is corrupt)`);
  const geometry = Geometry.create({
    groups: h.groups as number,
    pusPerGroup: h.pusPerGroup as number,
    planes: h.planes as number,
    blocksPerPlane: h.blocksPerPlane as number,
    pagesPerBlock: h.pagesPerBlock as number,
    sectorsPerPage: h.sectorsPerPage as number,
    sectorSize: h.sectorSize as number,
    oobSize: h.oobSize as number,
  });
  const layout = stateFileLayout(geometry.totalChunks, geometry.totalSectors, geometry.oobSize);
  if (BigInt(layout.recordsOffset) !== h.recordsOffset || BigInt(layout.stateBytes) !== h.stateBytes || layout.recordSize !== h.recordSize) {
    throw new ImageError(`${statePath}: header offsets do not match its geometry (the file is corrupt)`);
  }
  if (store.size < layout.stateBytes) throw new ImageError(`${statePath} has ${store.size} bytes but its header says ${layout.stateBytes} (the file was cut short)`);
  return { geometry, endurance: h.endurance as number, layout, dataBytes: Number(h.dataBytes), createdMs: Number(h.createdMs) };
}

function openExisting(path: string, statePath: string, options: MediaOptions, dataOffset: number): NandMedia {
  const state = FileStore.open(statePath);
  let data: FileStore | undefined;
  try {
    const h = readHeader(state, statePath);
    if (options.geometry !== undefined && !h.geometry.equals(options.geometry)) {
      throw new ImageError(`image ${path} was created with geometry ${h.geometry.describe()}, but ${describeGeometry(options.geometry)} was requested; use the image's geometry or another image`);
    }
    if (options.endurance !== undefined && options.endurance !== h.endurance) {
      throw new ImageError(`image ${path} was created with endurance ${h.endurance} P/E cycles, but ${options.endurance} was requested`);
    }
    if (!existsSync(path)) throw new ImageError(`state file ${statePath} exists but its data image ${path} is missing`);
    data = FileStore.open(path);
    if (data.size < dataOffset + h.dataBytes) {
      throw new ImageError(`image ${path} has ${data.size} bytes but its geometry ${h.geometry.describe()} needs ${h.dataBytes}${dataOffset > 0 ? ` from byte ${dataOffset}` : ''}`);
    }
    const window = dataOffset === 0 ? data : new OffsetStore(data, dataOffset);
    return new NandMedia({ geometry: h.geometry, data: window, state, layout: h.layout, endurance: h.endurance, clock: options.clock, timing: options.timing, label: path });
  } catch (e) {
    data?.close();
    state.close();
    throw e;
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
