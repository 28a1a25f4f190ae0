// Feature identifiers, the dword fields of each feature value, and what Get Features with SEL = 3
// reports for each (specs.md 3.4; SPDK spdk_nvme_feat_* unions, libnvme NVME_FEAT_* shifts).
// Value tables use dword 11: the value is CDW11 of Set Features and DW0 of the Get Features
// completion (getBits(dw0, FEAT_NUMBER_OF_QUEUES.nsqr) works on either).
import { b, defineBits } from './bits.js';

export const FeatureId = {
  ARBITRATION: 0x01,
  POWER_MANAGEMENT: 0x02,
  LBA_RANGE_TYPE: 0x03,
  TEMPERATURE_THRESHOLD: 0x04,
  ERROR_RECOVERY: 0x05,
  VOLATILE_WRITE_CACHE: 0x06,
  NUMBER_OF_QUEUES: 0x07,
  INTERRUPT_COALESCING: 0x08,
  INTERRUPT_VECTOR_CONFIG: 0x09,
  WRITE_ATOMICITY: 0x0a,
  ASYNC_EVENT_CONFIG: 0x0b,
  AUTONOMOUS_POWER_STATE_TRANSITION: 0x0c,
  HOST_MEMORY_BUFFER: 0x0d,
  TIMESTAMP: 0x0e,
  KEEP_ALIVE_TIMER: 0x0f,
  HOST_CONTROLLED_THERMAL_MANAGEMENT: 0x10,
  NON_OPERATIONAL_POWER_STATE_CONFIG: 0x11,
  HOST_BEHAVIOR_SUPPORT: 0x16,
  IO_COMMAND_SET_PROFILE: 0x19,
  SOFTWARE_PROGRESS_MARKER: 0x80,
  HOST_IDENTIFIER: 0x81,
  RESERVATION_NOTIFICATION_MASK: 0x82,
  RESERVATION_PERSISTENCE: 0x83,
} as const;
export type FeatureId = (typeof FeatureId)[keyof typeof FeatureId];

export const FEATURE_NAMES: Readonly<Record<number, string>> = {
  [FeatureId.ARBITRATION]: 'Arbitration',
  [FeatureId.POWER_MANAGEMENT]: 'Power Management',
  [FeatureId.LBA_RANGE_TYPE]: 'LBA Range Type',
  [FeatureId.TEMPERATURE_THRESHOLD]: 'Temperature Threshold',
  [FeatureId.ERROR_RECOVERY]: 'Error Recovery',
  [FeatureId.VOLATILE_WRITE_CACHE]: 'Volatile Write Cache',
  [FeatureId.NUMBER_OF_QUEUES]: 'Number of Queues',
  [FeatureId.INTERRUPT_COALESCING]: 'Interrupt Coalescing',
  [FeatureId.INTERRUPT_VECTOR_CONFIG]: 'Interrupt Vector Configuration',
  [FeatureId.WRITE_ATOMICITY]: 'Write Atomicity Normal',
  [FeatureId.ASYNC_EVENT_CONFIG]: 'Asynchronous Event Configuration',
  [FeatureId.AUTONOMOUS_POWER_STATE_TRANSITION]: 'Autonomous Power State Transition',
  [FeatureId.HOST_MEMORY_BUFFER]: 'Host Memory Buffer',
  [FeatureId.TIMESTAMP]: 'Timestamp',
  [FeatureId.KEEP_ALIVE_TIMER]: 'Keep Alive Timer',
  [FeatureId.HOST_CONTROLLED_THERMAL_MANAGEMENT]: 'Host Controlled Thermal Management',
  [FeatureId.NON_OPERATIONAL_POWER_STATE_CONFIG]: 'Non-Operational Power State Config',
  [FeatureId.HOST_BEHAVIOR_SUPPORT]: 'Host Behavior Support',
  [FeatureId.IO_COMMAND_SET_PROFILE]: 'I/O Command Set Profile',
  [FeatureId.SOFTWARE_PROGRESS_MARKER]: 'Software Progress Marker',
  [FeatureId.HOST_IDENTIFIER]: 'Host Identifier',
  [FeatureId.RESERVATION_NOTIFICATION_MASK]: 'Reservation Notification Mask',
  [FeatureId.RESERVATION_PERSISTENCE]: 'Reservation Persistence',
};

