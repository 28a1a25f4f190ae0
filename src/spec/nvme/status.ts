// Status codes as values, in the 15-bit form Linux and QEMU use: DNR<<14 | M<<13 | CRD<<11 |
// SCT<<8 | SC (0x4002 = Invalid Field in Command, Do Not Retry). The CQE carries it shifted left
// by one with the phase tag in bit 0 (cqe.ts). Values: specs.md 0 and 3.9, 5.6; every code below
// is in SPDK nvme_spec.h / nvmf_spec.h or Linux nvme.h.

/** Status Code Type. */
export const SCT = { GENERIC: 0, COMMAND_SPECIFIC: 1, MEDIA: 2, PATH: 3, VENDOR: 7 } as const;
export type SCT = (typeof SCT)[keyof typeof SCT];

export const SCT_NAMES: Readonly<Record<number, string>> = {
  [SCT.GENERIC]: 'Generic Command Status',
  [SCT.COMMAND_SPECIFIC]: 'Command Specific Status',
  [SCT.MEDIA]: 'Media and Data Integrity Errors',
  [SCT.PATH]: 'Path Related Status',
  [SCT.VENDOR]: 'Vendor Specific',
};

export interface StatusFlags {
  /** Do Not Retry. */
  readonly dnr?: boolean;
  /** More information in the Error Information log. */
  readonly more?: boolean;
  /** Command Retry Delay index (0-3) into Identify Controller CRDT1..3. */
  readonly crd?: number;
}

export const SUCCESS = 0;

const DNR_BIT = 0x4000;
const MORE_BIT = 0x2000;

/** A 15-bit status value: status(SCT.GENERIC, GenericStatus.INVALID_FIELD, { dnr: true }) === 0x4002. */
export function status(sct: number, sc: number, flags: StatusFlags = {}): number {
  if (!Number.isInteger(sct) || sct < 0 || sct > 7) throw new RangeError(`status: SCT ${sct} is not 0..7`);
  if (!Number.isInteger(sc) || sc < 0 || sc > 0xff) throw new RangeError(`status: SC ${sc} is not 0..255`);
  const crd = flags.crd ?? 0;
  if (!Number.isInteger(crd) || crd < 0 || crd > 3) throw new RangeError(`status: CRD ${crd} is not 0..3`);
  return (flags.dnr ? DNR_BIT : 0) | (flags.more ? MORE_BIT : 0) | (crd << 11) | (sct << 8) | sc;
}

export const sctOf = (s: number): number => (s >>> 8) & 0x7;
export const scOf = (s: number): number => s & 0xff;
export const dnrOf = (s: number): boolean => (s & DNR_BIT) !== 0;
export const moreOf = (s: number): boolean => (s & MORE_BIT) !== 0;
export const crdOf = (s: number): number => (s >>> 11) & 0x3;

/** SCT 0. Codes 0x80..0xBF are the NVM command set's. */
export const GenericStatus = {
  SUCCESS: 0x00,
  INVALID_OPCODE: 0x01,
  INVALID_FIELD: 0x02,
  COMMAND_ID_CONFLICT: 0x03,
  DATA_TRANSFER_ERROR: 0x04,
  ABORTED_POWER_LOSS: 0x05,
  INTERNAL_ERROR: 0x06,
  ABORT_REQUESTED: 0x07,
  ABORTED_SQ_DELETION: 0x08,
  ABORTED_FAILED_FUSED: 0x09,
  ABORTED_MISSING_FUSED: 0x0a,
  INVALID_NAMESPACE_OR_FORMAT: 0x0b,
  COMMAND_SEQUENCE_ERROR: 0x0c,
  INVALID_SGL_SEGMENT_DESCRIPTOR: 0x0d,
  INVALID_NUMBER_OF_SGL_DESCRIPTORS: 0x0e,
  DATA_SGL_LENGTH_INVALID: 0x0f,
  METADATA_SGL_LENGTH_INVALID: 0x10,
  SGL_DESCRIPTOR_TYPE_INVALID: 0x11,
  INVALID_USE_OF_CMB: 0x12,
  PRP_OFFSET_INVALID: 0x13,
  ATOMIC_WRITE_UNIT_EXCEEDED: 0x14,
  OPERATION_DENIED: 0x15,
  SGL_OFFSET_INVALID: 0x16,
  HOST_IDENTIFIER_INCONSISTENT_FORMAT: 0x18,
  KEEP_ALIVE_TIMER_EXPIRED: 0x19,
  KEEP_ALIVE_TIMEOUT_INVALID: 0x1a,
  ABORTED_PREEMPT_AND_ABORT: 0x1b,
  SANITIZE_FAILED: 0x1c,
  SANITIZE_IN_PROGRESS: 0x1d,
  SGL_DATA_BLOCK_GRANULARITY_INVALID: 0x1e,
  COMMAND_NOT_SUPPORTED_FOR_QUEUE_IN_CMB: 0x1f,
  NAMESPACE_WRITE_PROTECTED: 0x20,
  COMMAND_INTERRUPTED: 0x21,
  TRANSIENT_TRANSPORT_ERROR: 0x22,
  COMMAND_PROHIBITED_BY_LOCKDOWN: 0x23,
  ADMIN_COMMAND_MEDIA_NOT_READY: 0x24,
  LBA_OUT_OF_RANGE: 0x80,
  CAPACITY_EXCEEDED: 0x81,
  NAMESPACE_NOT_READY: 0x82,
  RESERVATION_CONFLICT: 0x83,
  FORMAT_IN_PROGRESS: 0x84,
} as const;

