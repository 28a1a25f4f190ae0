// Log page identifiers and the base-spec log page layouts (specs.md 3.8; SPDK
// spdk_nvme_error_information_entry, spdk_nvme_health_information_page, spdk_nvme_firmware_page,
// spdk_nvme_cmds_and_effect_log_page, checked with offsetof). Asynchronous event completions live
// here too because they name the log page the host must read to clear them.
import { defineLayout, f } from '../layout.js';
import { b, defineBits } from './bits.js';

export const LogPage = {
  SUPPORTED_LOG_PAGES: 0x00,
  ERROR: 0x01,
  SMART: 0x02,
  FIRMWARE_SLOT: 0x03,
  CHANGED_NS_LIST: 0x04,
  COMMANDS_SUPPORTED_AND_EFFECTS: 0x05,
  DEVICE_SELF_TEST: 0x06,
  TELEMETRY_HOST: 0x07,
  TELEMETRY_CONTROLLER: 0x08,
  ENDURANCE_GROUP: 0x09,
  ANA: 0x0c,
  PERSISTENT_EVENT: 0x0d,
  /** NVMe over Fabrics discovery log (specs.md 5.9); its layout belongs to the discovery module. */
  DISCOVERY: 0x70,
  RESERVATION_NOTIFICATION: 0x80,
  SANITIZE_STATUS: 0x81,
} as const;
export type LogPage = (typeof LogPage)[keyof typeof LogPage];

export const LOG_PAGE_NAMES: Readonly<Record<number, string>> = {
  [LogPage.SUPPORTED_LOG_PAGES]: 'Supported Log Pages',
  [LogPage.ERROR]: 'Error Information',
  [LogPage.SMART]: 'SMART / Health Information',
  [LogPage.FIRMWARE_SLOT]: 'Firmware Slot Information',
  [LogPage.CHANGED_NS_LIST]: 'Changed Namespace List',
  [LogPage.COMMANDS_SUPPORTED_AND_EFFECTS]: 'Commands Supported and Effects',
  [LogPage.DEVICE_SELF_TEST]: 'Device Self-test',
  [LogPage.TELEMETRY_HOST]: 'Telemetry Host-Initiated',
  [LogPage.TELEMETRY_CONTROLLER]: 'Telemetry Controller-Initiated',
  [LogPage.ENDURANCE_GROUP]: 'Endurance Group Information',
  [LogPage.ANA]: 'Asymmetric Namespace Access',
  [LogPage.PERSISTENT_EVENT]: 'Persistent Event Log',
  [LogPage.DISCOVERY]: 'Discovery',
  [LogPage.RESERVATION_NOTIFICATION]: 'Reservation Notification',
  [LogPage.SANITIZE_STATUS]: 'Sanitize Status',
};

/** Error Information log entry; the log is ELPE+1 of these, newest first. */
export const ERROR_INFORMATION_ENTRY = defineLayout('error-information-entry', 64, [
  /** Unique, incrementing; 0 = empty entry. */
  f('errorCount', 0, 8, 'u64'),
  f('sqid', 8, 2, 'u16'),
  f('cid', 10, 2, 'u16'),
  /** CQE status field: (status << 1) | phase. */
  f('status', 12, 2, 'u16'),
  /** Byte (7:0) and bit (10:8) of the command field in error; 0xFFFF if not applicable. */
  f('parameterErrorLocation', 14, 2, 'u16'),
  f('lba', 16, 8, 'u64'),
  f('nsid', 24, 4, 'u32'),
  f('vsia', 28, 1, 'u8'),
  f('trtype', 29, 1, 'u8'),
  f('rsvd30', 30, 2, 'bytes'),
  f('commandSpecificInfo', 32, 8, 'u64'),
  f('trtypeSpecificInfo', 40, 2, 'u16'),
  f('rsvd42', 42, 22, 'bytes'),
]);

/** SMART / Health Information, 512 bytes. Counters of 16 bytes are u128 (u128.ts). */
export const SMART_LOG = defineLayout('smart-log', 512, [
  f('criticalWarning', 0, 1, 'u8'),
  /** Composite temperature, Kelvin. */
  f('temperature', 1, 2, 'u16'),
  /** Percent. */
  f('availableSpare', 3, 1, 'u8'),
  f('availableSpareThreshold', 4, 1, 'u8'),
  /** Percent of rated endurance used; may exceed 100. */
  f('percentageUsed', 5, 1, 'u8'),
  f('rsvd6', 6, 26, 'bytes'),
  /** Units of 1000 * 512 bytes, rounded up. */
  f('dataUnitsRead', 32, 16, 'bytes'),
  f('dataUnitsWritten', 48, 16, 'bytes'),
  f('hostReadCommands', 64, 16, 'bytes'),
  f('hostWriteCommands', 80, 16, 'bytes'),
  /** Minutes. */
  f('controllerBusyTime', 96, 16, 'bytes'),
  f('powerCycles', 112, 16, 'bytes'),
  f('powerOnHours', 128, 16, 'bytes'),
  f('unsafeShutdowns', 144, 16, 'bytes'),
  f('mediaErrors', 160, 16, 'bytes'),
  f('numErrorLogEntries', 176, 16, 'bytes'),
  /** Minutes above WCTEMP / CCTEMP. */
  f('warningTempTime', 192, 4, 'u32'),
  f('criticalTempTime', 196, 4, 'u32'),
  /** Eight u16 temperature sensors, Kelvin; 0 = not implemented. */
  f('temperatureSensors', 200, 16, 'bytes'),
  f('rsvd216', 216, 296, 'bytes'),
]);

