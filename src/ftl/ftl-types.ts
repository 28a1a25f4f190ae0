// The FTL's shared types: errors, counters, per-line state, target identity, tuning knobs.
import { VolumeNoSpaceError } from '../host/index.js';
import type { CapacityRule } from './capacity.js';
import type { GcPolicyName } from './gc-policy.js';
import type { LineLayout } from './line-layout.js';
import type { LineState } from './line-state.js';

/** A read the media could not serve (uncorrectable data): the NBD layer maps it to EIO. */
export class FtlIoError extends Error {
  override readonly name = 'FtlIoError';
}
/** No room left even after GC: the target is full of valid data (NBD ENOSPC). */
export class FtlNoSpaceError extends VolumeNoSpaceError {
  override readonly name = 'FtlNoSpaceError';
}

export interface FtlStats {
  /** Sectors written by the user (4 KiB). */
  userSectors: number;
  /** Sectors re-written by GC. */
  gcSectors: number;
  /** Padding sectors (flushes of partial units). */
  padSectors: number;
  /** smeta and emeta sectors. */
  metaSectors: number;
  /** Sectors the device programmed (all of the above that succeeded). */
  mediaSectors: number;
  /** Sectors superseded in the buffer before they were written (never reached the media). */
  droppedSectors: number;
  gcLines: number;
  programFailures: number;
  eraseFailures: number;
  /** Valid sectors GC could not read back (uncorrectable): now unmapped. */
  lostSectors: number;
}

export interface LineInfo {
  readonly id: number;
  state: LineState;
  seq: number;
  layout: LineLayout | undefined;
  /** Open line: LBA of each data position (NO_LBA when empty). */
  lbas: Uint32Array | undefined;
  nextUnit: number;
  /** Open line: 1 per good-chunk slot whose writes failed (skipped from then on). */
  failed: Uint8Array;
  /** Open line: slots written but not yet readable from the media, per chunk slot, oldest first. */
  pinned: number[][];
  inflight: Set<Promise<void>>;
  /** Open line resumed after recovery: sectors already written per chunk slot (skipped). */
  resumeWp: Int32Array | undefined;
}

export interface TargetInfo {
  readonly name: string;
  readonly instance: number;
  readonly puBegin: number;
  readonly puEnd: number;
  readonly op: number;
  readonly rule: CapacityRule;
  /** User capacity, 4 KiB sectors. */
  readonly capacity: number;
}

export interface FtlTuning {
  readonly gcPolicy?: GcPolicyName;
  /** Write buffer size in sectors (default: 4 units per PU + mw_cunits per PU, at least 256). */
  readonly bufferSectors?: number;
  /** GC runs while free lines <= this (default 1: the line GC writes into next). */
  readonly gcStartLines?: number;
}

