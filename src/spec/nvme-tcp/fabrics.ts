// NVMe over Fabrics commands (SQE opcode 0x7F, FCTYPE at byte 4; specs.md 5.6) as 64-byte
// layouts, the 1024-byte Connect data, and the discovery log page (LID 0x70; specs.md 5.9).
import { defineLayout, f } from '../layout.js';

/** Fields every Fabrics command shares (bytes 0..39). */
const COMMON = [
  f('opcode', 0, 1, 'u8'),
  /** PSDT in bits 7:6 (Linux sends 0x40: SGL). */
  f('flags', 1, 1, 'u8'),
  f('cid', 2, 2, 'u16'),
  f('fctype', 4, 1, 'u8'),
  f('rsvd5', 5, 19, 'bytes'),
  f('sgl1', 24, 16, 'bytes'),
] as const;

export const FABRICS_COMMAND = defineLayout('fabrics-command', 64, [...COMMON, f('fcspecific', 40, 24, 'bytes')]);

export const CONNECT_COMMAND = defineLayout('fabrics-connect', 64, [
  ...COMMON,
  /** Record format, must be 0. */
  f('recfmt', 40, 2, 'u16'),
  f('qid', 42, 2, 'u16'),
  /** Submission queue size, 0's based. */
  f('sqsize', 44, 2, 'u16'),
  f('cattr', 46, 1, 'u8'),
  f('rsvd47', 47, 1, 'bytes'),
  /** Keep Alive Timeout in ms (admin queue only). */
  f('kato', 48, 4, 'u32'),
  f('rsvd52', 52, 12, 'bytes'),
]);

/** Connect CATTR bits. */
export const ConnectAttr = { PRIORITY_MASK: 0x03, DISABLE_SQ_FLOW_CONTROL: 0x04, IO_QUEUE_ENTRIES: 0x08 } as const;

export const CONNECT_DATA = defineLayout('fabrics-connect-data', 1024, [
  f('hostid', 0, 16, 'bytes'),
  /** 0xFFFF on the admin queue: any controller (dynamic model). */
  f('cntlid', 16, 2, 'u16'),
  f('rsvd18', 18, 238, 'bytes'),
  f('subnqn', 256, 256, 'cstr'),
  f('hostnqn', 512, 256, 'cstr'),
  f('rsvd768', 768, 256, 'bytes'),
]);

/** Connect Data CNTLID asking for any controller (dynamic controller model). */
export const CNTLID_DYNAMIC = 0xffff;
/** Highest controller ID a subsystem may hand out (0xFFF0.. are reserved). */
export const CNTLID_MAX = 0xffef;

export const PROPERTY_SET_COMMAND = defineLayout('fabrics-property-set', 64, [
  ...COMMON,
  /** Bits 2:0: 0 = 4-byte property, 1 = 8-byte property. */
  f('attrib', 40, 1, 'u8'),
  f('rsvd41', 41, 3, 'bytes'),
  f('ofst', 44, 4, 'u32'),
  f('value', 48, 8, 'u64'),
  f('rsvd56', 56, 8, 'bytes'),
]);

export const PROPERTY_GET_COMMAND = defineLayout('fabrics-property-get', 64, [
  ...COMMON,
  f('attrib', 40, 1, 'u8'),
  f('rsvd41', 41, 3, 'bytes'),
  f('ofst', 44, 4, 'u32'),
  f('rsvd48', 48, 16, 'bytes'),
]);

export const PropertySize = { FOUR: 0, EIGHT: 1 } as const;

export const DISCONNECT_COMMAND = defineLayout('fabrics-disconnect', 64, [...COMMON, f('recfmt', 40, 2, 'u16'), f('rsvd42', 42, 22, 'bytes')]);

/** Connect response DW0 for Invalid Parameters: IPO (byte offset) in 15:0, IATTR in 23:16. */
export const ConnectIattr = { COMMAND: 0, DATA: 1 } as const;

export const DISCOVERY_NQN = 'nqn.2014-08.org.nvmexpress.discovery';
export const NVME_TCP_PORT = 4420;
export const NVME_TCP_DISCOVERY_PORT = 8009;

export const DISCOVERY_LOG_HEADER = defineLayout('discovery-log-header', 1024, [
  /** Changes whenever the log changes. */
  f('genctr', 0, 8, 'u64'),
  f('numrec', 8, 8, 'u64'),
  f('recfmt', 16, 2, 'u16'),
  f('dlpf', 18, 1, 'u8'),
  f('rsvd19', 19, 1, 'bytes'),
  f('tdlpl', 20, 4, 'u32'),
  f('rsvd24', 24, 1000, 'bytes'),
]);

export const DISCOVERY_LOG_ENTRY = defineLayout('discovery-log-entry', 1024, [
  f('trtype', 0, 1, 'u8'),
  f('adrfam', 1, 1, 'u8'),
  f('subtype', 2, 1, 'u8'),
  f('treq', 3, 1, 'u8'),
  f('portid', 4, 2, 'u16'),
  f('cntlid', 6, 2, 'u16'),
  f('asqsz', 8, 2, 'u16'),
  f('eflags', 10, 2, 'u16'),
  f('rsvd12', 12, 20, 'bytes'),
  f('trsvcid', 32, 32, 'cstr'),
  f('rsvd64', 64, 192, 'bytes'),
  f('subnqn', 256, 256, 'cstr'),
  f('traddr', 512, 256, 'cstr'),
  /** TCP: byte 0 is SECTYPE. */
  f('tsas', 768, 256, 'bytes'),
]);

export const TransportType = { RDMA: 1, FC: 2, TCP: 3, LOOP: 0xfe } as const;
export const AddressFamily = { IPV4: 1, IPV6: 2, IB: 3, FC: 4 } as const;
export const SubsystemType = { REFERRAL: 1, NVME: 2, CURRENT_DISCOVERY: 3 } as const;
/** TREQ bits 1:0 secure channel; bit 2 SQ flow control disable supported. */
export const Treq = { NOT_SPECIFIED: 0, REQUIRED: 1, NOT_REQUIRED: 2, SQFLOW_DISABLE_SUPPORTED: 0x04 } as const;
export const TcpSecType = { NONE: 0, TLS12: 1, TLS13: 2 } as const;

/** One Discovery log entry as values (the DISCOVERY_LOG_ENTRY layout, decoded). */
export interface DiscoveryLogEntry {
  readonly trtype: number;
  readonly adrfam: number;
  readonly subtype: number;
  readonly treq: number;
  readonly portid: number;
  readonly cntlid: number;
  readonly asqsz: number;
  readonly trsvcid: string;
  readonly subnqn: string;
  readonly traddr: string;
  /** TSAS byte 0 for TCP. */
  readonly sectype: number;
}