/** Critical Warning bits of the SMART log (also the SMART part of the AEN configuration). */
export const CRITICAL_WARNING = defineBits('critical-warning', [
  b('availableSpare', 0, 0, 1),
  b('temperature', 0, 1, 1),
  b('reliability', 0, 2, 1),
  b('readOnly', 0, 3, 1),
  b('volatileBackup', 0, 4, 1),
  b('pmr', 0, 5, 1),
]);

/** Firmware Slot Information, 512 bytes. */
export const FIRMWARE_SLOT_LOG = defineLayout('firmware-slot-log', 512, [
  f('afi', 0, 1, 'u8'),
  f('rsvd1', 1, 7, 'bytes'),
  f('frs1', 8, 8, 'ascii'),
  f('frs2', 16, 8, 'ascii'),
  f('frs3', 24, 8, 'ascii'),
  f('frs4', 32, 8, 'ascii'),
  f('frs5', 40, 8, 'ascii'),
  f('frs6', 48, 8, 'ascii'),
  f('frs7', 56, 8, 'ascii'),
  f('rsvd64', 64, 448, 'bytes'),
]);

/** AFI: active firmware info. */
export const AFI = defineBits('afi', [b('active', 0, 0, 3), b('nextReset', 0, 4, 3)]);

/**
 * Commands Supported and Effects, 4096 bytes: 256 u32 entries for admin opcodes at `acs`, 256 for
 * I/O opcodes at `iocs`. Entry for opcode n is at offset.acs + 4n / offset.iocs + 4n; read its
 * bits with readBits(log, COMMAND_EFFECTS.csupp, base).
 */
export const COMMAND_EFFECTS_LOG = defineLayout('command-effects-log', 4096, [
  f('acs', 0, 1024, 'bytes'),
  f('iocs', 1024, 1024, 'bytes'),
  f('rsvd2048', 2048, 2048, 'bytes'),
]);

export const COMMAND_EFFECTS_ENTRY_SIZE = 4;

/** One Commands Supported and Effects entry. */
export const COMMAND_EFFECTS = defineBits('command-effects', [
  /** Command supported. */
  b('csupp', 0, 0, 1),
  /** May change logical block content. */
  b('lbcc', 0, 1, 1),
  /** May change namespace capabilities. */
  b('ncc', 0, 2, 1),
  /** May change the namespace inventory. */
  b('nic', 0, 3, 1),
  /** May change controller capabilities. */
  b('ccc', 0, 4, 1),
  /** Submission and execution restriction (CommandSubmissionExecution). */
  b('cse', 0, 16, 3),
  /** UUID selection supported. */
  b('uss', 0, 19, 1),
]);

export const CommandSubmissionExecution = { NONE: 0, ONE_PER_NAMESPACE: 1, ONE_PER_CONTROLLER: 2 } as const;

/** Changed Namespace List: up to 1024 u32 NSIDs; 0xFFFFFFFF in entry 0 means more than 1024 changed. */
export const CHANGED_NS_LIST = defineLayout('changed-ns-list', 4096, [f('nsids', 0, 4096, 'bytes')]);
export const CHANGED_NS_LIST_ENTRIES = 1024;
export const CHANGED_NS_LIST_OVERFLOW = 0xffffffff;

/** Asynchronous Event Request completion DW0. */
export const ASYNC_EVENT_RESULT = defineBits('async-event-result', [
  b('type', 0, 0, 3),
  b('info', 0, 8, 8),
  /** The log page to read (with RAE = 0) to re-arm this event. */
  b('lid', 0, 16, 8),
]);

export const AsyncEventType = { ERROR: 0, SMART: 1, NOTICE: 2, IO_COMMAND_SET: 6, VENDOR: 7 } as const;

/** Info values of SMART events. */
export const AsyncEventSmart = { RELIABILITY: 0x00, TEMPERATURE_THRESHOLD: 0x01, SPARE_BELOW_THRESHOLD: 0x02 } as const;

/** Info values of notice events. */
export const AsyncEventNotice = {
  NS_ATTRIBUTE_CHANGED: 0x00,
  FIRMWARE_ACTIVATION_STARTING: 0x01,
  TELEMETRY_LOG_CHANGED: 0x02,
  ANA_CHANGE: 0x03,
  DISCOVERY_LOG_CHANGED: 0xf0,
} as const;
