// Admin and NVM I/O opcodes, the Fabrics command types, and their names (specs.md 3.3, 5.6; SPDK
// spdk_nvme_admin_opcode / spdk_nvme_nvm_opcode / spdk_nvmf_fabric_cmd_types). Other command sets
// (ZNS, OCSSD) keep their opcodes in their own modules and pass their names to opcodeName.

export const AdminOpcode = {
  DELETE_IO_SQ: 0x00,
  CREATE_IO_SQ: 0x01,
  GET_LOG_PAGE: 0x02,
  DELETE_IO_CQ: 0x04,
  CREATE_IO_CQ: 0x05,
  IDENTIFY: 0x06,
  ABORT: 0x08,
  SET_FEATURES: 0x09,
  GET_FEATURES: 0x0a,
  ASYNC_EVENT_REQUEST: 0x0c,
  NS_MANAGEMENT: 0x0d,
  FIRMWARE_COMMIT: 0x10,
  FIRMWARE_IMAGE_DOWNLOAD: 0x11,
  DEVICE_SELF_TEST: 0x14,
  NS_ATTACHMENT: 0x15,
  KEEP_ALIVE: 0x18,
  DIRECTIVE_SEND: 0x19,
  DIRECTIVE_RECEIVE: 0x1a,
  VIRTUALIZATION_MANAGEMENT: 0x1c,
  NVME_MI_SEND: 0x1d,
  NVME_MI_RECEIVE: 0x1e,
  DOORBELL_BUFFER_CONFIG: 0x7c,
  FABRICS: 0x7f,
  FORMAT_NVM: 0x80,
  SECURITY_SEND: 0x81,
  SECURITY_RECEIVE: 0x82,
  SANITIZE: 0x84,
  GET_LBA_STATUS: 0x86,
} as const;
export type AdminOpcode = (typeof AdminOpcode)[keyof typeof AdminOpcode];

export const ADMIN_OPCODE_NAMES: Readonly<Record<number, string>> = {
  [AdminOpcode.DELETE_IO_SQ]: 'Delete I/O Submission Queue',
  [AdminOpcode.CREATE_IO_SQ]: 'Create I/O Submission Queue',
  [AdminOpcode.GET_LOG_PAGE]: 'Get Log Page',
  [AdminOpcode.DELETE_IO_CQ]: 'Delete I/O Completion Queue',
  [AdminOpcode.CREATE_IO_CQ]: 'Create I/O Completion Queue',
  [AdminOpcode.IDENTIFY]: 'Identify',
  [AdminOpcode.ABORT]: 'Abort',
  [AdminOpcode.SET_FEATURES]: 'Set Features',
  [AdminOpcode.GET_FEATURES]: 'Get Features',
  [AdminOpcode.ASYNC_EVENT_REQUEST]: 'Asynchronous Event Request',
  [AdminOpcode.NS_MANAGEMENT]: 'Namespace Management',
  [AdminOpcode.FIRMWARE_COMMIT]: 'Firmware Commit',
  [AdminOpcode.FIRMWARE_IMAGE_DOWNLOAD]: 'Firmware Image Download',
  [AdminOpcode.DEVICE_SELF_TEST]: 'Device Self-test',
  [AdminOpcode.NS_ATTACHMENT]: 'Namespace Attachment',
  [AdminOpcode.KEEP_ALIVE]: 'Keep Alive',
  [AdminOpcode.DIRECTIVE_SEND]: 'Directive Send',
  [AdminOpcode.DIRECTIVE_RECEIVE]: 'Directive Receive',
  [AdminOpcode.VIRTUALIZATION_MANAGEMENT]: 'Virtualization Management',
  [AdminOpcode.NVME_MI_SEND]: 'NVMe-MI Send',
  [AdminOpcode.NVME_MI_RECEIVE]: 'NVMe-MI Receive',
  [AdminOpcode.DOORBELL_BUFFER_CONFIG]: 'Doorbell Buffer Config',
  [AdminOpcode.FABRICS]: 'Fabrics',
  [AdminOpcode.FORMAT_NVM]: 'Format NVM',
  [AdminOpcode.SECURITY_SEND]: 'Security Send',
  [AdminOpcode.SECURITY_RECEIVE]: 'Security Receive',
  [AdminOpcode.SANITIZE]: 'Sanitize',
  [AdminOpcode.GET_LBA_STATUS]: 'Get LBA Status',
};

/** NVM command set I/O opcodes. */
export const NvmOpcode = {
  FLUSH: 0x00,
  WRITE: 0x01,
  READ: 0x02,
  WRITE_UNCORRECTABLE: 0x04,
  COMPARE: 0x05,
  WRITE_ZEROES: 0x08,
  DATASET_MANAGEMENT: 0x09,
  VERIFY: 0x0c,
  RESERVATION_REGISTER: 0x0d,
  RESERVATION_REPORT: 0x0e,
  RESERVATION_ACQUIRE: 0x11,
  RESERVATION_RELEASE: 0x15,
  COPY: 0x19,
} as const;
export type NvmOpcode = (typeof NvmOpcode)[keyof typeof NvmOpcode];