export const GENERIC_STATUS_NAMES: Readonly<Record<number, string>> = {
  [GenericStatus.SUCCESS]: 'Successful Completion',
  [GenericStatus.INVALID_OPCODE]: 'Invalid Command Opcode',
  [GenericStatus.INVALID_FIELD]: 'Invalid Field in Command',
  [GenericStatus.COMMAND_ID_CONFLICT]: 'Command ID Conflict',
  [GenericStatus.DATA_TRANSFER_ERROR]: 'Data Transfer Error',
  [GenericStatus.ABORTED_POWER_LOSS]: 'Commands Aborted due to Power Loss Notification',
  [GenericStatus.INTERNAL_ERROR]: 'Internal Error',
  [GenericStatus.ABORT_REQUESTED]: 'Command Abort Requested',
  [GenericStatus.ABORTED_SQ_DELETION]: 'Command Aborted due to SQ Deletion',
  [GenericStatus.ABORTED_FAILED_FUSED]: 'Command Aborted due to Failed Fused Command',
  [GenericStatus.ABORTED_MISSING_FUSED]: 'Command Aborted due to Missing Fused Command',
  [GenericStatus.INVALID_NAMESPACE_OR_FORMAT]: 'Invalid Namespace or Format',
  [GenericStatus.COMMAND_SEQUENCE_ERROR]: 'Command Sequence Error',
  [GenericStatus.INVALID_SGL_SEGMENT_DESCRIPTOR]: 'Invalid SGL Segment Descriptor',
  [GenericStatus.INVALID_NUMBER_OF_SGL_DESCRIPTORS]: 'Invalid Number of SGL Descriptors',
  [GenericStatus.DATA_SGL_LENGTH_INVALID]: 'Data SGL Length Invalid',
  [GenericStatus.METADATA_SGL_LENGTH_INVALID]: 'Metadata SGL Length Invalid',
  [GenericStatus.SGL_DESCRIPTOR_TYPE_INVALID]: 'SGL Descriptor Type Invalid',
  [GenericStatus.INVALID_USE_OF_CMB]: 'Invalid Use of Controller Memory Buffer',
  [GenericStatus.PRP_OFFSET_INVALID]: 'PRP Offset Invalid',
  [GenericStatus.ATOMIC_WRITE_UNIT_EXCEEDED]: 'Atomic Write Unit Exceeded',
  [GenericStatus.OPERATION_DENIED]: 'Operation Denied',
  [GenericStatus.SGL_OFFSET_INVALID]: 'SGL Offset Invalid',
  [GenericStatus.HOST_IDENTIFIER_INCONSISTENT_FORMAT]: 'Host Identifier Inconsistent Format',
  [GenericStatus.KEEP_ALIVE_TIMER_EXPIRED]: 'Keep Alive Timer Expired',
  [GenericStatus.KEEP_ALIVE_TIMEOUT_INVALID]: 'Keep Alive Timeout Invalid',
  [GenericStatus.ABORTED_PREEMPT_AND_ABORT]: 'Command Aborted due to Preempt and Abort',
  [GenericStatus.SANITIZE_FAILED]: 'Sanitize Failed',
  [GenericStatus.SANITIZE_IN_PROGRESS]: 'Sanitize In Progress',
  [GenericStatus.SGL_DATA_BLOCK_GRANULARITY_INVALID]: 'SGL Data Block Granularity Invalid',
  [GenericStatus.COMMAND_NOT_SUPPORTED_FOR_QUEUE_IN_CMB]: 'Command Not Supported for Queue in CMB',
  [GenericStatus.NAMESPACE_WRITE_PROTECTED]: 'Namespace is Write Protected',
  [GenericStatus.COMMAND_INTERRUPTED]: 'Command Interrupted',
  [GenericStatus.TRANSIENT_TRANSPORT_ERROR]: 'Transient Transport Error',
  [GenericStatus.COMMAND_PROHIBITED_BY_LOCKDOWN]: 'Command Prohibited by Command and Feature Lockdown',
  [GenericStatus.ADMIN_COMMAND_MEDIA_NOT_READY]: 'Admin Command Media Not Ready',
  [GenericStatus.LBA_OUT_OF_RANGE]: 'LBA Out of Range',
  [GenericStatus.CAPACITY_EXCEEDED]: 'Capacity Exceeded',
  [GenericStatus.NAMESPACE_NOT_READY]: 'Namespace Not Ready',
  [GenericStatus.RESERVATION_CONFLICT]: 'Reservation Conflict',
  [GenericStatus.FORMAT_IN_PROGRESS]: 'Format In Progress',
};

