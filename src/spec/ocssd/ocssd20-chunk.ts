// OCSSD 2.0 chunk structures: the 32-byte chunk descriptor of the Chunk Information log (LID
// 0xCA), the 64-byte Chunk Notification log entry (LID 0xD0), their bit values, and the Media
// Feedback feature (specs.md 2.3, 2.4, 2.7; seed-emulator-behaviour.md 3.5; SPDK
// spdk_ocssd_chunk_information_entry / _notification_entry, Linux nvme_nvm_chk_meta).
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from '../nvme/bits.js';

export const Ocssd20LogPage = { CHUNK_INFO: 0xca, CHUNK_NOTIFICATION: 0xd0 } as const;
export type Ocssd20LogPage = (typeof Ocssd20LogPage)[keyof typeof Ocssd20LogPage];

export const OCSSD20_LOG_PAGE_NAMES: Readonly<Record<number, string>> = {
  [Ocssd20LogPage.CHUNK_INFO]: 'OCSSD 2.0 Chunk Information',
  [Ocssd20LogPage.CHUNK_NOTIFICATION]: 'OCSSD 2.0 Chunk Notification',
};

export const OCSSD20_CHUNK_DESCRIPTOR_SIZE = 32;

/**
 * One chunk. The log holds every chunk of the namespace at index
 * chk + pu * num_chk + grp * num_pu * num_chk, 32 bytes each.
 */
export const OCSSD20_CHUNK_DESCRIPTOR = defineLayout('ocssd20-chunk-descriptor', OCSSD20_CHUNK_DESCRIPTOR_SIZE, [
  /** Ocssd20ChunkState: exactly one bit set. */
  f('cs', 0, 1, 'u8'),
  /** Ocssd20ChunkType bits. */
  f('ct', 1, 1, 'u8'),
  /** Wear-level index 0..255. */
  f('wli', 2, 1, 'u8'),
  f('rsvd3', 3, 5, 'bytes'),
  /** First LBA of the chunk, in the packed LBA format. */
  f('slba', 8, 8, 'u64'),
  /** Logical blocks in the chunk (= clba unless ct has SIZE_DEVIATES). */
  f('cnlb', 16, 8, 'u64'),
  /** Write pointer, as a block offset inside the chunk. QEMU sets all ones when offline. */
  f('wp', 24, 8, 'u64'),
]);

export const Ocssd20ChunkState = { FREE: 0x1, CLOSED: 0x2, OPEN: 0x4, OFFLINE: 0x8 } as const;
export type Ocssd20ChunkState = (typeof Ocssd20ChunkState)[keyof typeof Ocssd20ChunkState];

export const OCSSD20_CHUNK_STATE_NAMES: Readonly<Record<number, string>> = {
  [Ocssd20ChunkState.FREE]: 'FREE',
  [Ocssd20ChunkState.CLOSED]: 'CLOSED',
  [Ocssd20ChunkState.OPEN]: 'OPEN',
  [Ocssd20ChunkState.OFFLINE]: 'OFFLINE',
};

export const Ocssd20ChunkType = {
  /** Write at the write pointer only. */
  SEQUENTIAL: 0x1,
  /** Random writes allowed. */
  RANDOM: 0x2,
  /** cnlb differs from the geometry's clba. */
  SIZE_DEVIATES: 0x10,
} as const;

export const OCSSD20_CHUNK_NOTIFICATION_SIZE = 64;

/** A notification; AEN type 7 (vendor), log page 0xD0 in QEMU. */
export const OCSSD20_CHUNK_NOTIFICATION = defineLayout('ocssd20-chunk-notification', OCSSD20_CHUNK_NOTIFICATION_SIZE, [
  /** Notification count: increments, starts at 1. */
  f('nc', 0, 8, 'u64'),
  /** A sector, chunk or PU address, as mask says. */
  f('lba', 8, 8, 'u64'),
  f('nsid', 16, 4, 'u32'),
  /** Ocssd20NotificationState bits. */
  f('state', 20, 2, 'u16'),
  /** Ocssd20NotificationMask bits. */
  f('mask', 22, 1, 'u8'),
  f('rsvd23', 23, 9, 'bytes'),
  /** Blocks from lba, 0's based; meaningful when mask has SECTOR. */
  f('nlb0', 32, 2, 'u16'),
  f('rsvd34', 34, 30, 'bytes'),
]);

export const Ocssd20NotificationState = {
  ERR_LOW: 0x1,
  ERR_MID: 0x2,
  ERR_HIGH: 0x4,
  UNRECOVERABLE: 0x8,
  REFRESHED: 0x10,
  /** The chunk's WLI left average +- WIT. */
  WLI_OUT_OF_RANGE: 0x100,
} as const;

/** What notification.lba addresses. */
export const Ocssd20NotificationMask = { SECTOR: 0x1, CHUNK: 0x2, PU: 0x4 } as const;

export const Ocssd20Feature = { MEDIA_FEEDBACK: 0xca } as const;

export const OCSSD20_FEATURE_NAMES: Readonly<Record<number, string>> = { [Ocssd20Feature.MEDIA_FEEDBACK]: 'OCSSD 2.0 Media Feedback' };

/** Media Feedback value (Set Features CDW11, Get Features DW0). */
export const Ocssd20MediaFeedback = {
  /** Report High ECC status on reads. */
  HECC: 0x1,
  /** Report very high ECC status. */
  VHECC: 0x2,
} as const;

export const OCSSD20_FEAT_MEDIA_FEEDBACK = defineBits('ocssd20-feat-media-feedback', [b('hecc', 11, 0, 1), b('vhecc', 11, 1, 1)]);
