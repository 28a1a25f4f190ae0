// OCSSD 1.2 Device Identification (admin 0xE2, 4096 bytes) and its configuration group
// descriptor, with the constants its fields take (specs.md 1.2; seed-emulator-behaviour.md 3.1;
// Linux lightnvm.c nvme_nvm_id12, FEMU Oc12IdCtrl, liblightnvm nvm_spec_idfy_s12).
import { defineLayout, f } from '../layout.js';
import type { Decoded, FieldValue } from '../layout.js';
import { PPA_FIELDS, PPA_FORMAT_KEYS } from './ocssd12-ppa.js';
import type { PpaFormat } from './ocssd12-ppa.js';

export const OCSSD12_IDENTITY_SIZE = 4096;

/** Byte 0 of the identity; 2.0 puts MJR = 2 there and Linux branches on it. */
export const OCSSD12_VER_ID = 1;

export const OCSSD12_IDENTITY = defineLayout('ocssd12-identity', OCSSD12_IDENTITY_SIZE, [
  f('ver_id', 0, 1, 'u8'),
  /** Vendor NVM opcode command set. */
  f('vmnt', 1, 1, 'u8'),
  /** Configuration groups; Linux requires 1 and reads only group 0. */
  f('cgrps', 2, 1, 'u8'),
  f('rsvd3', 3, 1, 'bytes'),
  /** Ocssd12Cap bits. */
  f('cap', 4, 4, 'u32'),
  /** Ocssd12Dom bits. */
  f('dom', 8, 4, 'u32'),
  // PPAF: bit offset and width of each PPA field (ocssd12-ppa.ts), offset byte first.
  f('ch_off', 12, 1, 'u8'),
  f('ch_len', 13, 1, 'u8'),
  f('lun_off', 14, 1, 'u8'),
  f('lun_len', 15, 1, 'u8'),
  f('pln_off', 16, 1, 'u8'),
  f('pln_len', 17, 1, 'u8'),
  f('blk_off', 18, 1, 'u8'),
  f('blk_len', 19, 1, 'u8'),
  f('pg_off', 20, 1, 'u8'),
  f('pg_len', 21, 1, 'u8'),
  f('sec_off', 22, 1, 'u8'),
  f('sec_len', 23, 1, 'u8'),
  f('rsvd24', 24, 4, 'bytes'),
  f('rsvd28', 28, 228, 'bytes'),
  /** Group descriptor 0: decode with OCSSD12_GROUP at base OCSSD12_GROUP_OFFSET. */
  f('group0', 256, 960, 'bytes'),
  /** Old headers declared groups[4]; nothing reads groups 1-3. */
  f('rsvd1216', 1216, 2880, 'bytes'),
]);
export type Ocssd12IdentityField = (typeof OCSSD12_IDENTITY.fields)[number]['name'];

export const OCSSD12_GROUP_OFFSET = 256;
export const OCSSD12_GROUP_SIZE = 960;

/** Configuration group descriptor; offsets relative to the group (add 256 for the identity). Times in ns. */
export const OCSSD12_GROUP = defineLayout('ocssd12-group', OCSSD12_GROUP_SIZE, [
  /** Ocssd12MediaType; Linux rejects anything but NAND. */
  f('mtype', 0, 1, 'u8'),
  /** Ocssd12FlashType. */
  f('fmtype', 1, 1, 'u8'),
  f('rsvd2', 2, 2, 'bytes'),
  f('num_ch', 4, 1, 'u8'),
  /** LUNs per channel. */
  f('num_lun', 5, 1, 'u8'),
  /** Planes per LUN. */
  f('num_pln', 6, 1, 'u8'),
  f('rsvd7', 7, 1, 'bytes'),
  /** Blocks per plane. */
  f('num_blk', 8, 2, 'u16'),
  /** Pages per block. */
  f('num_pg', 10, 2, 'u16'),
  /** Flash page size in bytes (= csecs x sectors per page; Linux derives sec_per_pg from it). */
  f('fpg_sz', 12, 2, 'u16'),
  /** Controller sector size in bytes. */
  f('csecs', 14, 2, 'u16'),
  /** Sector OOB (metadata) bytes. */
  f('sos', 16, 2, 'u16'),
  f('rsvd18', 18, 2, 'bytes'),
  f('trdt', 20, 4, 'u32'),
  f('trdm', 24, 4, 'u32'),
  f('tprt', 28, 4, 'u32'),
  f('tprm', 32, 4, 'u32'),
  f('tbet', 36, 4, 'u32'),
  f('tbem', 40, 4, 'u32'),
  /** Multi-plane operation support: OCSSD12_MPOS_BY_PLANES. */
  f('mpos', 44, 4, 'u32'),
  /** Ocssd12Mccap bits. */
  f('mccap', 48, 4, 'u32'),
  /** Channel parallelism. */
  f('cpar', 52, 2, 'u16'),
  /** Old revisions: MLC lower-page table here. */
  f('rsvd54', 54, 906, 'bytes'),
]);

