// The 64-byte Submission Queue Entry and the command-dword fields of the base-spec commands the
// emulator executes (specs.md 3.1, 3.4; SPDK spdk_nvme_cmd and its cdw10..13 unions).
// Command bit tables use dword = the SQE dword number, so readBits(sqe, IDENTIFY.cns) reads CDW10.
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from './bits.js';

export const SQE_SIZE = 64;

/** The generic SQE with a PRP data pointer. */
export const SQE = defineLayout('sqe', SQE_SIZE, [
  f('opc', 0, 1, 'u8'),
  /** bits 1:0 FUSE, 5:2 reserved, 7:6 PSDT. */
  f('flags', 1, 1, 'u8'),
  f('cid', 2, 2, 'u16'),
  f('nsid', 4, 4, 'u32'),
  f('cdw2', 8, 4, 'u32'),
  f('cdw3', 12, 4, 'u32'),
  f('mptr', 16, 8, 'u64'),
  f('prp1', 24, 8, 'u64'),
  f('prp2', 32, 8, 'u64'),
  f('cdw10', 40, 4, 'u32'),
  f('cdw11', 44, 4, 'u32'),
  f('cdw12', 48, 4, 'u32'),
  f('cdw13', 52, 4, 'u32'),
  f('cdw14', 56, 4, 'u32'),
  f('cdw15', 60, 4, 'u32'),
]);

/** The same SQE seen with an SGL data pointer (PSDT != 0, and always over Fabrics). Decode SGL1 with SGL_DESCRIPTOR at base 24. */
export const SQE_SGL = defineLayout('sqe-sgl', SQE_SIZE, [
  f('opc', 0, 1, 'u8'),
  f('flags', 1, 1, 'u8'),
  f('cid', 2, 2, 'u16'),
  f('nsid', 4, 4, 'u32'),
  f('cdw2', 8, 4, 'u32'),
  f('cdw3', 12, 4, 'u32'),
  f('mptr', 16, 8, 'u64'),
  f('sgl1', 24, 16, 'bytes'),
  f('cdw10', 40, 4, 'u32'),
  f('cdw11', 44, 4, 'u32'),
  f('cdw12', 48, 4, 'u32'),
  f('cdw13', 52, 4, 'u32'),
  f('cdw14', 56, 4, 'u32'),
  f('cdw15', 60, 4, 'u32'),
]);

/** Read / Write / Compare / Write Zeroes / Verify view: SLBA is one u64 across CDW10-11. */
export const SQE_NVM_RW = defineLayout('sqe-nvm-rw', SQE_SIZE, [
  f('opc', 0, 1, 'u8'),
  f('flags', 1, 1, 'u8'),
  f('cid', 2, 2, 'u16'),
  f('nsid', 4, 4, 'u32'),
  f('cdw2', 8, 4, 'u32'),
  f('cdw3', 12, 4, 'u32'),
  f('mptr', 16, 8, 'u64'),
  f('prp1', 24, 8, 'u64'),
  f('prp2', 32, 8, 'u64'),
  f('slba', 40, 8, 'u64'),
  /** CDW12; fields in NVM_RW. NLB is 0's based. */
  f('cdw12', 48, 4, 'u32'),
  /** CDW13: DSM 7:0, DSPEC 31:16. */
  f('cdw13', 52, 4, 'u32'),
  /** CDW14: expected initial logical block reference tag (EILBRT). */
  f('eilbrt', 56, 4, 'u32'),
  /** CDW15: 15:0 ELBAT, 31:16 ELBATM. */
  f('cdw15', 60, 4, 'u32'),
]);

/** Dword 0 of every SQE. */
export const SQE_DW0 = defineBits('sqe-dw0', [b('opc', 0, 0, 8), b('fuse', 0, 8, 2), b('psdt', 0, 14, 2), b('cid', 0, 16, 16)]);

export const Fuse = { NORMAL: 0, FIRST: 1, SECOND: 2 } as const;
export type Fuse = (typeof Fuse)[keyof typeof Fuse];

/** PSDT: where the data (and metadata) pointers live. Linux Fabrics hosts send flags 0x40 (SGL, MPTR contiguous). */
export const Psdt = { PRP: 0, SGL_MPTR_CONTIGUOUS: 1, SGL_MPTR_SGL: 2 } as const;
export type Psdt = (typeof Psdt)[keyof typeof Psdt];

/** Identify (admin 0x06). CNS values in identify-lists.ts. */
export const IDENTIFY = defineBits('identify', [
  b('cns', 10, 0, 8),
  b('cntid', 10, 16, 16),
  /** CNS-specific identifier (NVM Set ID, ...). */
  b('cnssid', 11, 0, 16),
  b('csi', 11, 24, 8),
  b('uidx', 14, 0, 7),
]);