/** SCT 1 for admin commands and the NVM command set (0x80..0xBF). Fabrics reuses 0x80.. (FabricsStatus). */
export const CommandSpecificStatus = {
  COMPLETION_QUEUE_INVALID: 0x00,
  INVALID_QUEUE_IDENTIFIER: 0x01,
  INVALID_QUEUE_SIZE: 0x02,
  ABORT_COMMAND_LIMIT_EXCEEDED: 0x03,
  ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED: 0x05,
  INVALID_FIRMWARE_SLOT: 0x06,
  INVALID_FIRMWARE_IMAGE: 0x07,
  INVALID_INTERRUPT_VECTOR: 0x08,
  INVALID_LOG_PAGE: 0x09,
  INVALID_FORMAT: 0x0a,
  FIRMWARE_REQUIRES_CONVENTIONAL_RESET: 0x0b,
  INVALID_QUEUE_DELETION: 0x0c,
  FEATURE_ID_NOT_SAVEABLE: 0x0d,
  FEATURE_NOT_CHANGEABLE: 0x0e,
  FEATURE_NOT_NAMESPACE_SPECIFIC: 0x0f,
  FIRMWARE_REQUIRES_NVM_SUBSYSTEM_RESET: 0x10,
  FIRMWARE_REQUIRES_CONTROLLER_RESET: 0x11,
  FIRMWARE_REQUIRES_MAX_TIME_VIOLATION: 0x12,
  FIRMWARE_ACTIVATION_PROHIBITED: 0x13,
  OVERLAPPING_RANGE: 0x14,
  NAMESPACE_INSUFFICIENT_CAPACITY: 0x15,
  NAMESPACE_ID_UNAVAILABLE: 0x16,
  NAMESPACE_ALREADY_ATTACHED: 0x18,
  NAMESPACE_IS_PRIVATE: 0x19,
  NAMESPACE_NOT_ATTACHED: 0x1a,
  THIN_PROVISIONING_NOT_SUPPORTED: 0x1b,
  CONTROLLER_LIST_INVALID: 0x1c,
  DEVICE_SELF_TEST_IN_PROGRESS: 0x1d,
  BOOT_PARTITION_WRITE_PROHIBITED: 0x1e,
  INVALID_CONTROLLER_ID: 0x1f,
  INVALID_SECONDARY_CONTROLLER_STATE: 0x20,
  INVALID_NUMBER_OF_CONTROLLER_RESOURCES: 0x21,
  INVALID_RESOURCE_ID: 0x22,
  SANITIZE_PROHIBITED_WITH_PMR: 0x23,
  ANA_GROUP_ID_INVALID: 0x24,
  ANA_ATTACH_FAILED: 0x25,
  INSUFFICIENT_CAPACITY: 0x26,
  NAMESPACE_ATTACHMENT_LIMIT_EXCEEDED: 0x27,
  PROHIBITION_OF_COMMAND_EXECUTION_NOT_SUPPORTED: 0x28,
  IO_COMMAND_SET_NOT_SUPPORTED: 0x29,
  IO_COMMAND_SET_NOT_ENABLED: 0x2a,
  IO_COMMAND_SET_COMBINATION_REJECTED: 0x2b,
  INVALID_IO_COMMAND_SET: 0x2c,
  IDENTIFIER_UNAVAILABLE: 0x2d,
  CONFLICTING_ATTRIBUTES: 0x80,
  INVALID_PROTECTION_INFORMATION: 0x81,
  ATTEMPTED_WRITE_TO_READ_ONLY_RANGE: 0x82,
  COMMAND_SIZE_LIMIT_EXCEEDED: 0x83,
} as const;

