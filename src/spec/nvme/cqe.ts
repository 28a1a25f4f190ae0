// The 16-byte Completion Queue Entry (specs.md 3.2; SPDK spdk_nvme_cpl). Bytes 14-15 hold the
// status field: bit 0 the phase tag, bits 15:1 the 15-bit status of status.ts. The controller
// builds statuses in that 15-bit form and only shifts in the phase when it writes the CQE.
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from './bits.js';

export const CQE_SIZE = 16;

export const CQE = defineLayout('cqe', CQE_SIZE, [
  /** Command-specific result (cntlid for Connect, NSQA/NCQA, low half of 64-bit results). */
  f('dw0', 0, 4, 'u32'),
  /** Command-specific, high half of 64-bit results. */
  f('dw1', 4, 4, 'u32'),
  f('sqhd', 8, 2, 'u16'),
  f('sqid', 10, 2, 'u16'),
  f('cid', 12, 2, 'u16'),
  /** (status << 1) | phase. */
  f('status', 14, 2, 'u16'),
]);

/** The status field as bits of CQE dword 3 (bytes 12-15). */
export const CQE_STATUS = defineBits('cqe-status', [
  b('p', 3, 16, 1),
  b('sc', 3, 17, 8),
  b('sct', 3, 25, 3),
  b('crd', 3, 28, 2),
  b('m', 3, 30, 1),
  b('dnr', 3, 31, 1),
]);

/** CQE bytes 14-15 for a 15-bit status and a phase tag. */
export const statusField = (status: number, phase: 0 | 1 | boolean): number => ((status & 0x7fff) << 1) | (phase ? 1 : 0);

/** The 15-bit status out of CQE bytes 14-15. */
export const statusOfField = (field: number): number => (field >>> 1) & 0x7fff;

/** The phase tag out of CQE bytes 14-15. */
export const phaseOfField = (field: number): 0 | 1 => (field & 1) as 0 | 1;
