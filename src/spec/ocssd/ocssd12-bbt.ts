// OCSSD 1.2 bad block table: the Get BBT (admin 0xF2) reply header, the entry values, and the
// Set BBT (admin 0xF1) command dword (specs.md 1.3; seed-emulator-behaviour.md 3.3; Linux
// lightnvm.c nvme_nvm_bb_tbl, lightnvm.h NVM_BLK_T_*). Both commands carry the PPA in CDW10-11
// (OCSSD12_SQE.spba).
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from '../nvme/bits.js';

export const OCSSD12_BBT_HEADER_SIZE = 64;

/** TBLID; Linux checks it. */
export const OCSSD12_BBT_TBLID = 'BBLT';
/** VERID; Linux rejects any other. */
export const OCSSD12_BBT_VERID = 1;

/**
 * Get BBT reply: this header, then TBLKS one-byte entries for the LUN the PPA names, one per
 * (block, plane) at index blk * num_pln + pln (Linux nvm_bb_tbl_fold; the order is [U] in specs.md).
 */
export const OCSSD12_BBT_HEADER = defineLayout('ocssd12-bbt-header', OCSSD12_BBT_HEADER_SIZE, [
  f('tblid', 0, 4, 'ascii'),
  f('verid', 4, 2, 'u16'),
  f('revid', 6, 2, 'u16'),
  f('rsvd8', 8, 4, 'bytes'),
  /** Entries that follow: num_blk * num_pln (Linux checks it exactly). */
  f('tblks', 12, 4, 'u32'),
  /** Counts of factory bad, grown bad, device reserved and host reserved entries. */
  f('tfact', 16, 4, 'u32'),
  f('tgrown', 20, 4, 'u32'),
  f('tdresv', 24, 4, 'u32'),
  f('thresv', 28, 4, 'u32'),
  f('rsvd32', 32, 32, 'bytes'),
]);

/** One BBT entry (and the Set BBT value). */
export const Ocssd12BbtEntry = { GOOD: 0x0, FACTORY_BAD: 0x1, GROWN_BAD: 0x2, DEVICE_RESERVED: 0x4, HOST_RESERVED: 0x8 } as const;
export type Ocssd12BbtEntry = (typeof Ocssd12BbtEntry)[keyof typeof Ocssd12BbtEntry];

export const OCSSD12_BBT_ENTRY_NAMES: Readonly<Record<number, string>> = {
  [Ocssd12BbtEntry.GOOD]: 'good',
  [Ocssd12BbtEntry.FACTORY_BAD]: 'factory bad',
  [Ocssd12BbtEntry.GROWN_BAD]: 'grown bad',
  [Ocssd12BbtEntry.DEVICE_RESERVED]: 'device reserved',
  [Ocssd12BbtEntry.HOST_RESERVED]: 'host reserved',
};

/** Set BBT CDW12. With nlb0 > 0 the SPBA is the address of a PPA list ([U] in specs.md). No data. */
export const OCSSD12_SET_BBT = defineBits('ocssd12-set-bbt', [
  /** PPAs to mark, 0's based. */
  b('nlb0', 12, 0, 16),
  /** The Ocssd12BbtEntry to store. */
  b('value', 12, 16, 8),
]);
