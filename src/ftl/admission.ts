// The FTL's rate limit as pure rules over a snapshot of its space: when user data may take room,
// and when GC may start moving a victim. ftl.ts builds the snapshot; docs/ftl.md explains the rules.
//
// Two amounts of room come from the device's shape (limitsFor):
// - `pad`: the most one recovery pads into the open line after a crash (recovery-pad.ts): per
//   chunk, a hole of a unit or mw_cunits rounded up to a unit.
// - `reserve`: what user data leaves to GC beyond its next victim: two recoveries' padding, so
//   two crashes in a row while GC works at the limit still leave it room to move that victim
//   (with one, the 10-line crash device was left with 168 sectors and a 737-valid victim), and a
//   unit per PU for the partial units flushes pad meanwhile.

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
  /** The most one recovery pads into the open line. */
  readonly pad: number;
  /** Room user data leaves to GC beyond its next victim. */
  readonly reserve: number;
}

/** The limits of a target of `nPus` PUs writing `unit`-sector units on a device with `mwCunits`. */
export function limitsFor(nPus: number, unit: number, mwCunits: number): SpaceLimits {
  const pad = nPus * (unit + mwCunits);
  return { unit, pad, reserve: 2 * pad + nPus * unit };
}

/** Room user data may count on: the picked victims count as free once their moves are written. */
export function userRoom(s: SpaceState): number {
  return s.room + s.pendingRoom + s.movingCapacity - s.movingLeft;
}

/**
 * The room there is now, beyond the rest of the current move, keeps the reserve: a crash now
 * leaves recovery room to pad the open line and GC room to move what it was moving.
 */
export function floorHolds(s: SpaceState, k: SpaceLimits): boolean {
  return s.room - s.movingLeft > k.reserve;
}

/**
 * Whether a user write must wait for GC: the floor, and room, once the picked victims are reset,
 * for GC to start on the emptiest victim (or a whole line, if less) with the reserve to spare.
 * Counting the picked victims as free is what keeps GC's own moves from holding user data back
 * (moving a full victim leaves userRoom as it was). An erase failure at a reset makes the count a
 * chunk too high; on a device whose spare is less than a line and a chunk, that ends in ENOSPC.
 */
export function userHeldBack(s: SpaceState, k: SpaceLimits): boolean {
  return !floorHolds(s, k) || userRoom(s) <= Math.min(s.fullLine, s.minVictimValid) + k.reserve;
}

/**
 * Whether GC may start moving a victim of `valid` sectors into `room` (real room, not pending).
 * On its own account GC keeps a recovery's padding and a unit, so a crash during the move leaves
 * recovery its padding; with user writes held back (`pressure`) waiting gains nothing, and a unit
 * for the padding of the move's last partial unit is enough.
 */
export function victimFits(valid: number, room: number, k: SpaceLimits, pressure: boolean): boolean {
  if (valid === 0) return true;
  return valid <= room - k.unit - (pressure ? 0 : k.pad);
}

/** A victim frees at least two units net of the padding its move may cost (else GC only churns). */
export function worthMoving(valid: number, capacity: number, k: SpaceLimits): boolean {
  return valid === 0 || capacity - valid >= 2 * k.unit;
}