/** Get Features SEL. */
export const FeatureSelect = { CURRENT: 0, DEFAULT: 1, SAVED: 2, SUPPORTED_CAPABILITIES: 3 } as const;
export type FeatureSelect = (typeof FeatureSelect)[keyof typeof FeatureSelect];

/** DW0 of Get Features with SEL = SUPPORTED_CAPABILITIES. */
export const FEATURE_CAPABILITIES = defineBits('feature-capabilities', [
  b('saveable', 0, 0, 1),
  b('namespaceSpecific', 0, 1, 1),
  b('changeable', 0, 2, 1),
]);

export interface FeatureAttributes {
  /** Set Features with SV = 1 is accepted. */
  readonly saveable: boolean;
  /** The value is per namespace (NSID selects it). */
  readonly namespaceSpecific: boolean;
  /** Set Features may change it; otherwise Feature Not Changeable. */
  readonly changeable: boolean;
  /** The value travels in a data buffer rather than (only) in CDW11 / DW0. */
  readonly dataBytes?: number;
}

/**
 * What the emulator reports for each feature it implements, as data: the SEL = 3 answer, the
 * Feature Not Saveable / Not Changeable / Not Namespace Specific checks and the feature list all
 * come from here. Nothing is saveable (ONCS bit 4 stays clear), as in QEMU's nvme_feature_cap.
 * A FID absent from this table is not supported (Invalid Field in Command).
 */
export const FEATURE_ATTRIBUTES: Readonly<Partial<Record<FeatureId, FeatureAttributes>>> = {
  [FeatureId.ARBITRATION]: { saveable: false, namespaceSpecific: false, changeable: false },
  [FeatureId.POWER_MANAGEMENT]: { saveable: false, namespaceSpecific: false, changeable: false },
  [FeatureId.TEMPERATURE_THRESHOLD]: { saveable: false, namespaceSpecific: false, changeable: true },
  [FeatureId.ERROR_RECOVERY]: { saveable: false, namespaceSpecific: true, changeable: true },
  [FeatureId.VOLATILE_WRITE_CACHE]: { saveable: false, namespaceSpecific: false, changeable: true },
  [FeatureId.NUMBER_OF_QUEUES]: { saveable: false, namespaceSpecific: false, changeable: true },
  [FeatureId.INTERRUPT_COALESCING]: { saveable: false, namespaceSpecific: false, changeable: false },
  [FeatureId.INTERRUPT_VECTOR_CONFIG]: { saveable: false, namespaceSpecific: false, changeable: false },
  [FeatureId.WRITE_ATOMICITY]: { saveable: false, namespaceSpecific: false, changeable: false },
  [FeatureId.ASYNC_EVENT_CONFIG]: { saveable: false, namespaceSpecific: false, changeable: true },
  [FeatureId.TIMESTAMP]: { saveable: false, namespaceSpecific: false, changeable: true, dataBytes: 8 },
  [FeatureId.KEEP_ALIVE_TIMER]: { saveable: false, namespaceSpecific: false, changeable: true },
  [FeatureId.HOST_BEHAVIOR_SUPPORT]: { saveable: false, namespaceSpecific: false, changeable: true, dataBytes: 512 },
  [FeatureId.IO_COMMAND_SET_PROFILE]: { saveable: false, namespaceSpecific: false, changeable: true },
};

export const FEAT_ARBITRATION = defineBits('feat-arbitration', [
  /** Arbitration burst as log2; 7 = no limit. */
  b('ab', 11, 0, 3),
  b('lpw', 11, 8, 8),
  b('mpw', 11, 16, 8),
  b('hpw', 11, 24, 8),
]);