export const COMMAND_SPECIFIC_STATUS_NAMES: Readonly<Record<number, string>> = {
  [CommandSpecificStatus.COMPLETION_QUEUE_INVALID]: 'Completion Queue Invalid',
  [CommandSpecificStatus.INVALID_QUEUE_IDENTIFIER]: 'Invalid Queue Identifier',
  [CommandSpecificStatus.INVALID_QUEUE_SIZE]: 'Invalid Queue Size',
  [CommandSpecificStatus.ABORT_COMMAND_LIMIT_EXCEEDED]: 'Abort Command Limit Exceeded',
  [CommandSpecificStatus.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED]: 'Asynchronous Event Request Limit Exceeded',
  [CommandSpecificStatus.INVALID_FIRMWARE_SLOT]: 'Invalid Firmware Slot',
  [CommandSpecificStatus.INVALID_FIRMWARE_IMAGE]: 'Invalid Firmware Image',
  [CommandSpecificStatus.INVALID_INTERRUPT_VECTOR]: 'Invalid Interrupt Vector',
  [CommandSpecificStatus.INVALID_LOG_PAGE]: 'Invalid Log Page',
  [CommandSpecificStatus.INVALID_FORMAT]: 'Invalid Format',
  [CommandSpecificStatus.FIRMWARE_REQUIRES_CONVENTIONAL_RESET]: 'Firmware Activation Requires Conventional Reset',
  [CommandSpecificStatus.INVALID_QUEUE_DELETION]: 'Invalid Queue Deletion',
  [CommandSpecificStatus.FEATURE_ID_NOT_SAVEABLE]: 'Feature Identifier Not Saveable',
  [CommandSpecificStatus.FEATURE_NOT_CHANGEABLE]: 'Feature Not Changeable',
  [CommandSpecificStatus.FEATURE_NOT_NAMESPACE_SPECIFIC]: 'Feature Not Namespace Specific',
  [CommandSpecificStatus.FIRMWARE_REQUIRES_NVM_SUBSYSTEM_RESET]: 'Firmware Activation Requires NVM Subsystem Reset',
  [CommandSpecificStatus.FIRMWARE_REQUIRES_CONTROLLER_RESET]: 'Firmware Activation Requires Controller Level Reset',
  [CommandSpecificStatus.FIRMWARE_REQUIRES_MAX_TIME_VIOLATION]: 'Firmware Activation Requires Maximum Time Violation',
  [CommandSpecificStatus.FIRMWARE_ACTIVATION_PROHIBITED]: 'Firmware Activation Prohibited',
  [CommandSpecificStatus.OVERLAPPING_RANGE]: 'Overlapping Range',
  [CommandSpecificStatus.NAMESPACE_INSUFFICIENT_CAPACITY]: 'Namespace Insufficient Capacity',
  [CommandSpecificStatus.NAMESPACE_ID_UNAVAILABLE]: 'Namespace Identifier Unavailable',
  [CommandSpecificStatus.NAMESPACE_ALREADY_ATTACHED]: 'Namespace Already Attached',
  [CommandSpecificStatus.NAMESPACE_IS_PRIVATE]: 'Namespace Is Private',
  [CommandSpecificStatus.NAMESPACE_NOT_ATTACHED]: 'Namespace Not Attached',
  [CommandSpecificStatus.THIN_PROVISIONING_NOT_SUPPORTED]: 'Thin Provisioning Not Supported',
  [CommandSpecificStatus.CONTROLLER_LIST_INVALID]: 'Controller List Invalid',
  [CommandSpecificStatus.DEVICE_SELF_TEST_IN_PROGRESS]: 'Device Self-test In Progress',
  [CommandSpecificStatus.BOOT_PARTITION_WRITE_PROHIBITED]: 'Boot Partition Write Prohibited',
  [CommandSpecificStatus.INVALID_CONTROLLER_ID]: 'Invalid Controller Identifier',
  [CommandSpecificStatus.INVALID_SECONDARY_CONTROLLER_STATE]: 'Invalid Secondary Controller State',
  [CommandSpecificStatus.INVALID_NUMBER_OF_CONTROLLER_RESOURCES]: 'Invalid Number of Controller Resources',
  [CommandSpecificStatus.INVALID_RESOURCE_ID]: 'Invalid Resource Identifier',
  [CommandSpecificStatus.SANITIZE_PROHIBITED_WITH_PMR]: 'Sanitize Prohibited While Persistent Memory Region is Enabled',
  [CommandSpecificStatus.ANA_GROUP_ID_INVALID]: 'ANA Group Identifier Invalid',
  [CommandSpecificStatus.ANA_ATTACH_FAILED]: 'ANA Attach Failed',
  [CommandSpecificStatus.INSUFFICIENT_CAPACITY]: 'Insufficient Capacity',
  [CommandSpecificStatus.NAMESPACE_ATTACHMENT_LIMIT_EXCEEDED]: 'Namespace Attachment Limit Exceeded',
  [CommandSpecificStatus.PROHIBITION_OF_COMMAND_EXECUTION_NOT_SUPPORTED]: 'Prohibition of Command Execution Not Supported',
  [CommandSpecificStatus.IO_COMMAND_SET_NOT_SUPPORTED]: 'I/O Command Set Not Supported',
  [CommandSpecificStatus.IO_COMMAND_SET_NOT_ENABLED]: 'I/O Command Set Not Enabled',
  [CommandSpecificStatus.IO_COMMAND_SET_COMBINATION_REJECTED]: 'I/O Command Set Combination Rejected',
  [CommandSpecificStatus.INVALID_IO_COMMAND_SET]: 'Invalid I/O Command Set',
  [CommandSpecificStatus.IDENTIFIER_UNAVAILABLE]: 'Identifier Unavailable',
  [CommandSpecificStatus.CONFLICTING_ATTRIBUTES]: 'Conflicting Attributes',
  [CommandSpecificStatus.INVALID_PROTECTION_INFORMATION]: 'Invalid Protection Information',
  [CommandSpecificStatus.ATTEMPTED_WRITE_TO_READ_ONLY_RANGE]: 'Attempted Write to Read Only Range',
  [CommandSpecificStatus.COMMAND_SIZE_LIMIT_EXCEEDED]: 'Command Size Limit Exceeded',
};

