// The statuses the OCSSD 1.2 command set completes with, in the 15-bit raw form Linux compares
// (specs.md 1.5; seed-emulator-behaviour.md 2.1). The 1.2-specific values come from
// spec/ocssd; the rest are the NVMe statuses the original used, without its bogus ones (0xFFEA,
// 0xFFEF, or no completion at all).
import { MediaStatus as Media } from '../media/index.js';
import { GenericStatus as G, MediaStatus as M, Ocssd12Status, SCT, status } from '../spec/index.js';

const dnr = { dnr: true };

export const Ocssd12Errors = {
  SUCCESS: 0,
  /** Bad field, too many PPAs, unsupported plane mode, write smaller than a page, rewrite without erase: 0x4002. */
  INVALID_FIELD: status(SCT.GENERIC, G.INVALID_FIELD, dnr),
  /** A PPA that names no sector of the namespace (a field past the geometry, stray bits): 0x4080. */
  OUT_OF_RANGE: status(SCT.GENERIC, G.LBA_OUT_OF_RANGE, dnr),
  /** Erase of a block the bad block table marks: the original's 0x4002. */
  BAD_BLOCK: status(SCT.GENERIC, G.INVALID_FIELD, dnr),
  /** The erase itself failed on the media (the block is now grown bad): Write Fault 0x4280. */
  WRITE_FAULT: status(SCT.MEDIA, M.WRITE_FAULT, dnr),
  FAIL_WRITE: Ocssd12Status.FAIL_WRITE,
  EMPTY_PAGE: Ocssd12Status.EMPTY_PAGE,
  FAIL_ECC: Ocssd12Status.FAIL_ECC,
  WARN_HIGH_ECC: Ocssd12Status.WARN_HIGH_ECC,
  /** The PPA list could not be read from host memory. */
  DATA_TRANSFER_ERROR: status(SCT.GENERIC, G.DATA_TRANSFER_ERROR),
  /** The lbbtable file could not be rewritten (the marks are in the media all the same). */
  INTERNAL_ERROR: status(SCT.GENERIC, G.INTERNAL_ERROR),
} as const;

/** A program result as the write's status. */
export function writeStatus(s: Media): number {
  switch (s) {
    case Media.PROGRAM_FAIL:
      return Ocssd12Errors.FAIL_WRITE;
    case Media.OUT_OF_RANGE:
      return Ocssd12Errors.OUT_OF_RANGE;
    default:
      // Not erased, bad block, offline: the original's Invalid Field (0x4002).
      return Ocssd12Errors.INVALID_FIELD;
  }
}

/** A read result as the read's status. */
export function readStatus(s: Media): number {
  switch (s) {
    case Media.UNWRITTEN:
      return Ocssd12Errors.EMPTY_PAGE;
    case Media.HIGH_ECC:
      return Ocssd12Errors.WARN_HIGH_ECC;
    case Media.OUT_OF_RANGE:
      return Ocssd12Errors.OUT_OF_RANGE;
    case Media.OFFLINE:
      return Ocssd12Errors.INVALID_FIELD;
    default:
      return Ocssd12Errors.FAIL_ECC;
  }
}

/** An erase result as the erase's status. */
export function eraseStatus(s: Media): number {
  switch (s) {
    case Media.OK:
      return 0;
    case Media.ERASE_FAIL:
    case Media.WORN_OUT:
      return Ocssd12Errors.WRITE_FAULT;
    case Media.OUT_OF_RANGE:
      return Ocssd12Errors.OUT_OF_RANGE;
    default:
      return Ocssd12Errors.BAD_BLOCK;
  }
}
