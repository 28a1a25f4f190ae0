// The FTL's rate limit as pure rules over a snapshot of its space: when user data may take room,
// and when GC may start moving a victim. ftl.ts builds the snapshot; docs/ftl.md explains the rules.
//
// The margin is room GC keeps beyond a move: two units per PU plus mw_cunits per PU, which is what
// recovery pads into the open line after a crash (recovery-pad.ts), and covers the partial unit a
// flush or GC pads and the units a program failure takes from a chunk.

export interface SpaceState {
  /** Sectors the queued data can still take without a new free line (open line + free lines - queued). */
  readonly room: number;
  /** Data sectors of emptied victims waiting for their reset. */
  readonly pendingRoom: number;
  /** Valid sectors the victim being moved still brings into the buffer (0: none). */
  readonly movingLeft: number;
  /** Data sectors of the victim being moved (0: none). */
  readonly movingCapacity: number;
  /** Valid sectors of the emptiest closed line (Infinity: none). */
  readonly minVictimValid: number;
  /** Data sectors of a line with all its chunks. */
  readonly fullLine: number;
}

export interface SpaceLimits {
  /** Sectors per write unit (ws_opt). */
  readonly unit: number;
  readonly margin: number;
}

/** Room user data may count on: the picked victims count as free once their moves are written. */
export function userRoom(s: SpaceState): number {
  return s.room + s.pendingRoom + s.movingCapacity - s.movingLeft;
}

/**
 * The room there is now, beyond the rest of the current move, keeps the margin and a unit: a
 * crash now leaves recovery room to pad the open line and GC room to move what it was moving.
 */
export function floorHolds(s: SpaceState, k: SpaceLimits): boolean {
  return s.room - s.movingLeft > k.margin + k.unit;
}

/**
 * Whether a user write must wait for GC: the floor, and room, once the picked victims are reset,
 * for GC to start on the emptiest victim (or a whole line) with its margin and a unit to spare.
 * Counting the picked victims as free is what keeps GC's own moves from holding user data back
 * (moving a full victim leaves userRoom as it was). An erase failure at a reset makes the count a
 * chunk too high; on a device whose spare is less than a line and a chunk, that ends in ENOSPC.
 */
export function userHeldBack(s: SpaceState, k: SpaceLimits): boolean {
  return !floorHolds(s, k) || userRoom(s) <= Math.min(s.fullLine, s.minVictimValid) + k.margin + k.unit;
}

/**
 * Whether GC may start moving a victim of `valid` sectors into `room` (real room, not pending).
 * It keeps the margin, so a crash during the move leaves recovery its padding; with user writes
 * held back (`pressure`), only a unit, for the padding of the move's last partial unit.
 */
export function victimFits(valid: number, room: number, k: SpaceLimits, pressure: boolean): boolean {
  if (valid === 0) return true;
  return valid <= room - k.unit - (pressure ? 0 : k.margin);
}

/** A victim frees at least two units net of the padding its move may cost (else GC only churns). */
export function worthMoving(valid: number, capacity: number, k: SpaceLimits): boolean {
  return valid === 0 || capacity - valid >= 2 * k.unit;
}
