// OCSSD 2.0 Geometry (admin 0xE2, 4096 bytes, per namespace) and its MCCAP bits (specs.md 2.2;
// seed-emulator-behaviour.md 3.5; Linux nvme_nvm_id20, SPDK spdk_ocssd_geometry_data,
// liblightnvm nvm_spec_idfy_s20). MAXOC/MAXOCPU follow Linux and SPDK; QEMU folds them into reserved.
import { defineLayout, f } from '../layout.js';

export const OCSSD20_GEOMETRY_SIZE = 4096;

/** MJR/MNR for revision 2.0; byte 0 is 1.2's VER_ID, and Linux branches on it. */
export const OCSSD20_MJR = 2;
export const OCSSD20_MNR = 0;

/** Times in ns; write sizes in logical blocks. */
export const OCSSD20_GEOMETRY = defineLayout('ocssd20-geometry', OCSSD20_GEOMETRY_SIZE, [
  f('mjr', 0, 1, 'u8'),
  f('mnr', 1, 1, 'u8'),
  f('rsvd2', 2, 6, 'bytes'),
  // LBAF: bits per address field (ocssd20-address.ts), packed SEC | CHK | PU | GRP from bit 0.
  f('grp_len', 8, 1, 'u8'),
  f('pu_len', 9, 1, 'u8'),
  f('chk_len', 10, 1, 'u8'),
  f('lba_len', 11, 1, 'u8'),
  f('rsvd12', 12, 4, 'bytes'),
  /** Ocssd20Mccap bits. */
  f('mccap', 16, 4, 'u32'),
  f('rsvd20', 20, 12, 'bytes'),
  /** Wear-level index delta threshold for chunk notifications. */
  f('wit', 32, 1, 'u8'),
  f('rsvd33', 33, 31, 'bytes'),
  f('num_grp', 64, 2, 'u16'),
  /** Parallel units per group. */
  f('num_pu', 66, 2, 'u16'),
  /** Chunks per parallel unit. */
  f('num_chk', 68, 4, 'u32'),
  /** Logical blocks per chunk. */
  f('clba', 72, 4, 'u32'),
  f('rsvd76', 76, 52, 'bytes'),
  f('ws_min', 128, 4, 'u32'),
  f('ws_opt', 132, 4, 'u32'),
  /** The last mw_cunits blocks behind an open chunk's WP are not yet readable. */
  f('mw_cunits', 136, 4, 'u32'),
  /** Max open chunks, in all and per PU. */
  f('maxoc', 140, 4, 'u32'),
  f('maxocpu', 144, 4, 'u32'),
  f('rsvd148', 148, 44, 'bytes'),
  f('trdt', 192, 4, 'u32'),
  f('trdm', 196, 4, 'u32'),
  /** Write (program) typical / max; TPRT/TPRM in some headers. */
  f('twrt', 200, 4, 'u32'),
  f('twrm', 204, 4, 'u32'),
  /** Chunk reset typical / max. */
  f('tcrst', 208, 4, 'u32'),
  f('tcrsm', 212, 4, 'u32'),
  f('rsvd216', 216, 2856, 'bytes'),
  f('vs', 3072, 1024, 'bytes'),
]);
export type Ocssd20GeometryField = (typeof OCSSD20_GEOMETRY.fields)[number]['name'];

export const Ocssd20Mccap = {
  /** Vector Chunk Copy (0x93) supported. */
  VECTOR_COPY: 0x1,
  /** Resetting a Free chunk is allowed. */
  MULTIPLE_RESETS: 0x2,
  /** Resetting an Open chunk is allowed: a QEMU extension, not in the 2.0 spec. */
  EARLY_RESET: 0x4,
} as const;
