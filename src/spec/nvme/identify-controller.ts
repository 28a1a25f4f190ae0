// Identify Controller (CNS 0x01), 4096 bytes, and the 32-byte power state descriptor.
// Offsets: specs.md 3.6, completed from SPDK spdk_nvme_ctrlr_data (every offset below was checked
// with offsetof against that header). Bit tables are relative to the field's own value (dword 0).
import { defineLayout, f } from '../layout.js';
import type { FieldDef } from '../layout.js';
import { b, defineBits } from './bits.js';

export const IDENTIFY_SIZE = 4096;
export const POWER_STATE_DESCRIPTOR_SIZE = 32;
export const POWER_STATE_COUNT = 32;

const psd = Array.from({ length: POWER_STATE_COUNT }, (_, i) => f(`psd${i}`, 2048 + 32 * i, 32, 'bytes')) as FieldDef<`psd${number}`>[];

export const IDENTIFY_CONTROLLER = defineLayout('identify-controller', IDENTIFY_SIZE, [
  // Controller capabilities and features
  f('vid', 0, 2, 'u16'),
  f('ssvid', 2, 2, 'u16'),
  f('sn', 4, 20, 'ascii'),
  f('mn', 24, 40, 'ascii'),
  f('fr', 64, 8, 'ascii'),
  f('rab', 72, 1, 'u8'),
  f('ieee', 73, 3, 'bytes'),
  f('cmic', 76, 1, 'u8'),
  /** Max transfer = 2^MDTS units of CAP.MPSMIN; 0 = no limit. */
  f('mdts', 77, 1, 'u8'),
  f('cntlid', 78, 2, 'u16'),
  /** Same encoding as the VS register. */
  f('ver', 80, 4, 'u32'),
  f('rtd3r', 84, 4, 'u32'),
  f('rtd3e', 88, 4, 'u32'),
  f('oaes', 92, 4, 'u32'),
  f('ctratt', 96, 4, 'u32'),
  f('rrls', 100, 2, 'u16'),
  f('rsvd102', 102, 9, 'bytes'),
  /** 1 I/O, 2 discovery, 3 administrative. */
  f('cntrltype', 111, 1, 'u8'),
  f('fguid', 112, 16, 'bytes'),
  f('crdt1', 128, 2, 'u16'),
  f('crdt2', 130, 2, 'u16'),
  f('crdt3', 132, 2, 'u16'),
  f('rsvd134', 134, 119, 'bytes'),
  f('nvmsr', 253, 1, 'u8'),
  f('vwci', 254, 1, 'u8'),
  f('mec', 255, 1, 'u8'),
  // Admin command set attributes
  f('oacs', 256, 2, 'u16'),
  /** 0's based. */
  f('acl', 258, 1, 'u8'),
  /** 0's based. */
  f('aerl', 259, 1, 'u8'),
  f('frmw', 260, 1, 'u8'),
  f('lpa', 261, 1, 'u8'),
  /** 0's based. */
  f('elpe', 262, 1, 'u8'),
  /** 0's based. */
  f('npss', 263, 1, 'u8'),
  f('avscc', 264, 1, 'u8'),
  f('apsta', 265, 1, 'u8'),
  /** Kelvin. */
  f('wctemp', 266, 2, 'u16'),
  f('cctemp', 268, 2, 'u16'),
  f('mtfa', 270, 2, 'u16'),
  f('hmpre', 272, 4, 'u32'),
  f('hmmin', 276, 4, 'u32'),
  /** u128, bytes; see u128.ts. */
  f('tnvmcap', 280, 16, 'bytes'),
  f('unvmcap', 296, 16, 'bytes'),
  f('rpmbs', 312, 4, 'u32'),
  f('edstt', 316, 2, 'u16'),
  f('dsto', 318, 1, 'u8'),
  f('fwug', 319, 1, 'u8'),
  /** Keep-alive granularity in 100 ms units; 0 = keep alive unsupported. */
  f('kas', 320, 2, 'u16'),
  f('hctma', 322, 2, 'u16'),
  f('mntmt', 324, 2, 'u16'),
  f('mxtmt', 326, 2, 'u16'),
  f('sanicap', 328, 4, 'u32'),
  f('hmminds', 332, 4, 'u32'),
  f('hmmaxd', 336, 2, 'u16'),
  f('nsetidmax', 338, 2, 'u16'),
  f('endgidmax', 340, 2, 'u16'),
  f('anatt', 342, 1, 'u8'),
  f('anacap', 343, 1, 'u8'),
  f('anagrpmax', 344, 4, 'u32'),
  f('nanagrpid', 348, 4, 'u32'),
  f('pels', 352, 4, 'u32'),
  f('domainid', 356, 2, 'u16'),
  f('rsvd358', 358, 10, 'bytes'),
  f('megcap', 368, 16, 'bytes'),
  f('rsvd384', 384, 128, 'bytes'),
  // NVM command set attributes
  /** 3:0 required, 7:4 maximum SQ entry size as log2 (0x66). */
  f('sqes', 512, 1, 'u8'),
  /** Same for CQ entries (0x44). */
  f('cqes', 513, 1, 'u8'),
  /** Fabrics: max outstanding commands per queue. */
  f('maxcmd', 514, 2, 'u16'),
  f('nn', 516, 4, 'u32'),
  f('oncs', 520, 2, 'u16'),
  f('fuses', 522, 2, 'u16'),
  f('fna', 524, 1, 'u8'),
  f('vwc', 525, 1, 'u8'),
  f('awun', 526, 2, 'u16'),
  f('awupf', 528, 2, 'u16'),
  f('nvscc', 530, 1, 'u8'),
  f('nwpc', 531, 1, 'u8'),
  f('acwu', 532, 2, 'u16'),
  f('ocfs', 534, 2, 'u16'),
  f('sgls', 536, 4, 'u32'),
  f('mnan', 540, 4, 'u32'),
  f('maxdna', 544, 16, 'bytes'),
  f('maxcna', 560, 4, 'u32'),
  f('rsvd564', 564, 204, 'bytes'),
  /** NUL-terminated, NUL-padded UTF-8: 'bytes', because 'ascii' pads with spaces. */
  f('subnqn', 768, 256, 'bytes'),
  f('rsvd1024', 1024, 768, 'bytes'),
  // NVMe over Fabrics attributes
  /** I/O command capsule size in 16-byte units (64-byte SQE + in-capsule data). */
  f('ioccsz', 1792, 4, 'u32'),
  /** I/O response capsule size in 16-byte units. */
  f('iorcsz', 1796, 4, 'u32'),
  /** In-capsule data offset in 16-byte units. */
  f('icdoff', 1800, 2, 'u16'),
  /** Bit 0: static controller model. */
  f('fcatt', 1802, 1, 'u8'),
  f('msdbd', 1803, 1, 'u8'),
  /** Bit 0: Disconnect supported. */
  f('ofcs', 1804, 2, 'u16'),
  f('rsvd1806', 1806, 242, 'bytes'),
  ...psd,
  f('vs', 3072, 1024, 'bytes'),
]);

