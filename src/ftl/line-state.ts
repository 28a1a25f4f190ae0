// FTL line states as data: the states, the events that move a line, the transition table and
// one function that applies an event or refuses it. A line is the same chunk index on every PU
// of the target (pblk's line).

export const LineState = {
  /** Every good chunk is reset; the line can be opened. */
  FREE: 0,
  /** smeta written; data being appended. */
  OPEN: 1,
  /** Full (emeta written) or abandoned after a failure or a recovery; holds valid data. */
  CLOSED: 2,
  /** Picked by GC: valid data being moved out. */
  GC: 3,
  /** Too few good chunks to hold metadata and data: never used. */
  BAD: 4,
} as const;
export type LineState = (typeof LineState)[keyof typeof LineState];

export const LINE_STATE_NAMES: Readonly<Record<LineState, string>> = { 0: 'free', 1: 'open', 2: 'closed', 3: 'gc', 4: 'bad' };

export const LineEvent = {
  OPEN: 0,
  CLOSE: 1,
  GC_PICK: 2,
  /** GC gave the victim up (the move could not finish); it stays readable. */
  GC_ABORT: 3,
  /** Every chunk reset after GC. */
  RESET: 4,
  /** Chunks lost (offline, reset failures): not enough left to use the line. */
  RETIRE: 5,
} as const;
export type LineEvent = (typeof LineEvent)[keyof typeof LineEvent];

export const LINE_EVENT_NAMES: Readonly<Record<LineEvent, string>> = { 0: 'open', 1: 'close', 2: 'gc-pick', 3: 'gc-abort', 4: 'reset', 5: 'retire' };

/** LINE_TRANSITIONS[state][event] = next state; absent = illegal. */
export const LINE_TRANSITIONS: Readonly<Record<LineState, Partial<Record<LineEvent, LineState>>>> = {
  [LineState.FREE]: { [LineEvent.OPEN]: LineState.OPEN, [LineEvent.RETIRE]: LineState.BAD },
  [LineState.OPEN]: { [LineEvent.CLOSE]: LineState.CLOSED },
  [LineState.CLOSED]: { [LineEvent.GC_PICK]: LineState.GC },
  [LineState.GC]: { [LineEvent.RESET]: LineState.FREE, [LineEvent.GC_ABORT]: LineState.CLOSED, [LineEvent.RETIRE]: LineState.BAD },
  [LineState.BAD]: {},
};

export class IllegalLineTransition extends Error {
  override readonly name = 'IllegalLineTransition';
  constructor(line: number, from: LineState, event: LineEvent) {
    super(`line ${line}: event '${LINE_EVENT_NAMES[event]}' is not allowed in state '${LINE_STATE_NAMES[from]}'`);
  }
}

/** The state after `event`, or throws IllegalLineTransition (an FTL bug, never a user error). */
export function nextLineState(line: number, from: LineState, event: LineEvent): LineState {
  const to = LINE_TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalLineTransition(line, from, event);
  return to;
}
