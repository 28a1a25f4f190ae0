// Controller registers (PCIe BAR0; over Fabrics the same offsets are properties read and written
// with Property Get/Set). specs.md 3.10; SPDK spdk_nvme_registers and its register unions.
// Register bit tables count dwords from the register's own offset: read CAP.mpsmin from a register
// file with readBits(regs, CAP.mpsmin, REGISTERS.offset.cap), or from a bigint with getBits64.
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from './bits.js';

export const DOORBELL_BASE = 0x1000;

/** The register file up to the first doorbell. */
export const REGISTERS = defineLayout('nvme-registers', DOORBELL_BASE, [
  f('cap', 0x00, 8, 'u64'),
  f('vs', 0x08, 4, 'u32'),
  f('intms', 0x0c, 4, 'u32'),
  f('intmc', 0x10, 4, 'u32'),
  f('cc', 0x14, 4, 'u32'),
  f('rsvd18', 0x18, 4, 'bytes'),
  f('csts', 0x1c, 4, 'u32'),
  f('nssr', 0x20, 4, 'u32'),
  f('aqa', 0x24, 4, 'u32'),
  f('asq', 0x28, 8, 'u64'),
  f('acq', 0x30, 8, 'u64'),
  f('cmbloc', 0x38, 4, 'u32'),
  f('cmbsz', 0x3c, 4, 'u32'),
  f('bpinfo', 0x40, 4, 'u32'),
  f('bprsel', 0x44, 4, 'u32'),
  f('bpmbl', 0x48, 8, 'u64'),
  f('cmbmsc', 0x50, 8, 'u64'),
  f('cmbsts', 0x58, 4, 'u32'),
  f('cmbebs', 0x5c, 4, 'u32'),
  f('cmbswtp', 0x60, 4, 'u32'),
  f('nssd', 0x64, 4, 'u32'),
  f('crto', 0x68, 4, 'u32'),
  f('rsvd6c', 0x6c, 0xe00 - 0x6c, 'bytes'),
  f('pmrcap', 0xe00, 4, 'u32'),
  f('pmrctl', 0xe04, 4, 'u32'),
  f('pmrsts', 0xe08, 4, 'u32'),
  f('pmrebs', 0xe0c, 4, 'u32'),
  f('pmrswtp', 0xe10, 4, 'u32'),
  f('pmrmscl', 0xe14, 4, 'u32'),
  f('pmrmscu', 0xe18, 4, 'u32'),
  f('rsvde1c', 0xe1c, DOORBELL_BASE - 0xe1c, 'bytes'),
]);

/** Offset of SQ y's tail doorbell: 0x1000 + (2y) * (4 << CAP.DSTRD). */
export const sqTailDoorbell = (qid: number, dstrd = 0): number => DOORBELL_BASE + 2 * qid * (4 << dstrd);

/** Offset of CQ y's head doorbell: 0x1000 + (2y + 1) * (4 << CAP.DSTRD). */
export const cqHeadDoorbell = (qid: number, dstrd = 0): number => DOORBELL_BASE + (2 * qid + 1) * (4 << dstrd);

/** Controller Capabilities (64 bits: dword 1 is bits 63:32). */
export const CAP = defineBits('cap', [
  /** Maximum queue entries, 0's based. */
  b('mqes', 0, 0, 16),
  b('cqr', 0, 16, 1),
  /** Bit 0 weighted round robin, bit 1 vendor specific. */
  b('ams', 0, 17, 2),
  /** Worst-case time to RDY, 500 ms units. */
  b('to', 0, 24, 8),
  b('dstrd', 1, 0, 4),
  b('nssrs', 1, 4, 1),
  /** Command sets supported, bits 44:37 (CapCss). */
  b('css', 1, 5, 8),
  b('bps', 1, 13, 1),
  /** Memory page size minimum: 2^(12 + MPSMIN). */
  b('mpsmin', 1, 16, 4),
  b('mpsmax', 1, 20, 4),
  b('pmrs', 1, 24, 1),
  b('cmbs', 1, 25, 1),
  b('nsss', 1, 26, 1),
  b('crwms', 1, 27, 1),
  b('crims', 1, 28, 1),
]);

/** CAP.CSS bits. */
export const CapCss = {
  NVM: 1 << 0,
  /** One or more I/O command sets (needed for ZNS). */
  IO_COMMAND_SETS: 1 << 6,
  /** No I/O command set: admin only. */
  ADMIN_ONLY: 1 << 7,
} as const;

/** Controller Configuration. */
export const CC = defineBits('cc', [
  b('en', 0, 0, 1),
  /** I/O command set selected (CcCss). */
  b('css', 0, 4, 3),
  /** Memory page size: 2^(12 + MPS). */
  b('mps', 0, 7, 4),
  b('ams', 0, 11, 3),
  /** Shutdown notification (Shn). */
  b('shn', 0, 14, 2),
  /** log2 of the I/O SQ entry size: 6. */
  b('iosqes', 0, 16, 4),
  /** log2 of the I/O CQ entry size: 4. */
  b('iocqes', 0, 20, 4),
  b('crime', 0, 24, 1),
]);

export const CcCss = { NVM: 0, IO_COMMAND_SETS: 6, ADMIN_ONLY: 7 } as const;
export const CcAms = { ROUND_ROBIN: 0, WEIGHTED_ROUND_ROBIN: 1, VENDOR_SPECIFIC: 7 } as const;
export const Shn = { NONE: 0, NORMAL: 1, ABRUPT: 2 } as const;

/** Controller Status. */
export const CSTS = defineBits('csts', [
  b('rdy', 0, 0, 1),
  b('cfs', 0, 1, 1),
  /** Shutdown status (Shst). */
  b('shst', 0, 2, 2),
  b('nssro', 0, 4, 1),
  b('pp', 0, 5, 1),
]);

export const Shst = { NORMAL: 0, OCCURRING: 1, COMPLETE: 2 } as const;

/** Admin Queue Attributes; both sizes 0's based. */
export const AQA = defineBits('aqa', [b('asqs', 0, 0, 12), b('acqs', 0, 16, 12)]);

/** Version: also Identify Controller VER. */
export const VS = defineBits('vs', [b('ter', 0, 0, 8), b('mnr', 0, 8, 8), b('mjr', 0, 16, 16)]);

/** A VS / VER value: nvmeVersion(1, 4) === 0x00010400. */
export const nvmeVersion = (mjr: number, mnr: number, ter = 0): number => ((mjr << 16) | (mnr << 8) | ter) >>> 0;

export const NVME_VERSION_1_4 = nvmeVersion(1, 4);
export const NVME_VERSION_2_0 = nvmeVersion(2, 0);

/** Controller Memory Buffer Location. */
export const CMBLOC = defineBits('cmbloc', [b('bir', 0, 0, 3), b('ofst', 0, 12, 20)]);

/** Controller Memory Buffer Size. */
export const CMBSZ = defineBits('cmbsz', [
  b('sqs', 0, 0, 1),
  b('cqs', 0, 1, 1),
  b('lists', 0, 2, 1),
  b('rds', 0, 3, 1),
  b('wds', 0, 4, 1),
  b('szu', 0, 8, 4),
  b('sz', 0, 12, 20),
]);

/** NSSR: writing this value ("NVMe") requests an NVM subsystem reset. */
export const NSSR_RESET = 0x4e564d65;