/** Power state descriptor, 32 bytes, at IDENTIFY_CONTROLLER.offset.psd0 + 32 * n. */
export const POWER_STATE_DESCRIPTOR = defineLayout('power-state-descriptor', POWER_STATE_DESCRIPTOR_SIZE, [
  /** Maximum power, in 0.01 W (or 0.0001 W with MXPS). */
  f('mp', 0, 2, 'u16'),
  f('rsvd2', 2, 1, 'bytes'),
  /** Bit 0 MXPS (max power scale), bit 1 NOPS (non-operational). */
  f('flags', 3, 1, 'u8'),
  /** Entry latency, microseconds. */
  f('enlat', 4, 4, 'u32'),
  /** Exit latency, microseconds. */
  f('exlat', 8, 4, 'u32'),
  f('rrt', 12, 1, 'u8'),
  f('rrl', 13, 1, 'u8'),
  f('rwt', 14, 1, 'u8'),
  f('rwl', 15, 1, 'u8'),
  f('idlp', 16, 2, 'u16'),
  /** Bits 7:6 IPS (idle power scale). */
  f('ips', 18, 1, 'u8'),
  f('rsvd19', 19, 1, 'bytes'),
  f('actp', 20, 2, 'u16'),
  /** Bits 2:0 APW, 7:6 APS. */
  f('apwaps', 22, 1, 'u8'),
  f('rsvd23', 23, 9, 'bytes'),
]);

