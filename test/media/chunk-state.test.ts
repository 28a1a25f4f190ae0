import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_STATE_NAMES, CHUNK_TRANSITIONS, ChunkEvent, ChunkState, IllegalChunkTransition, canTransition, nextChunkState } from '../../src/media/index.js';

test('the transition table covers every state and event', () => {
  assert.equal(CHUNK_TRANSITIONS.length, Object.keys(ChunkState).length);
  for (const row of CHUNK_TRANSITIONS) assert.equal(row.length, Object.keys(ChunkEvent).length);
});

test('legal moves', () => {
  const { FREE, OPEN, CLOSED, OFFLINE } = ChunkState;
  assert.equal(nextChunkState(FREE, ChunkEvent.PROGRAM), OPEN);
  assert.equal(nextChunkState(FREE, ChunkEvent.FILL), CLOSED);
  assert.equal(nextChunkState(OPEN, ChunkEvent.PROGRAM), OPEN);
  assert.equal(nextChunkState(OPEN, ChunkEvent.FILL), CLOSED);
  assert.equal(nextChunkState(OPEN, ChunkEvent.PROGRAM_FAIL), CLOSED);
  assert.equal(nextChunkState(CLOSED, ChunkEvent.ERASE), FREE);
  assert.equal(nextChunkState(OPEN, ChunkEvent.ERASE), FREE);
  assert.equal(nextChunkState(FREE, ChunkEvent.ERASE), FREE);
  assert.equal(nextChunkState(CLOSED, ChunkEvent.RETIRE), OFFLINE);
});

test('illegal moves are refused with names', () => {
  assert.throws(() => nextChunkState(ChunkState.CLOSED, ChunkEvent.PROGRAM), (e: unknown) => e instanceof IllegalChunkTransition && e.message === 'illegal chunk transition: program in state CLOSED');
  for (const ev of Object.values(ChunkEvent)) assert.equal(canTransition(ChunkState.OFFLINE, ev), false);
  assert.equal(CHUNK_STATE_NAMES[ChunkState.OFFLINE], 'OFFLINE');
});