/** SCT 1 codes of Fabrics commands (Connect, and Get Log Page on a discovery controller). */
export const FabricsStatus = {
  CONNECT_INCOMPATIBLE_FORMAT: 0x80,
  CONNECT_CONTROLLER_BUSY: 0x81,
  CONNECT_INVALID_PARAMETERS: 0x82,
  CONNECT_RESTART_DISCOVERY: 0x83,
  CONNECT_INVALID_HOST: 0x84,
  DISCOVERY_RESTART: 0x90,
  AUTHENTICATION_REQUIRED: 0x91,
} as const;

export const FABRICS_STATUS_NAMES: Readonly<Record<number, string>> = {
  [FabricsStatus.CONNECT_INCOMPATIBLE_FORMAT]: 'Connect Incompatible Format',
  [FabricsStatus.CONNECT_CONTROLLER_BUSY]: 'Connect Controller Busy',
  [FabricsStatus.CONNECT_INVALID_PARAMETERS]: 'Connect Invalid Parameters',
  [FabricsStatus.CONNECT_RESTART_DISCOVERY]: 'Connect Restart Discovery',
  [FabricsStatus.CONNECT_INVALID_HOST]: 'Connect Invalid Host',
  [FabricsStatus.DISCOVERY_RESTART]: 'Discovery Restart',
  [FabricsStatus.AUTHENTICATION_REQUIRED]: 'Authentication Required',
};

/** SCT 2. */
export const MediaStatus = {
  WRITE_FAULT: 0x80,
  UNRECOVERED_READ_ERROR: 0x81,
  END_TO_END_GUARD_CHECK_ERROR: 0x82,
  END_TO_END_APPLICATION_TAG_CHECK_ERROR: 0x83,
  END_TO_END_REFERENCE_TAG_CHECK_ERROR: 0x84,
  COMPARE_FAILURE: 0x85,
  ACCESS_DENIED: 0x86,
  DEALLOCATED_OR_UNWRITTEN_BLOCK: 0x87,
  END_TO_END_STORAGE_TAG_CHECK_ERROR: 0x88,
} as const;