/** Identity fields holding each PpaFormat value. */
export const OCSSD12_PPAF_FIELDS: Readonly<Record<keyof PpaFormat, Ocssd12IdentityField>> = {
  chOff: 'ch_off',
  chLen: 'ch_len',
  lunOff: 'lun_off',
  lunLen: 'lun_len',
  plnOff: 'pln_off',
  plnLen: 'pln_len',
  blkOff: 'blk_off',
  blkLen: 'blk_len',
  pgOff: 'pg_off',
  pgLen: 'pg_len',
  secOff: 'sec_off',
  secLen: 'sec_len',
};

const PPAF_KEYS = PPA_FIELDS.flatMap((fd) => PPA_FORMAT_KEYS[fd]);

/** The identity values for a format, to spread into encode(OCSSD12_IDENTITY, ...). */
export function ppafIdentityValues(fmt: PpaFormat): Partial<Record<Ocssd12IdentityField, FieldValue>> {
  return Object.fromEntries(PPAF_KEYS.map((k) => [OCSSD12_PPAF_FIELDS[k], fmt[k]]));
}

/** The format out of a decoded identity. */
export function ppafFromIdentity(id: Decoded<Ocssd12IdentityField>): PpaFormat {
  return Object.fromEntries(PPAF_KEYS.map((k) => [k, Number(id[OCSSD12_PPAF_FIELDS[k]])])) as unknown as PpaFormat;
}

/** CAP bits (Linux NVM_ID_DCAP_BBLKMGMT, NVM_UD_DCAP_ECC; their meaning is [U] in specs.md). The seed reports 0x3. */
export const Ocssd12Cap = { BAD_BLOCK_MGMT: 0x1, HYBRID_ECC: 0x2 } as const;

/**
 * DOM bits, read against Linux NVM_RSP_L2P / NVM_RSP_ECC. Bit 0 is the seed's ll2pmode (device-side
 * L2P, "hybrid"); pblk refuses a device that sets it. The ECC bit's meaning is [U].
 */
export const Ocssd12Dom = { DEVICE_L2P: 0x1, DEVICE_ECC: 0x2 } as const;

/** MCCAP bits (Linux NVM_ID_CAP_*). The seed reports SLC only (0x1). */
export const Ocssd12Mccap = { SLC: 0x1, CMD_SUSPEND: 0x2, SCRAMBLE: 0x4, ENCRYPT: 0x8 } as const;

/**
 * MPOS by plane count: one byte each for read (7:0), program (15:8) and erase (23:16), with bit
 * 0/1/2 of the byte meaning single/dual/quad plane. Linux tests mpos & 0x020202 and & 0x040404.
 */
export const OCSSD12_MPOS_BY_PLANES: Readonly<Record<1 | 2 | 4, number>> = { 1: 0x010101, 2: 0x020202, 4: 0x040404 };

/** MTYPE. */
export const Ocssd12MediaType = { NAND: 0 } as const;

/** FMTYPE. TLC = 2 is [U] in specs.md. */
export const Ocssd12FlashType = { SLC: 0, MLC: 1, TLC: 2 } as const;

export const OCSSD12_MEDIA_TYPE_NAMES: Readonly<Record<number, string>> = { [Ocssd12MediaType.NAND]: 'NAND' };

export const OCSSD12_FLASH_TYPE_NAMES: Readonly<Record<number, string>> = {
  [Ocssd12FlashType.SLC]: 'SLC',
  [Ocssd12FlashType.MLC]: 'MLC',
  [Ocssd12FlashType.TLC]: 'TLC',
};
