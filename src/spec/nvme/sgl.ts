// The 16-byte SGL descriptor (specs.md 3.1; SPDK spdk_nvme_sgl_descriptor, unkeyed form).
// Byte 15 is the SGL identifier: type in bits 7:4, subtype in bits 3:0.
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from './bits.js';

export const SGL_DESCRIPTOR_SIZE = 16;

export const SGL_DESCRIPTOR = defineLayout('sgl-descriptor', SGL_DESCRIPTOR_SIZE, [
  f('address', 0, 8, 'u64'),
  f('length', 8, 4, 'u32'),
  f('rsvd12', 12, 3, 'bytes'),
  /** SGL identifier: (type << 4) | subtype. */
  f('sglid', 15, 1, 'u8'),
]);

/** The identifier byte as bits of descriptor dword 3. */
export const SGL_ID = defineBits('sgl-id', [b('subtype', 3, 24, 4), b('type', 3, 28, 4)]);

export const SglType = {
  DATA_BLOCK: 0x0,
  BIT_BUCKET: 0x1,
  SEGMENT: 0x2,
  LAST_SEGMENT: 0x3,
  KEYED_DATA_BLOCK: 0x4,
  TRANSPORT_DATA_BLOCK: 0x5,
  VENDOR_SPECIFIC: 0xf,
} as const;
export type SglType = (typeof SglType)[keyof typeof SglType];

export const SGL_TYPE_NAMES: Readonly<Record<number, string>> = {
  [SglType.DATA_BLOCK]: 'Data Block',
  [SglType.BIT_BUCKET]: 'Bit Bucket',
  [SglType.SEGMENT]: 'Segment',
  [SglType.LAST_SEGMENT]: 'Last Segment',
  [SglType.KEYED_DATA_BLOCK]: 'Keyed Data Block',
  [SglType.TRANSPORT_DATA_BLOCK]: 'Transport Data Block',
  [SglType.VENDOR_SPECIFIC]: 'Vendor Specific',
};

export const SglSubtype = { ADDRESS: 0x0, OFFSET: 0x1, TRANSPORT: 0xa } as const;
export type SglSubtype = (typeof SglSubtype)[keyof typeof SglSubtype];

/** The identifier byte for a type and subtype. */
export const sglId = (type: number, subtype: number): number => ((type & 0xf) << 4) | (subtype & 0xf);

/** The two identifiers NVMe/TCP uses: in-capsule data (address = offset) and data moved by C2HData/R2T. */
export const SGL_ID_TCP_IN_CAPSULE = sglId(SglType.DATA_BLOCK, SglSubtype.OFFSET); // 0x01
export const SGL_ID_TCP_TRANSPORT = sglId(SglType.TRANSPORT_DATA_BLOCK, SglSubtype.TRANSPORT); // 0x5A