export const FEAT_POWER_MANAGEMENT = defineBits('feat-power-management', [b('ps', 11, 0, 5), b('wh', 11, 5, 3)]);

export const FEAT_TEMPERATURE_THRESHOLD = defineBits('feat-temperature-threshold', [
  /** Kelvin. */
  b('tmpth', 11, 0, 16),
  /** 0 composite, 1..8 sensor, 0xF all. */
  b('tmpsel', 11, 16, 4),
  /** 0 over-temperature, 1 under-temperature. */
  b('thsel', 11, 20, 2),
]);

export const FEAT_ERROR_RECOVERY = defineBits('feat-error-recovery', [
  /** Time limited error recovery, 100 ms units; 0 = none. */
  b('tler', 11, 0, 16),
  /** Deallocated or Unwritten Logical Block Error Enable. */
  b('dulbe', 11, 16, 1),
]);

export const FEAT_VOLATILE_WRITE_CACHE = defineBits('feat-volatile-write-cache', [b('wce', 11, 0, 1)]);

/** Requested in CDW11 and allocated in DW0 (NSQA / NCQA), all 0's based. */
export const FEAT_NUMBER_OF_QUEUES = defineBits('feat-number-of-queues', [b('nsqr', 11, 0, 16), b('ncqr', 11, 16, 16)]);

export const FEAT_INTERRUPT_COALESCING = defineBits('feat-interrupt-coalescing', [
  /** Aggregation threshold, 0's based. */
  b('thr', 11, 0, 8),
  /** Aggregation time, 100 us units. */
  b('time', 11, 8, 8),
]);

export const FEAT_INTERRUPT_VECTOR_CONFIG = defineBits('feat-interrupt-vector-config', [b('iv', 11, 0, 16), b('cd', 11, 16, 1)]);

/** Disable Normal: only AWUPF applies. */
export const FEAT_WRITE_ATOMICITY = defineBits('feat-write-atomicity', [b('dn', 11, 0, 1)]);

export const FEAT_ASYNC_EVENT_CONFIG = defineBits('feat-async-event-config', [
  /** One enable per Critical Warning bit (CRITICAL_WARNING). */
  b('smart', 11, 0, 8),
  b('nsAttributeNotices', 11, 8, 1),
  b('firmwareActivationNotices', 11, 9, 1),
  b('telemetryLogNotices', 11, 10, 1),
  b('anaChangeNotices', 11, 11, 1),
  b('predictableLatencyNotices', 11, 12, 1),
  b('lbaStatusNotices', 11, 13, 1),
  b('enduranceGroupNotices', 11, 14, 1),
  b('discoveryLogChangeNotices', 11, 31, 1),
]);

export const FEAT_AUTONOMOUS_POWER_STATE_TRANSITION = defineBits('feat-apst', [b('apste', 11, 0, 1)]);

/** Keep Alive Timeout in milliseconds; 0 disables the timer. */
export const FEAT_KEEP_ALIVE_TIMER = defineBits('feat-keep-alive-timer', [b('kato', 11, 0, 32)]);

/** Index into the I/O Command Set data structure (CNS 0x1C). */
export const FEAT_IO_COMMAND_SET_PROFILE = defineBits('feat-io-command-set-profile', [b('iocsci', 11, 0, 9)]);

export const FEAT_SOFTWARE_PROGRESS_MARKER = defineBits('feat-software-progress-marker', [b('pbslc', 11, 0, 8)]);

/** Enable Extended Host Identifier (128-bit instead of 64-bit). */
export const FEAT_HOST_IDENTIFIER = defineBits('feat-host-identifier', [b('exhid', 11, 0, 1)]);

/** Timestamp feature data (8 bytes): 48-bit milliseconds since the epoch, then attributes. */
export const TIMESTAMP_DATA_SIZE = 8;