export const MEDIA_STATUS_NAMES: Readonly<Record<number, string>> = {
  [MediaStatus.WRITE_FAULT]: 'Write Fault',
  [MediaStatus.UNRECOVERED_READ_ERROR]: 'Unrecovered Read Error',
  [MediaStatus.END_TO_END_GUARD_CHECK_ERROR]: 'End-to-end Guard Check Error',
  [MediaStatus.END_TO_END_APPLICATION_TAG_CHECK_ERROR]: 'End-to-end Application Tag Check Error',
  [MediaStatus.END_TO_END_REFERENCE_TAG_CHECK_ERROR]: 'End-to-end Reference Tag Check Error',
  [MediaStatus.COMPARE_FAILURE]: 'Compare Failure',
  [MediaStatus.ACCESS_DENIED]: 'Access Denied',
  [MediaStatus.DEALLOCATED_OR_UNWRITTEN_BLOCK]: 'Deallocated or Unwritten Logical Block',
  [MediaStatus.END_TO_END_STORAGE_TAG_CHECK_ERROR]: 'End-to-end Storage Tag Check Error',
};

/** SCT 3. */
export const PathStatus = {
  INTERNAL_PATH_ERROR: 0x00,
  ANA_PERSISTENT_LOSS: 0x01,
  ANA_INACCESSIBLE: 0x02,
  ANA_TRANSITION: 0x03,
  CONTROLLER_PATH_ERROR: 0x60,
  HOST_PATH_ERROR: 0x70,
  ABORTED_BY_HOST: 0x71,
} as const;

export const PATH_STATUS_NAMES: Readonly<Record<number, string>> = {
  [PathStatus.INTERNAL_PATH_ERROR]: 'Internal Path Error',
  [PathStatus.ANA_PERSISTENT_LOSS]: 'Asymmetric Access Persistent Loss',
  [PathStatus.ANA_INACCESSIBLE]: 'Asymmetric Access Inaccessible',
  [PathStatus.ANA_TRANSITION]: 'Asymmetric Access Transition',
  [PathStatus.CONTROLLER_PATH_ERROR]: 'Controller Pathing Error',
  [PathStatus.HOST_PATH_ERROR]: 'Host Pathing Error',
  [PathStatus.ABORTED_BY_HOST]: 'Command Aborted By Host',
};

const NAMES_BY_SCT: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [SCT.GENERIC]: GENERIC_STATUS_NAMES,
  [SCT.COMMAND_SPECIFIC]: COMMAND_SPECIFIC_STATUS_NAMES,
  [SCT.MEDIA]: MEDIA_STATUS_NAMES,
  [SCT.PATH]: PATH_STATUS_NAMES,
};

export interface StatusNameOptions {
  /**
   * Names for SCT 1 that win over the admin/NVM table, because command-specific codes depend on
   * the command: FABRICS_STATUS_NAMES for Connect, a ZNS or OCSSD table for their commands.
   */
  readonly commandSpecific?: Readonly<Record<number, string>>;
  /** Names for SCT 2 (OCSSD 2.0 media errors live there). */
  readonly media?: Readonly<Record<number, string>>;
}

const hex = (n: number, width: number): string => `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;

/** 'Invalid Field in Command (SCT 0x0 SC 0x02, DNR)'. */
export function statusName(raw: number, options: StatusNameOptions = {}): string {
  const sct = sctOf(raw);
  const sc = scOf(raw);
  const override = sct === SCT.COMMAND_SPECIFIC ? options.commandSpecific : sct === SCT.MEDIA ? options.media : undefined;
  const name = override?.[sc] ?? NAMES_BY_SCT[sct]?.[sc] ?? (sct === SCT.VENDOR ? 'Vendor Specific Status' : 'Unknown Status');
  const flags = [dnrOf(raw) ? 'DNR' : '', moreOf(raw) ? 'More' : '', crdOf(raw) !== 0 ? `CRD ${crdOf(raw)}` : ''].filter((x) => x !== '');
  return `${name} (SCT ${hex(sct, 1)} SC ${hex(sc, 2)}${flags.map((x) => `, ${x}`).join('')})`;
}