export const NVM_OPCODE_NAMES: Readonly<Record<number, string>> = {
  [NvmOpcode.FLUSH]: 'Flush',
  [NvmOpcode.WRITE]: 'Write',
  [NvmOpcode.READ]: 'Read',
  [NvmOpcode.WRITE_UNCORRECTABLE]: 'Write Uncorrectable',
  [NvmOpcode.COMPARE]: 'Compare',
  [NvmOpcode.WRITE_ZEROES]: 'Write Zeroes',
  [NvmOpcode.DATASET_MANAGEMENT]: 'Dataset Management',
  [NvmOpcode.VERIFY]: 'Verify',
  [NvmOpcode.RESERVATION_REGISTER]: 'Reservation Register',
  [NvmOpcode.RESERVATION_REPORT]: 'Reservation Report',
  [NvmOpcode.RESERVATION_ACQUIRE]: 'Reservation Acquire',
  [NvmOpcode.RESERVATION_RELEASE]: 'Reservation Release',
  [NvmOpcode.COPY]: 'Copy',
};

/** The Fabrics opcode (0x7F); valid on admin and, for Connect, on I/O queues. FCTYPE is SQE byte 4. */
export const FABRICS_OPCODE = 0x7f;

export const FabricsType = {
  PROPERTY_SET: 0x00,
  CONNECT: 0x01,
  PROPERTY_GET: 0x04,
  AUTHENTICATION_SEND: 0x05,
  AUTHENTICATION_RECEIVE: 0x06,
  DISCONNECT: 0x08,
} as const;
export type FabricsType = (typeof FabricsType)[keyof typeof FabricsType];

export const FABRICS_TYPE_NAMES: Readonly<Record<number, string>> = {
  [FabricsType.PROPERTY_SET]: 'Property Set',
  [FabricsType.CONNECT]: 'Connect',
  [FabricsType.PROPERTY_GET]: 'Property Get',
  [FabricsType.AUTHENTICATION_SEND]: 'Authentication Send',
  [FabricsType.AUTHENTICATION_RECEIVE]: 'Authentication Receive',
  [FabricsType.DISCONNECT]: 'Disconnect',
};

/** Admin opcodes from 0xC0 and I/O opcodes from 0x80 are vendor specific (OCSSD lives there). */
export const ADMIN_VENDOR_OPCODE_START = 0xc0;
export const IO_VENDOR_OPCODE_START = 0x80;

export type QueueKind = 'admin' | 'io';

/** Bits 1:0 of every opcode: which way the data moves. */
export const DataTransfer = { NONE: 0, HOST_TO_CONTROLLER: 1, CONTROLLER_TO_HOST: 2, BIDIRECTIONAL: 3 } as const;
export type DataTransfer = (typeof DataTransfer)[keyof typeof DataTransfer];

export const dataTransferOf = (opc: number): DataTransfer => (opc & 3) as DataTransfer;

const hex2 = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;

export interface OpcodeNameOptions {
  /** Names of another command set's opcodes (ZNS, OCSSD); they win over the base tables. */
  readonly names?: Readonly<Record<number, string>>;
  /** FCTYPE (SQE byte 4) of a Fabrics command. */
  readonly fctype?: number;
}

/** The command's name for logs: 'Identify', 'Read', 'Fabrics Connect', 'Vendor Specific Admin Opcode 0xE2'. */
export function opcodeName(queue: QueueKind, opc: number, options: OpcodeNameOptions = {}): string {
  if (opc === FABRICS_OPCODE) return options.fctype === undefined ? 'Fabrics' : fabricsTypeName(options.fctype);
  const known = options.names?.[opc] ?? (queue === 'admin' ? ADMIN_OPCODE_NAMES : NVM_OPCODE_NAMES)[opc];
  if (known !== undefined) return known;
  const vendorStart = queue === 'admin' ? ADMIN_VENDOR_OPCODE_START : IO_VENDOR_OPCODE_START;
  return `${opc >= vendorStart ? 'Vendor Specific' : 'Unknown'} ${queue === 'admin' ? 'Admin' : 'I/O'} Opcode ${hex2(opc)}`;
}

/** 'Fabrics Connect', or 'Fabrics FCTYPE 0x..' for one we do not know. */
export const fabricsTypeName = (fctype: number): string => `Fabrics ${FABRICS_TYPE_NAMES[fctype] ?? `FCTYPE ${hex2(fctype)}`}`;
