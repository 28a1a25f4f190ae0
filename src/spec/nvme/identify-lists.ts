// Identify CNS values, namespace ID lists and namespace identification descriptors (specs.md 3.5;
// SPDK spdk_nvme_identify_cns, spdk_nvme_nidt, spdk_nvme_ns_id_desc).
import { defineLayout, f } from '../layout.js';

/** CNS: which structure Identify returns. */
export const Cns = {
  NAMESPACE: 0x00,
  CONTROLLER: 0x01,
  ACTIVE_NSID_LIST: 0x02,
  NS_ID_DESCRIPTOR_LIST: 0x03,
  NAMESPACE_IOCS: 0x05,
  CONTROLLER_IOCS: 0x06,
  ACTIVE_NSID_LIST_IOCS: 0x07,
  NAMESPACE_IOCS_INDEPENDENT: 0x08,
  ALLOCATED_NSID_LIST: 0x10,
  ALLOCATED_NAMESPACE: 0x11,
  NS_ATTACHED_CONTROLLER_LIST: 0x12,
  CONTROLLER_LIST: 0x13,
  PRIMARY_CONTROLLER_CAPABILITIES: 0x14,
  SECONDARY_CONTROLLER_LIST: 0x15,
  UUID_LIST: 0x17,
  ALLOCATED_NSID_LIST_IOCS: 0x1a,
  ALLOCATED_NAMESPACE_IOCS: 0x1b,
  IO_COMMAND_SET: 0x1c,
} as const;
export type Cns = (typeof Cns)[keyof typeof Cns];

export const CNS_NAMES: Readonly<Record<number, string>> = {
  [Cns.NAMESPACE]: 'Identify Namespace',
  [Cns.CONTROLLER]: 'Identify Controller',
  [Cns.ACTIVE_NSID_LIST]: 'Active Namespace ID List',
  [Cns.NS_ID_DESCRIPTOR_LIST]: 'Namespace Identification Descriptor List',
  [Cns.NAMESPACE_IOCS]: 'I/O Command Set Specific Identify Namespace',
  [Cns.CONTROLLER_IOCS]: 'I/O Command Set Specific Identify Controller',
  [Cns.ACTIVE_NSID_LIST_IOCS]: 'I/O Command Set Specific Active Namespace ID List',
  [Cns.NAMESPACE_IOCS_INDEPENDENT]: 'I/O Command Set Independent Identify Namespace',
  [Cns.ALLOCATED_NSID_LIST]: 'Allocated Namespace ID List',
  [Cns.ALLOCATED_NAMESPACE]: 'Identify Allocated Namespace',
  [Cns.NS_ATTACHED_CONTROLLER_LIST]: 'Namespace Attached Controller List',
  [Cns.CONTROLLER_LIST]: 'Controller List',
  [Cns.PRIMARY_CONTROLLER_CAPABILITIES]: 'Primary Controller Capabilities',
  [Cns.SECONDARY_CONTROLLER_LIST]: 'Secondary Controller List',
  [Cns.UUID_LIST]: 'UUID List',
  [Cns.ALLOCATED_NSID_LIST_IOCS]: 'I/O Command Set Specific Allocated Namespace ID List',
  [Cns.ALLOCATED_NAMESPACE_IOCS]: 'I/O Command Set Specific Identify Allocated Namespace',
  [Cns.IO_COMMAND_SET]: 'I/O Command Set Data Structure',
};

/** Command set identifiers (CSI). */
export const Csi = { NVM: 0x00, KEY_VALUE: 0x01, ZNS: 0x02 } as const;
export type Csi = (typeof Csi)[keyof typeof Csi];

export const CSI_NAMES: Readonly<Record<number, string>> = {
  [Csi.NVM]: 'NVM',
  [Csi.KEY_VALUE]: 'Key Value',
  [Csi.ZNS]: 'Zoned Namespace',
};

export const NSID_LIST_ENTRIES = 1024;
export const NSID_LIST_SIZE = 4 * NSID_LIST_ENTRIES;

/**
 * Active namespace ID list (CNS 0x02 / 0x07): up to 1024 u32 NSIDs greater than CDW1.NSID, in
 * increasing order, zero-filled after the last one. Entry i is the u32 at offset 4 * i.
 */
export const NSID_LIST = defineLayout('nsid-list', NSID_LIST_SIZE, [f('nsids', 0, NSID_LIST_SIZE, 'bytes')]);

/** The 4-byte header of each namespace identification descriptor; NIDL bytes of NID follow. */
export const NS_ID_DESCRIPTOR_HEADER = defineLayout('ns-id-descriptor-header', 4, [
  f('nidt', 0, 1, 'u8'),
  f('nidl', 1, 1, 'u8'),
  f('rsvd2', 2, 2, 'bytes'),
]);

/** Namespace identifier types. A zero NIDT ends the list. */
export const Nidt = { EUI64: 0x01, NGUID: 0x02, UUID: 0x03, CSI: 0x04 } as const;
export type Nidt = (typeof Nidt)[keyof typeof Nidt];

/** NIDL for each type. */
export const NIDT_LENGTH: Readonly<Record<Nidt, number>> = {
  [Nidt.EUI64]: 8,
  [Nidt.NGUID]: 16,
  [Nidt.UUID]: 16,
  [Nidt.CSI]: 1,
};

export const NIDT_NAMES: Readonly<Record<Nidt, string>> = {
  [Nidt.EUI64]: 'EUI64',
  [Nidt.NGUID]: 'NGUID',
  [Nidt.UUID]: 'UUID',
  [Nidt.CSI]: 'CSI',
};

/** The descriptor list is one 4096-byte page. */
export const NS_ID_DESCRIPTOR_LIST_SIZE = 4096;

/** I/O Command Set data structure (CNS 0x1C): 512 u64 vectors; bit N of a vector = CSI N supported. */
export const IO_COMMAND_SET_VECTORS = 512;
