// ftl/: the pblk-like host FTL. Runs over any ChunkDevice (OCSSD 2.0 or 1.2 through the host
// library); exports targets as BlockVolumes.
export { ChunkIoStatus, CHUNK_IO_STATUS_NAMES, ChunkReportState, checkChunkGeometry, deviceAddress, splitAddress, type ChunkDescriptor, type ChunkDevice, type ChunkGeometry, type VectorResult } from './chunk-device.js';
export { DEFAULT_OP, CAPACITY_RULES, pblkCapacity, checkOp, type CapacityRule, type CapacityInput } from './capacity.js';
export { LineState, LineEvent, LINE_STATE_NAMES, LINE_EVENT_NAMES, LINE_TRANSITIONS, nextLineState, IllegalLineTransition } from './line-state.js';
export { GC_POLICIES, pickVictim, greedyWaModel, type GcPolicyName, type VictimCandidate } from './gc-policy.js';
export { LineLayout, targetShape, emetaUnits, devAddr, type TargetShape } from './line-layout.js';
export { SMETA_HEADER, EMETA_HEADER, NO_LBA, encodeSmeta, decodeSmeta, encodeEmeta, decodeEmeta, type Smeta } from './meta-format.js';
export { Ftl, UNMAPPED, CACHE } from './ftl.js';
export { FtlIoError, FtlNoSpaceError, type FtlStats, type FtlTuning, type TargetInfo, type LineInfo } from './ftl-types.js';
export { createTarget, openTarget, discoverTargets, removeTarget, metaSectors, FtlVolume, type CreateTargetOptions, type OpenTargetOptions } from './target.js';
export { Ocssd20ChunkDevice } from './ocssd20-device.js';
export { Ocssd12ChunkDevice } from './ocssd12-device.js';
