// OCSSD 1.2 status values in the 15-bit raw form DNR<<14 | SCT<<8 | SC that Linux compares
// against (specs.md 0, 1.5; Linux lightnvm.h NVM_RSP_*, 4.12+). Keyed by the raw value, not by SC:
// the same SC means different things under different SCTs here.

export const Ocssd12Status = {
  SUCCESS: 0x0000,
  /** SCT 0 / SC 0x01, no DNR. */
  NOT_CHANGEABLE: 0x0001,
  /** DNR, SCT 0 / SC 0xFF. */
  FAIL_WRITE: 0x40ff,
  /** DNR, SCT 2 / SC 0xFF: read of a page never written since its erase. */
  EMPTY_PAGE: 0x42ff,
  /** DNR, SCT 2 / SC 0x81: unrecovered read error. */
  FAIL_ECC: 0x4281,
  /** DNR, SCT 0 / SC 0x04: data transfer error. */
  FAIL_CRC: 0x4004,
  /** DNR, SCT 7 / SC 0x00: the data is returned but close to the ECC limit; pblk rewrites the line. */
  WARN_HIGH_ECC: 0x4700,
} as const;
export type Ocssd12Status = (typeof Ocssd12Status)[keyof typeof Ocssd12Status];

export const OCSSD12_STATUS_NAMES: Readonly<Record<number, string>> = {
  [Ocssd12Status.SUCCESS]: 'Success',
  [Ocssd12Status.NOT_CHANGEABLE]: 'Not Changeable',
  [Ocssd12Status.FAIL_WRITE]: 'Write Failure',
  [Ocssd12Status.EMPTY_PAGE]: 'Empty Page',
  [Ocssd12Status.FAIL_ECC]: 'ECC Failure',
  [Ocssd12Status.FAIL_CRC]: 'CRC Failure',
  [Ocssd12Status.WARN_HIGH_ECC]: 'High ECC Warning',
};
