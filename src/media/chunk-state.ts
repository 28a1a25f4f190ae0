// The erase unit's state machine, as data. Every state change in media/ goes through
// nextChunkState, which refuses moves the table does not list.

export const ChunkState = { FREE: 0, OPEN: 1, CLOSED: 2, OFFLINE: 3 } as const;
export type ChunkState = (typeof ChunkState)[keyof typeof ChunkState];

export const CHUNK_STATE_NAMES: Readonly<Record<ChunkState, string>> = {
  [ChunkState.FREE]: 'FREE',
  [ChunkState.OPEN]: 'OPEN',
  [ChunkState.CLOSED]: 'CLOSED',
  [ChunkState.OFFLINE]: 'OFFLINE',
};

/** SEQUENTIAL chunks are programmed only at the write pointer; RANDOM ones at any erased sector. */
export const ChunkType = { SEQUENTIAL: 0, RANDOM: 1 } as const;
export type ChunkType = (typeof ChunkType)[keyof typeof ChunkType];

export const CHUNK_TYPE_NAMES: Readonly<Record<ChunkType, string>> = {
  [ChunkType.SEQUENTIAL]: 'SEQUENTIAL',
  [ChunkType.RANDOM]: 'RANDOM',
};

/** What happened to a chunk. */
export const ChunkEvent = {
  /** Some sectors programmed, chunk not yet full. */
  PROGRAM: 0,
  /** The last sector programmed. */
  FILL: 1,
  /** A program failed: the chunk is closed early, readable up to its write pointer. */
  PROGRAM_FAIL: 2,
  ERASE: 3,
  /** Erase failed, endurance exhausted, or factory bad: the chunk is dead. */
  RETIRE: 4,
} as const;
export type ChunkEvent = (typeof ChunkEvent)[keyof typeof ChunkEvent];

export const CHUNK_EVENT_NAMES: Readonly<Record<ChunkEvent, string>> = {
  [ChunkEvent.PROGRAM]: 'program',
  [ChunkEvent.FILL]: 'fill',
  [ChunkEvent.PROGRAM_FAIL]: 'program-fail',
  [ChunkEvent.ERASE]: 'erase',
  [ChunkEvent.RETIRE]: 'retire',
};

const F = ChunkState.FREE;
const O = ChunkState.OPEN;
const C = ChunkState.CLOSED;
const X = ChunkState.OFFLINE;
const none = -1;

/**
 * TRANSITIONS[state][event] = next state, or -1 when the move is illegal. Erasing a FREE
 * chunk is legal for the NAND (whether a host may do it is the command set's decision).
 */
export const CHUNK_TRANSITIONS: readonly (readonly number[])[] = [
  //        PROGRAM FILL PROGRAM_FAIL ERASE RETIRE
  /* FREE */ [O, C, C, F, X],
  /* OPEN */ [O, C, C, F, X],
  /* CLOSED */ [none, none, none, F, X],
  /* OFFLINE */ [none, none, none, none, none],
];

export class IllegalChunkTransition extends Error {
  constructor(
    readonly from: ChunkState,
    readonly event: ChunkEvent,
  ) {
    super(`illegal chunk transition: ${CHUNK_EVENT_NAMES[event]} in state ${CHUNK_STATE_NAMES[from]}`);
    this.name = 'IllegalChunkTransition';
  }
}

/** The state after `event`; throws on a move the table forbids (that would be a media bug). */
export function nextChunkState(from: ChunkState, event: ChunkEvent): ChunkState {
  const to = CHUNK_TRANSITIONS[from]![event]!;
  if (to === none) throw new IllegalChunkTransition(from, event);
  return to as ChunkState;
}

export function canTransition(from: ChunkState, event: ChunkEvent): boolean {
  return CHUNK_TRANSITIONS[from]![event]! !== none;
}
