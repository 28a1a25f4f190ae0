// Our on-disk state format (beside the raw data image), declared as layouts like the spec ones.
//
//   state file = [header 4096 B][chunk slots: 2 x 32 B per chunk, padded to 4096][sector records]
//
// Chunk slots come in pairs (A/B): an update writes the slot its new sequence number selects
// (seq % 2) and carries a CRC32C, so a torn write leaves the other slot's older, complete copy.
// A sector record is a u32 (erase generation in bits 0..23, flags in 24..31) then the OOB bytes;
// it is current only while its generation equals the chunk's erase count, so an erase
// invalidates a whole chunk's records without touching them.
import { defineLayout, f } from '../spec/index.js';

export const STATE_MAGIC = 'OCSSDMED';
export const STATE_VERSION = 1;
export const HEADER_SIZE = 4096;
export const SLOT_SIZE = 32;
export const SLOTS_PER_CHUNK = 2;
export const RECORD_HEADER_SIZE = 4;
export const ALIGN = 4096;

export const STATE_HEADER = defineLayout('ocssd state header', HEADER_SIZE, [
  f('magic', 0, 8, 'ascii'),
  f('version', 8, 4, 'u32'),
  f('headerSize', 12, 4, 'u32'),
  f('groups', 16, 4, 'u32'),
  f('pusPerGroup', 20, 4, 'u32'),
  f('planes', 24, 4, 'u32'),
  f('blocksPerPlane', 28, 4, 'u32'),
  f('pagesPerBlock', 32, 4, 'u32'),
  f('sectorsPerPage', 36, 4, 'u32'),
  f('sectorSize', 40, 4, 'u32'),
  f('oobSize', 44, 4, 'u32'),
  f('endurance', 48, 4, 'u32'),
  f('recordSize', 52, 4, 'u32'),
  f('slotsOffset', 56, 8, 'u64'),
  f('recordsOffset', 64, 8, 'u64'),
  f('stateBytes', 72, 8, 'u64'),
  f('dataBytes', 80, 8, 'u64'),
  f('createdMs', 88, 8, 'u64'),
  f('rsvd0', 96, 3996, 'bytes'),
  f('crc', 4092, 4, 'u32'),
]);

export const CHUNK_SLOT = defineLayout('chunk slot', SLOT_SIZE, [
  f('seq', 0, 4, 'u32'),
  f('state', 4, 1, 'u8'),
  f('type', 5, 1, 'u8'),
  f('mark', 6, 1, 'u8'),
  f('flags', 7, 1, 'u8'),
  f('wp', 8, 4, 'u32'),
  f('eraseCount', 12, 4, 'u32'),
  f('rsvd0', 16, 12, 'bytes'),
  f('crc', 28, 4, 'u32'),
]);

export const SECTOR_RECORD_HEADER = defineLayout('sector record header', RECORD_HEADER_SIZE, [f('genFlags', 0, 4, 'u32')]);

export const RECORD_GEN_MASK = 0x00ffffff;
export const RecordFlag = { WRITTEN: 0x01000000 } as const;

/** Chunk flags kept in the slot. */
export const ChunkFlag = {
  /** A program failed here: the next erase fails and retires the chunk, as on real NAND. */
  RETIRE_ON_ERASE: 0x01,
} as const;

export const alignUp = (n: number, a = ALIGN): number => Math.ceil(n / a) * a;

export interface StateFileLayout {
  readonly slotsOffset: number;
  readonly recordsOffset: number;
  readonly recordSize: number;
  readonly stateBytes: number;
}

export function stateFileLayout(totalChunks: number, totalSectors: number, oobSize: number): StateFileLayout {
  const slotsOffset = HEADER_SIZE;
  const recordsOffset = slotsOffset + alignUp(totalChunks * SLOTS_PER_CHUNK * SLOT_SIZE);
  const recordSize = RECORD_HEADER_SIZE + oobSize;
  return { slotsOffset, recordsOffset, recordSize, stateBytes: recordsOffset + totalSectors * recordSize };
}
