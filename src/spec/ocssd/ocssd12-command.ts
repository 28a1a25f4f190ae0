// OCSSD 1.2 physical I/O commands (erase 0x90, write 0x91, read 0x92): the 64-byte SQE, the
// control flags, and the 1.2 opcodes with their names (specs.md 1.1, 1.4; seed-emulator-behaviour.md
// 3.3; Linux lightnvm.c nvme_nvm_ph_rw, lightnvm.h NVM_OP_* / NVM_IO_*).
// Completion DW0-DW1 carry a 64-bit bitmap: bit i set = PPA i of the list failed.
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from '../nvme/bits.js';

/** Physical read / write / erase. Erase moves no data. */
export const OCSSD12_SQE = defineLayout('ocssd12-sqe', 64, [
  f('opc', 0, 1, 'u8'),
  /** FUSE 1:0, PSDT 7:6, as in every SQE. */
  f('flags', 1, 1, 'u8'),
  f('cid', 2, 2, 'u16'),
  f('nsid', 4, 4, 'u32'),
  f('rsvd8', 8, 8, 'bytes'),
  /** Metadata (OOB) buffer: sos bytes per sector. */
  f('mptr', 16, 8, 'u64'),
  f('prp1', 24, 8, 'u64'),
  f('prp2', 32, 8, 'u64'),
  /** The PPA itself when nlb0 = 0, else the host address of nlb0 + 1 u64 PPAs. */
  f('spba', 40, 8, 'u64'),
  /** PPAs in the command, 0's based; at most OCSSD12_MAX_PPAS. */
  f('nlb0', 48, 2, 'u16'),
  /** OCSSD12_CONTROL bits. */
  f('control', 50, 2, 'u16'),
  f('dsmgmt', 52, 4, 'u32'),
  /** Hybrid-mode SLBA in old kernels (removed in 4.17); reserved here. */
  f('rsvd56', 56, 8, 'bytes'),
]);

/** Plane access mode in control bits 1:0; pblk sends one erase PPA plus this mode. */
export const Ocssd12PlaneAccess = { SINGLE: 0, DUAL: 1, QUAD: 2 } as const;
export type Ocssd12PlaneAccess = (typeof Ocssd12PlaneAccess)[keyof typeof Ocssd12PlaneAccess];

/** Control flag values (Linux NVM_IO_*). */
export const Ocssd12Control = {
  PLANE_MASK: 0x3,
  SUSPEND: 0x80,
  SLC: 0x100,
  /** Meant "scrambler disable" in Linux 4.5-4.9 and "enable" from 4.10. */
  SCRAMBLE: 0x200,
} as const;

/** The control u16 as bit fields (dword 0: the value itself). */
export const OCSSD12_CONTROL = defineBits('ocssd12-control', [
  b('planeAccess', 0, 0, 2),
  b('suspend', 0, 7, 1),
  b('slc', 0, 8, 1),
  b('scramble', 0, 9, 1),
]);

export const Ocssd12Opcode = { ERASE: 0x90, PWRITE: 0x91, PREAD: 0x92 } as const;
export type Ocssd12Opcode = (typeof Ocssd12Opcode)[keyof typeof Ocssd12Opcode];

export const Ocssd12AdminOpcode = { IDENTITY: 0xe2, SET_BBT: 0xf1, GET_BBT: 0xf2 } as const;
export type Ocssd12AdminOpcode = (typeof Ocssd12AdminOpcode)[keyof typeof Ocssd12AdminOpcode];

/** For opcodeName('io', opc, { names }). */
export const OCSSD12_IO_OPCODE_NAMES: Readonly<Record<number, string>> = {
  [Ocssd12Opcode.ERASE]: 'OCSSD 1.2 Physical Block Erase',
  [Ocssd12Opcode.PWRITE]: 'OCSSD 1.2 Physical Page Write',
  [Ocssd12Opcode.PREAD]: 'OCSSD 1.2 Physical Page Read',
};

/** For opcodeName('admin', opc, { names }). */
export const OCSSD12_ADMIN_OPCODE_NAMES: Readonly<Record<number, string>> = {
  [Ocssd12AdminOpcode.IDENTITY]: 'OCSSD 1.2 Device Identification',
  [Ocssd12AdminOpcode.SET_BBT]: 'OCSSD 1.2 Set Bad Block Table',
  [Ocssd12AdminOpcode.GET_BBT]: 'OCSSD 1.2 Get Bad Block Table',
};