/** Get Log Page (admin 0x02). Length = (NUMDU:NUMDL + 1) * 4 bytes; offset LPOU:LPOL in bytes, dword aligned. */
export const GET_LOG_PAGE = defineBits('get-log-page', [
  b('lid', 10, 0, 8),
  b('lsp', 10, 8, 7),
  b('rae', 10, 15, 1),
  /** Low half of NUMD, 0's based. */
  b('numdl', 10, 16, 16),
  b('numdu', 11, 0, 16),
  b('lsi', 11, 16, 16),
  b('lpol', 12, 0, 32),
  b('lpou', 13, 0, 32),
  b('uidx', 14, 0, 7),
  /** Offset Type: 1 = LPOL/LPOU is an index, not a byte offset. */
  b('ot', 14, 23, 1),
  b('csi', 14, 24, 8),
]);

/** Get Features (admin 0x0A); the result is in completion DW0. */
export const GET_FEATURES = defineBits('get-features', [b('fid', 10, 0, 8), b('sel', 10, 8, 3), b('uidx', 14, 0, 7)]);

/** Set Features (admin 0x09); the value is CDW11 (fields in features.ts). */
export const SET_FEATURES = defineBits('set-features', [b('fid', 10, 0, 8), b('sv', 10, 31, 1), b('uidx', 14, 0, 7)]);

/** Create I/O Completion Queue (admin 0x05). PRP1 = queue base. */
export const CREATE_IO_CQ = defineBits('create-io-cq', [
  b('qid', 10, 0, 16),
  /** 0's based. */
  b('qsize', 10, 16, 16),
  b('pc', 11, 0, 1),
  b('ien', 11, 1, 1),
  b('iv', 11, 16, 16),
]);

/** Create I/O Submission Queue (admin 0x01). PRP1 = queue base. */
export const CREATE_IO_SQ = defineBits('create-io-sq', [
  b('qid', 10, 0, 16),
  /** 0's based. */
  b('qsize', 10, 16, 16),
  b('pc', 11, 0, 1),
  b('qprio', 11, 1, 2),
  b('cqid', 11, 16, 16),
  b('nvmsetid', 12, 0, 16),
]);

/** Queue priority for Create I/O SQ (weighted round robin only). */
export const QueuePriority = { URGENT: 0, HIGH: 1, MEDIUM: 2, LOW: 3 } as const;

/** Delete I/O Submission / Completion Queue (admin 0x00 / 0x04). */
export const DELETE_IO_QUEUE = defineBits('delete-io-queue', [b('qid', 10, 0, 16)]);

/** Abort (admin 0x08). Completion DW0 bit 0 = 1 when the command was not aborted. */
export const ABORT = defineBits('abort', [b('sqid', 10, 0, 16), b('cid', 10, 16, 16)]);

/** Format NVM (admin 0x80). */
export const FORMAT_NVM = defineBits('format-nvm', [
  /** LBA format index, low 4 bits. */
  b('lbafl', 10, 0, 4),
  b('mset', 10, 4, 1),
  b('pi', 10, 5, 3),
  b('pil', 10, 8, 1),
  b('ses', 10, 9, 3),
  /** LBA format index, high 2 bits (only with more than 16 formats). */
  b('lbafu', 10, 12, 2),
]);

/** Secure Erase Settings of Format NVM. */
export const SecureErase = { NONE: 0, USER_DATA: 1, CRYPTOGRAPHIC: 2 } as const;

/** Read / Write / Compare / Verify CDW12-13 (NVM command set). SLBA: SQE_NVM_RW.slba. */
export const NVM_RW = defineBits('nvm-rw', [
  /** Number of logical blocks, 0's based. */
  b('nlb0', 12, 0, 16),
  /** Directive type (Write). */
  b('dtype', 12, 20, 4),
  b('stc', 12, 24, 1),
  /** Protection information: 29 PRACT, 28:26 PRCHK. */
  b('prinfo', 12, 26, 4),
  b('fua', 12, 30, 1),
  b('lr', 12, 31, 1),
  b('dsm', 13, 0, 8),
  b('dspec', 13, 16, 16),
]);

/** Write Zeroes (I/O 0x08) CDW12. */
export const WRITE_ZEROES = defineBits('write-zeroes', [
  b('nlb0', 12, 0, 16),
  b('stc', 12, 24, 1),
  /** Deallocate the range instead of writing zeroes, when DLFEAT allows it. */
  b('deac', 12, 25, 1),
  b('prinfo', 12, 26, 4),
  b('fua', 12, 30, 1),
  b('lr', 12, 31, 1),
]);

/** Dataset Management (I/O 0x09): CDW10 NR (0's based range count), CDW11 attributes. Data = NR+1 ranges. */
export const DSM = defineBits('dsm', [b('nr', 10, 0, 8), b('idr', 11, 0, 1), b('idw', 11, 1, 1), b('ad', 11, 2, 1)]);

/** One Dataset Management range. NLB here is a count (not 0's based). */
export const DSM_RANGE = defineLayout('dsm-range', 16, [
  f('cattr', 0, 4, 'u32'),
  f('nlb', 4, 4, 'u32'),
  f('slba', 8, 8, 'u64'),
]);

/** At most 256 ranges per DSM command (NR is 8 bits). */
export const DSM_MAX_RANGES = 256;
