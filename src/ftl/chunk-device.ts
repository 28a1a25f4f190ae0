// What the FTL needs of an open-channel device, in OCSSD 2.0 terms. Linux's lightnvm core gives
// pblk the same 2.0 view of a 1.2 device (a chunk is a multi-plane block, ws_min = sectors per
// page x planes), so one FTL runs on both: `ocssd20-device.ts` and `ocssd12-device.ts` adapt the
// host library's helpers to this interface.
//
// Addresses are plain numbers, the device-linear sector index
//   ((group * numPu + pu) * numChunk + chunk) * clba + sector
// so the FTL never builds address objects on its I/O path; adapters turn them into 2.0 LBAs or
// 1.2 PPAs.

export interface ChunkGeometry {
  readonly numGroups: number;
  /** Parallel units per group. */
  readonly numPu: number;
  /** Chunks per parallel unit. */
  readonly numChunk: number;
  /** Sectors per chunk. */
  readonly clba: number;
  /** Minimum write unit (sectors); every write to a chunk is a multiple of it. */
  readonly wsMin: number;
  /** Optimal write unit (sectors), a multiple of wsMin. */
  readonly wsOpt: number;
  /** Sectors that must be written after a sector before that sector can be read (0: at once). */
  readonly mwCunits: number;
  /** Data bytes per sector (4096 for the FTL). */
  readonly sectorSize: number;
  /** OOB (metadata) bytes per sector. */
  readonly oobSize: number;
  /** Largest vector (addresses per command); at most 64. */
  readonly maxVector: number;
}

/** Chunk states as the 2.0 chunk report gives them. */
export const ChunkReportState = { FREE: 1, CLOSED: 2, OPEN: 4, OFFLINE: 8 } as const;
export type ChunkReportState = (typeof ChunkReportState)[keyof typeof ChunkReportState];

export interface ChunkDescriptor {
  readonly state: ChunkReportState;
  /** Write pointer (sectors written since the last reset). */
  readonly wp: number;
  /** 0..255: erase count relative to endurance. */
  readonly wearIndex: number;
}

/**
 * Outcome of one vector command. `status` is the first problem (OK when none); `failed` has bit
 * i set when entry i failed (the 2.0 completion's failed-LBA bitmap), 0n when all succeeded.
 */
export const ChunkIoStatus = {
  OK: 0,
  /** Write: the program failed; the chunk is closed early (readable up to its write pointer). */
  WRITE_FAIL: 1,
  /** Read: a sector never written since the chunk's last reset. */
  UNWRITTEN: 2,
  /** Read: data could not be corrected (not returned). */
  UNCORRECTABLE: 3,
  /** Read: data returned, but close to the ECC limit (refresh advised). */
  HIGH_ECC: 4,
  /** Reset: the erase failed; the chunk is now offline. */
  RESET_FAIL: 5,
  /** The chunk is offline or marked bad. */
  OFFLINE: 6,
  /** Write refused: not at the write pointer, chunk full, or not a multiple of ws_min. */
  INVALID_WRITE: 7,
  /** Any other failure (transport, controller). */
  ERROR: 8,
} as const;
export type ChunkIoStatus = (typeof ChunkIoStatus)[keyof typeof ChunkIoStatus];

export const CHUNK_IO_STATUS_NAMES: Readonly<Record<ChunkIoStatus, string>> = {
  0: 'ok',
  1: 'write-fail',
  2: 'unwritten',
  3: 'uncorrectable',
  4: 'high-ecc',
  5: 'reset-fail',
  6: 'offline',
  7: 'invalid-write',
  8: 'error',
};

export interface VectorResult {
  readonly status: ChunkIoStatus;
  readonly failed: bigint;
}

export interface ChunkDevice {
  readonly geometry: ChunkGeometry;
  /** Device name for messages ("nvme0n1"). */
  readonly name: string;
  /**
   * Writes `count` sectors at `addrs[0..count)` (in order; sectors of one chunk consecutive from
   * its write pointer) from `data` (count x sectorSize) with `oob` (count x oobSize).
   */
  write(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob: Uint8Array): Promise<VectorResult>;
  /** Reads `count` sectors into `data` and, when given, their OOB into `oob`. */
  read(addrs: ArrayLike<number>, count: number, data: Uint8Array, oob?: Uint8Array): Promise<VectorResult>;
  /** Resets (erases) the chunks whose first sectors are `addrs[0..count)`. */
  reset(addrs: ArrayLike<number>, count: number): Promise<VectorResult>;
  /** The chunk report of every chunk, indexed by (group * numPu + pu) * numChunk + chunk. */
  chunkReport(): Promise<ChunkDescriptor[]>;
  /** Makes completed writes durable (NVMe Flush). */
  flush(): Promise<void>;
}

/** Device-linear sector address of (global PU, chunk, sector); global PU = group * numPu + pu. */
export const deviceAddress = (g: ChunkGeometry, globalPu: number, chunk: number, sector: number): number => (globalPu * g.numChunk + chunk) * g.clba + sector;

/** Splits a device-linear address; for adapters. */
export function splitAddress(g: ChunkGeometry, addr: number): { group: number; pu: number; chunk: number; sector: number } {
  const sector = addr % g.clba;
  const c = (addr - sector) / g.clba;
  const chunk = c % g.numChunk;
  const gp = (c - chunk) / g.numChunk;
  return { group: Math.floor(gp / g.numPu), pu: gp % g.numPu, chunk, sector };
}

/** Problems with a geometry for the FTL (empty when usable). */
export function checkChunkGeometry(g: ChunkGeometry): string[] {
  const p: string[] = [];
  if (g.sectorSize !== 4096) p.push(`sector size ${g.sectorSize}: the FTL maps 4096-byte sectors`);
  if (g.oobSize < 4) p.push(`OOB size ${g.oobSize}: the FTL needs at least 4 bytes per sector for the LBA`);
  if (g.wsMin < 1 || g.wsOpt < g.wsMin || g.wsOpt % g.wsMin !== 0) p.push(`ws_min ${g.wsMin} / ws_opt ${g.wsOpt}: ws_opt must be a positive multiple of ws_min`);
  if (g.clba % g.wsOpt !== 0) p.push(`clba ${g.clba} is not a multiple of ws_opt ${g.wsOpt}`);
  if (g.maxVector < g.wsOpt || g.maxVector > 64) p.push(`vector size ${g.maxVector}: must be ws_opt (${g.wsOpt})..64`);
  return p;
}
