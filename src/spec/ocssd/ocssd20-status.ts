// OCSSD 2.0 status values in raw form (SCT<<8 | SC) without DNR; OR in DNR where it applies
// (specs.md 2.6; SPDK spdk_ocssd_media_error_status_code, QEMU include/block/ocssd.h).
//
// Which of these QEMU's OCSSD 2.0 model (hw/block/nvme/ocssd.c, ocssd/next) sends with DNR:
//   OFFLINE_CHUNK, INVALID_RESET, OUT_OF_ORDER_WRITE, WRITE_FAIL_CHUNK_EARLY_CLOSE, WRITE_FAULT:
//     always with DNR;
//   DEALLOCATED_OR_UNWRITTEN: only as a command status when DULBE (Error Recovery bit 16) is set,
//     and then with DNR; without DULBE the read succeeds;
//   WRITE_FAIL_WRITE_NEXT_UNIT, HIGH_ECC, UNRECOVERED_READ_ERROR: never sent (HIGH_ECC is not in
//     QEMU's table at all; Linux pblk checks the 1.2 WARN_HIGH_ECC 0x4700 instead).

/** Do Not Retry, bit 14 of the raw status. */
export const DNR = 0x4000;

export const Ocssd20Status = {
  /** The reset found the chunk offline, or it went offline. */
  OFFLINE_CHUNK: 0x02c0,
  /** Reset not allowed in this state (Free without MULTIPLE_RESETS, Open without EARLY_RESET). */
  INVALID_RESET: 0x02c1,
  /** The write failed; the chunk stays open and the host goes on at the next write unit. */
  WRITE_FAIL_WRITE_NEXT_UNIT: 0x02f0,
  /** The write failed and the chunk is now closed, readable up to its WP. */
  WRITE_FAIL_CHUNK_EARLY_CLOSE: 0x02f1,
  /** Not at the write pointer, or to a closed/offline chunk. */
  OUT_OF_ORDER_WRITE: 0x02f2,
  /** Read data returned but near the ECC limit (SPDK; see the note above). */
  HIGH_ECC: 0x02d0,
  // Base NVMe media codes the OCSSD 2.0 model uses.
  WRITE_FAULT: 0x0280,
  UNRECOVERED_READ_ERROR: 0x0281,
  DEALLOCATED_OR_UNWRITTEN: 0x0287,
} as const;
export type Ocssd20Status = (typeof Ocssd20Status)[keyof typeof Ocssd20Status];

/** Names by raw value (DNR masked off). */
export const OCSSD20_STATUS_NAMES: Readonly<Record<number, string>> = {
  [Ocssd20Status.OFFLINE_CHUNK]: 'Offline Chunk',
  [Ocssd20Status.INVALID_RESET]: 'Invalid Reset',
  [Ocssd20Status.WRITE_FAIL_WRITE_NEXT_UNIT]: 'Write Fail - Write Next Unit',
  [Ocssd20Status.WRITE_FAIL_CHUNK_EARLY_CLOSE]: 'Write Fail - Chunk Early Close',
  [Ocssd20Status.OUT_OF_ORDER_WRITE]: 'Out of Order Write',
  [Ocssd20Status.HIGH_ECC]: 'High ECC',
  [Ocssd20Status.WRITE_FAULT]: 'Write Fault',
  [Ocssd20Status.UNRECOVERED_READ_ERROR]: 'Unrecovered Read Error',
  [Ocssd20Status.DEALLOCATED_OR_UNWRITTEN]: 'Deallocated or Unwritten Logical Block',
};

/** The OCSSD-only SCT 2 codes by SC, for statusName(raw, { media: OCSSD20_MEDIA_STATUS_NAMES }). */
export const OCSSD20_MEDIA_STATUS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  [
    Ocssd20Status.OFFLINE_CHUNK,
    Ocssd20Status.INVALID_RESET,
    Ocssd20Status.WRITE_FAIL_WRITE_NEXT_UNIT,
    Ocssd20Status.WRITE_FAIL_CHUNK_EARLY_CLOSE,
    Ocssd20Status.OUT_OF_ORDER_WRITE,
    Ocssd20Status.HIGH_ECC,
  ].map((raw) => [raw & 0xff, OCSSD20_STATUS_NAMES[raw]!]),
);