export const PSD_FLAGS = defineBits('psd-flags', [b('mxps', 0, 0, 1), b('nops', 0, 1, 1)]);

/** Controller types (CNTRLTYPE). */
export const ControllerType = { IO: 1, DISCOVERY: 2, ADMINISTRATIVE: 3 } as const;

/** CMIC: multi-path I/O and sharing capabilities. */
export const CMIC = defineBits('cmic', [b('mports', 0, 0, 1), b('mctrs', 0, 1, 1), b('ft', 0, 2, 1), b('anars', 0, 3, 1)]);

/** OACS: optional admin commands supported. */
export const OACS = defineBits('oacs', [
  b('security', 0, 0, 1),
  b('format', 0, 1, 1),
  b('firmware', 0, 2, 1),
  b('nsManagement', 0, 3, 1),
  b('selfTest', 0, 4, 1),
  b('directives', 0, 5, 1),
  b('nvmeMi', 0, 6, 1),
  b('virtualization', 0, 7, 1),
  b('doorbellBufferConfig', 0, 8, 1),
  b('getLbaStatus', 0, 9, 1),
  b('lockdown', 0, 10, 1),
]);

/** FRMW: firmware updates. */
export const FRMW = defineBits('frmw', [b('slot1ro', 0, 0, 1), b('nofs', 0, 1, 3), b('fawr', 0, 4, 1), b('smud', 0, 5, 1)]);

/** LPA: log page attributes. */
export const LPA = defineBits('lpa', [
  /** SMART log per namespace. */
  b('smarts', 0, 0, 1),
  /** Commands Supported and Effects log. */
  b('cses', 0, 1, 1),
  /** Extended data (NUMDU, LPOL/LPOU) for Get Log Page. */
  b('lpeds', 0, 2, 1),
  b('ts', 0, 3, 1),
  b('pes', 0, 4, 1),
]);

/** OAES: optional asynchronous events supported. */
export const OAES = defineBits('oaes', [
  b('nsAttributeNotices', 0, 8, 1),
  b('firmwareActivationNotices', 0, 9, 1),
  b('anaChangeNotices', 0, 11, 1),
  b('discoveryLogChangeNotices', 0, 31, 1),
]);

/** SQES / CQES: entry sizes as log2. */
export const QUEUE_ENTRY_SIZES = defineBits('queue-entry-sizes', [b('required', 0, 0, 4), b('maximum', 0, 4, 4)]);

/** ONCS: optional NVM commands supported. */
export const ONCS = defineBits('oncs', [
  b('compare', 0, 0, 1),
  b('writeUncorrectable', 0, 1, 1),
  b('dsm', 0, 2, 1),
  b('writeZeroes', 0, 3, 1),
  /** Save field in Set Features and Select field in Get Features. */
  b('saveSelect', 0, 4, 1),
  b('reservations', 0, 5, 1),
  b('timestamp', 0, 6, 1),
  b('verify', 0, 7, 1),
  b('copy', 0, 8, 1),
]);

/** FUSES: bit 0 Compare and Write. */
export const FUSES = defineBits('fuses', [b('compareAndWrite', 0, 0, 1)]);

/** FNA: format and sanitize attributes. */
export const FNA = defineBits('fna', [b('formatAll', 0, 0, 1), b('eraseAll', 0, 1, 1), b('cryptoErase', 0, 2, 1)]);

/** VWC: volatile write cache. */
export const VWC = defineBits('vwc', [b('present', 0, 0, 1), b('flushBroadcast', 0, 1, 2)]);

/** SGLS: SGL support. */
export const SGLS = defineBits('sgls', [
  /** 0 unsupported, 1 supported with no alignment, 2 supported with dword alignment. */
  b('supported', 0, 0, 2),
  b('keyed', 0, 2, 1),
  b('bitBucket', 0, 16, 1),
  b('byteAlignedMetadata', 0, 17, 1),
  b('oversize', 0, 18, 1),
  b('mptrSgl', 0, 19, 1),
  /** Address may be an offset: in-capsule data over Fabrics. */
  b('offset', 0, 20, 1),
  b('transportDataBlock', 0, 21, 1),
]);

export const SglSupport = { NONE: 0, NO_ALIGNMENT: 1, DWORD_ALIGNMENT: 2 } as const;
