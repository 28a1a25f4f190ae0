// Identify Namespace (CNS 0x00), 4096 bytes, and the 4-byte LBA format entry.
// Offsets: specs.md 3.7, completed from SPDK spdk_nvme_ns_data (checked with offsetof). NVMe 2.0
// allows 64 LBA formats (bytes 128..383); we declare the first 16, which is all we advertise.
import { defineLayout, f } from '../layout.js';
import type { FieldDef } from '../layout.js';
import { b, defineBits } from './bits.js';

export const LBA_FORMAT_SIZE = 4;
export const LBA_FORMAT_COUNT = 16;

const lbaf = Array.from({ length: LBA_FORMAT_COUNT }, (_, i) => f(`lbaf${i}`, 128 + 4 * i, 4, 'bytes')) as FieldDef<`lbaf${number}`>[];

export const IDENTIFY_NAMESPACE = defineLayout('identify-namespace', 4096, [
  /** Size in logical blocks. */
  f('nsze', 0, 8, 'u64'),
  f('ncap', 8, 8, 'u64'),
  f('nuse', 16, 8, 'u64'),
  f('nsfeat', 24, 1, 'u8'),
  /** Number of LBA formats, 0's based. */
  f('nlbaf', 25, 1, 'u8'),
  f('flbas', 26, 1, 'u8'),
  f('mc', 27, 1, 'u8'),
  f('dpc', 28, 1, 'u8'),
  f('dps', 29, 1, 'u8'),
  f('nmic', 30, 1, 'u8'),
  f('rescap', 31, 1, 'u8'),
  f('fpi', 32, 1, 'u8'),
  f('dlfeat', 33, 1, 'u8'),
  f('nawun', 34, 2, 'u16'),
  f('nawupf', 36, 2, 'u16'),
  f('nacwu', 38, 2, 'u16'),
  f('nabsn', 40, 2, 'u16'),
  f('nabo', 42, 2, 'u16'),
  f('nabspf', 44, 2, 'u16'),
  f('noiob', 46, 2, 'u16'),
  /** u128, bytes; see u128.ts. */
  f('nvmcap', 48, 16, 'bytes'),
  f('npwg', 64, 2, 'u16'),
  f('npwa', 66, 2, 'u16'),
  f('npdg', 68, 2, 'u16'),
  f('npda', 70, 2, 'u16'),
  f('nows', 72, 2, 'u16'),
  f('mssrl', 74, 2, 'u16'),
  f('mcl', 76, 4, 'u32'),
  f('msrc', 80, 1, 'u8'),
  f('rsvd81', 81, 11, 'bytes'),
  f('anagrpid', 92, 4, 'u32'),
  f('rsvd96', 96, 3, 'bytes'),
  f('nsattr', 99, 1, 'u8'),
  f('nvmsetid', 100, 2, 'u16'),
  f('endgid', 102, 2, 'u16'),
  f('nguid', 104, 16, 'bytes'),
  /** An identifier, not a number: kept as bytes in wire order. */
  f('eui64', 120, 8, 'bytes'),
  ...lbaf,
  /** LBA formats 16..63 of NVMe 2.0; zero while NLBAF < 16. */
  f('rsvd192', 192, 192, 'bytes'),
  /** Vendor specific. Byte 384 = 0x01 marks an OCSSD 1.2 namespace for Linux. */
  f('vs', 384, 3712, 'bytes'),
]);

/** One LBA format, at IDENTIFY_NAMESPACE.offset.lbaf0 + 4 * n. */
export const LBA_FORMAT = defineLayout('lba-format', LBA_FORMAT_SIZE, [
  /** Metadata bytes per logical block. */
  f('ms', 0, 2, 'u16'),
  /** log2 of the data size; at least 9. */
  f('lbads', 2, 1, 'u8'),
  /** Bits 1:0 relative performance, 7:2 reserved. */
  f('rp', 3, 1, 'u8'),
]);

export const RelativePerformance = { BEST: 0, BETTER: 1, GOOD: 2, DEGRADED: 3 } as const;

/** NSFEAT. */
export const NSFEAT = defineBits('nsfeat', [
  b('thinp', 0, 0, 1),
  /** NAWUN / NAWUPF / NACWU are valid. */
  b('nsabp', 0, 1, 1),
  /** Deallocated or Unwritten Logical Block error supported. */
  b('dae', 0, 2, 1),
  b('uidreuse', 0, 3, 1),
  b('optperf', 0, 4, 1),
]);

/** FLBAS: the format in use. */
export const FLBAS = defineBits('flbas', [
  /** Low 4 bits of the format index. */
  b('format', 0, 0, 4),
  /** Metadata transferred at the end of each LBA (extended LBA) rather than in a separate buffer. */
  b('extended', 0, 4, 1),
  /** High 2 bits of the format index (only with more than 16 formats). */
  b('formatMsb', 0, 5, 2),
]);

/** MC: metadata capabilities. */
export const MC = defineBits('mc', [b('extended', 0, 0, 1), b('pointer', 0, 1, 1)]);

/** DPC: end-to-end protection capabilities. */
export const DPC = defineBits('dpc', [
  b('pit1', 0, 0, 1),
  b('pit2', 0, 1, 1),
  b('pit3', 0, 2, 1),
  b('first8', 0, 3, 1),
  b('last8', 0, 4, 1),
]);

/** DPS: end-to-end protection type settings. */
export const DPS = defineBits('dps', [b('pit', 0, 0, 3), b('first8', 0, 3, 1)]);

/** NMIC: namespace multi-path and sharing. */
export const NMIC = defineBits('nmic', [b('shared', 0, 0, 1)]);

/** DLFEAT: what a read of a deallocated block returns. */
export const DLFEAT = defineBits('dlfeat', [
  /** 0 not reported, 1 all bytes 0x00, 2 all bytes 0xFF. */
  b('readValue', 0, 0, 3),
  /** Write Zeroes supports DEAC. */
  b('writeZeroesDeac', 0, 3, 1),
  /** Guard field of deallocated blocks is the CRC of the read value. */
  b('guardCrc', 0, 4, 1),
]);

export const DeallocatedReadValue = { NOT_REPORTED: 0, ZEROES: 1, ONES: 2 } as const;
