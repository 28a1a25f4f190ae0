// OCSSD 2.0 vector chunk commands (reset 0x90, write 0x91, read 0x92, copy 0x93): the 64-byte
// SQE, its CDW12 fields and the opcodes with their names (specs.md 2.1, 2.5; QEMU OcssdRwCmd /
// OcssdCopyCmd, SPDK nvme_ns_ocssd_cmd.c, liblightnvm nvm_nvme_cmd.s20).
// Completion DW0-DW1 carry a 64-bit bitmap: bit i refers to LBA i of the list.
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from '../nvme/bits.js';

/** Most LBAs in one vector command: NLB is 6 bits, 0's based (SPDK_NVME_OCSSD_MAX_LBAL_ENTRIES). */
export const MAX_VECTOR_LBAS = 64;

export const OCSSD20_SQE = defineLayout('ocssd20-sqe', 64, [
  f('opc', 0, 1, 'u8'),
  /** FUSE 1:0, PSDT 7:6. */
  f('flags', 1, 1, 'u8'),
  f('cid', 2, 2, 'u16'),
  f('nsid', 4, 4, 'u32'),
  f('rsvd8', 8, 8, 'bytes'),
  /** Per-LBA metadata; for Reset, an optional buffer for one 32-byte chunk descriptor per chunk reset. */
  f('mptr', 16, 8, 'u64'),
  /** PRP1/PRP2 or SGL1, as flags.PSDT says. */
  f('dptr', 24, 16, 'bytes'),
  /** The LBA itself when NLB = 0, else the host address of NLB + 1 u64 LBAs. */
  f('lbal', 40, 8, 'u64'),
  /** OCSSD20_VECTOR fields. */
  f('cdw12', 48, 4, 'u32'),
  f('rsvd52', 52, 4, 'bytes'),
  /** Copy only: destination LBA list, or the LBA itself when NLB = 0. Reserved otherwise. */
  f('dlbal', 56, 8, 'u64'),
]);

/** CDW12 of every vector command. QEMU reads NLB as 16 bits and refuses more than 64 LBAs. */
export const OCSSD20_VECTOR = defineBits('ocssd20-vector', [
  /** LBAs in the list, 0's based. */
  b('nlb0', 12, 0, 6),
  b('fua', 12, 30, 1),
  /** Limited retry. */
  b('lr', 12, 31, 1),
  /**
   * ocssd extension for fabrics (docs/ocssd20.md): Inline Layout. OOB travels after the sector
   * data in the data buffer instead of through MPTR, and with NLB > 0 the LBA list(s) travel in
   * the data (reset, write, copy: at its head) or in a staged list named by LBAL (read). CDW13 is
   * reserved in the OCSSD 2.0 vector commands, so a spec host never sets it.
   */
  b('ilay', 13, 0, 1),
]);

/**
 * ocssd vendor I/O command for fabrics: stores an LBA list (its data, NLB + 1 u64) under a tag
 * (CDW10) for the next inline-layout Vector Chunk Read naming that tag in LBAL (docs/ocssd20.md).
 * Opcode bits 1:0 = 01b: host-to-controller data.
 */
export const Ocssd20VendorOpcode = { STAGE_LBA_LIST: 0x95 } as const;

/** Lists one namespace keeps staged for reads; the oldest is dropped past this. */
export const MAX_STAGED_LBA_LISTS = 64;

export const Ocssd20Opcode = { VECTOR_RESET: 0x90, VECTOR_WRITE: 0x91, VECTOR_READ: 0x92, VECTOR_COPY: 0x93 } as const;
export type Ocssd20Opcode = (typeof Ocssd20Opcode)[keyof typeof Ocssd20Opcode];

/** Chunk information and notifications come through the standard Get Log Page (ocssd20-chunk.ts). */
export const Ocssd20AdminOpcode = { GEOMETRY: 0xe2 } as const;
export type Ocssd20AdminOpcode = (typeof Ocssd20AdminOpcode)[keyof typeof Ocssd20AdminOpcode];

/** For opcodeName('io', opc, { names }). */
export const OCSSD20_IO_OPCODE_NAMES: Readonly<Record<number, string>> = {
  [Ocssd20Opcode.VECTOR_RESET]: 'OCSSD 2.0 Vector Chunk Reset',
  [Ocssd20Opcode.VECTOR_WRITE]: 'OCSSD 2.0 Vector Chunk Write',
  [Ocssd20Opcode.VECTOR_READ]: 'OCSSD 2.0 Vector Chunk Read',
  [Ocssd20Opcode.VECTOR_COPY]: 'OCSSD 2.0 Vector Chunk Copy',
  [Ocssd20VendorOpcode.STAGE_LBA_LIST]: 'OCSSD 2.0 Stage LBA List (ocssd fabrics extension)',
};

/** For opcodeName('admin', opc, { names }). */
export const OCSSD20_ADMIN_OPCODE_NAMES: Readonly<Record<number, string>> = {
  [Ocssd20AdminOpcode.GEOMETRY]: 'OCSSD 2.0 Geometry',
};
