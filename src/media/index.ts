// media/: the NAND array (geometry, chunk state, sector data + OOB, wear, bad blocks, faults,
// persistence, clocks). Knows nothing of NVMe.
export { Geometry, GeometryError, validateGeometry, describeGeometry, type GeometryParams, type V12View, type V20View } from './geometry.js';
export { ChunkState, ChunkType, ChunkEvent, CHUNK_STATE_NAMES, CHUNK_TYPE_NAMES, CHUNK_EVENT_NAMES, CHUNK_TRANSITIONS, nextChunkState, canTransition, IllegalChunkTransition } from './chunk-state.js';
export { BadMark, BAD_MARK_NAMES, isBadMark, factoryBadChunks, type FactoryBad } from './bad-blocks.js';
export { DEFAULT_ENDURANCE, MAX_WEAR_INDEX, wearIndex, isWornOut } from './wear.js';
export { FaultInjector, FaultKind, FAULT_KINDS, type FaultRule, type FaultRuleSpec, type FaultTrigger } from './faults.js';
export { type Clock, WallClock, VirtualClock, type TimingModel, ImmediateTiming, MediaOpKind } from './clock.js';
export { type ByteStore } from './store.js';
export { FileStore } from './file-store.js';
export { MemoryStore } from './memory-store.js';
export { OffsetStore } from './offset-store.js';
export { RESIDENT_BYTES_PER_CHUNK, type ChunkRecord } from './chunk-table.js';
export { NandMedia, MediaStatus, MEDIA_STATUS_NAMES, type MediaOp, type ChunkInfo } from './nand-media.js';
export { openMedia, inspectImage, defaultStatePath, ImageError, type Backing, type MediaOptions } from './open-media.js';
