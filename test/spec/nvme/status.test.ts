import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMMAND_SPECIFIC_STATUS_NAMES,
  CommandSpecificStatus,
  FABRICS_STATUS_NAMES,
  FabricsStatus,
  GENERIC_STATUS_NAMES,
  GenericStatus,
  MEDIA_STATUS_NAMES,
  MediaStatus,
  PATH_STATUS_NAMES,
  PathStatus,
  SCT,
  SUCCESS,
  crdOf,
  dnrOf,
  moreOf,
  scOf,
  sctOf,
  status,
  statusName,
} from '../../../src/spec/nvme/index.js';

test('SCT values', () => {
  assert.deepEqual([SCT.GENERIC, SCT.COMMAND_SPECIFIC, SCT.MEDIA, SCT.PATH, SCT.VENDOR], [0, 1, 2, 3, 7]);
});

test('status() builds the 15-bit Linux/QEMU form', () => {
  assert.equal(status(SCT.GENERIC, GenericStatus.INVALID_FIELD, { dnr: true }), 0x4002);
  assert.equal(status(SCT.GENERIC, GenericStatus.SUCCESS), SUCCESS);
  assert.equal(status(SCT.MEDIA, 0xc0, { dnr: true }), 0x42c0);
  assert.equal(status(SCT.PATH, PathStatus.HOST_PATH_ERROR, { more: true, crd: 2 }), 0x3370);
  assert.throws(() => status(8, 0), /SCT 8/);
  assert.throws(() => status(0, 0x100), /SC 256/);
  assert.throws(() => status(0, 0, { crd: 4 }), /CRD 4/);
});

test('splitters take a status apart', () => {
  const s = 0x42c0;
  assert.deepEqual([sctOf(s), scOf(s), dnrOf(s), moreOf(s), crdOf(s)], [2, 0xc0, true, false, 0]);
  assert.deepEqual([sctOf(0x3370), scOf(0x3370), dnrOf(0x3370), moreOf(0x3370), crdOf(0x3370)], [3, 0x70, false, true, 2]);
});

test('values agree with Linux NVME_SC_* (SCT << 8 | SC)', () => {
  const linux: [number, number, number][] = [
    [SCT.GENERIC, GenericStatus.INVALID_NAMESPACE_OR_FORMAT, 0x0b],
    [SCT.GENERIC, GenericStatus.LBA_OUT_OF_RANGE, 0x80],
    [SCT.GENERIC, GenericStatus.NAMESPACE_NOT_READY, 0x82],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.COMPLETION_QUEUE_INVALID, 0x100],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.INVALID_QUEUE_IDENTIFIER, 0x101],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.INVALID_QUEUE_SIZE, 0x102],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED, 0x105],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.INVALID_INTERRUPT_VECTOR, 0x108],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.INVALID_LOG_PAGE, 0x109],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.INVALID_FORMAT, 0x10a],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.FEATURE_ID_NOT_SAVEABLE, 0x10d],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.FEATURE_NOT_CHANGEABLE, 0x10e],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.FEATURE_NOT_NAMESPACE_SPECIFIC, 0x10f],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.CONFLICTING_ATTRIBUTES, 0x180],
    [SCT.COMMAND_SPECIFIC, CommandSpecificStatus.ATTEMPTED_WRITE_TO_READ_ONLY_RANGE, 0x182],
    [SCT.COMMAND_SPECIFIC, FabricsStatus.CONNECT_INCOMPATIBLE_FORMAT, 0x180],
    [SCT.COMMAND_SPECIFIC, FabricsStatus.CONNECT_INVALID_PARAMETERS, 0x182],
    [SCT.COMMAND_SPECIFIC, FabricsStatus.CONNECT_INVALID_HOST, 0x184],
    [SCT.COMMAND_SPECIFIC, FabricsStatus.DISCOVERY_RESTART, 0x190],
    [SCT.COMMAND_SPECIFIC, FabricsStatus.AUTHENTICATION_REQUIRED, 0x191],
    [SCT.MEDIA, MediaStatus.WRITE_FAULT, 0x280],
    [SCT.MEDIA, MediaStatus.UNRECOVERED_READ_ERROR, 0x281],
    [SCT.MEDIA, MediaStatus.COMPARE_FAILURE, 0x285],
    [SCT.MEDIA, MediaStatus.DEALLOCATED_OR_UNWRITTEN_BLOCK, 0x287],
  ];
  for (const [sct, sc, raw] of linux) assert.equal(status(sct, sc), raw, `0x${raw.toString(16)}`);
});

test('generic codes from specs.md 3.9', () => {
  assert.deepEqual(
    [
      GenericStatus.INVALID_OPCODE, GenericStatus.COMMAND_ID_CONFLICT, GenericStatus.INTERNAL_ERROR, GenericStatus.ABORT_REQUESTED,
      GenericStatus.ABORTED_SQ_DELETION, GenericStatus.COMMAND_SEQUENCE_ERROR, GenericStatus.INVALID_SGL_SEGMENT_DESCRIPTOR,
      GenericStatus.INVALID_NUMBER_OF_SGL_DESCRIPTORS, GenericStatus.DATA_SGL_LENGTH_INVALID, GenericStatus.METADATA_SGL_LENGTH_INVALID,
      GenericStatus.SGL_DESCRIPTOR_TYPE_INVALID, GenericStatus.INVALID_USE_OF_CMB, GenericStatus.PRP_OFFSET_INVALID,
      GenericStatus.SGL_OFFSET_INVALID, GenericStatus.HOST_IDENTIFIER_INCONSISTENT_FORMAT, GenericStatus.KEEP_ALIVE_TIMER_EXPIRED,
      GenericStatus.KEEP_ALIVE_TIMEOUT_INVALID, GenericStatus.TRANSIENT_TRANSPORT_ERROR, GenericStatus.CAPACITY_EXCEEDED,
      GenericStatus.RESERVATION_CONFLICT, GenericStatus.FORMAT_IN_PROGRESS,
    ],
    [0x01, 0x03, 0x06, 0x07, 0x08, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x16, 0x18, 0x19, 0x1a, 0x22, 0x81, 0x83, 0x84],
  );
  assert.deepEqual([CommandSpecificStatus.INVALID_FIRMWARE_SLOT, CommandSpecificStatus.INVALID_FIRMWARE_IMAGE], [0x06, 0x07]);
  assert.deepEqual([CommandSpecificStatus.INVALID_PROTECTION_INFORMATION, CommandSpecificStatus.IO_COMMAND_SET_NOT_SUPPORTED], [0x81, 0x29]);
  assert.deepEqual(
    [MediaStatus.END_TO_END_GUARD_CHECK_ERROR, MediaStatus.END_TO_END_APPLICATION_TAG_CHECK_ERROR, MediaStatus.END_TO_END_REFERENCE_TAG_CHECK_ERROR, MediaStatus.ACCESS_DENIED],
    [0x82, 0x83, 0x84, 0x86],
  );
  assert.deepEqual([FabricsStatus.CONNECT_CONTROLLER_BUSY, FabricsStatus.CONNECT_RESTART_DISCOVERY], [0x81, 0x83]);
});

test('every code has a name and codes are unique within each table', () => {
  for (const [codes, names] of [
    [GenericStatus, GENERIC_STATUS_NAMES],
    [CommandSpecificStatus, COMMAND_SPECIFIC_STATUS_NAMES],
    [FabricsStatus, FABRICS_STATUS_NAMES],
    [MediaStatus, MEDIA_STATUS_NAMES],
    [PathStatus, PATH_STATUS_NAMES],
  ] as const) {
    const values = Object.values(codes) as number[];
    assert.equal(new Set(values).size, values.length, 'duplicate code');
    for (const v of values) assert.ok(names[v], `no name for SC 0x${v.toString(16)}`);
    assert.equal(Object.keys(names).length, values.length, 'a name for a code that is not declared');
  }
});

test('statusName reads like the spec', () => {
  assert.equal(statusName(0x4002), 'Invalid Field in Command (SCT 0x0 SC 0x02, DNR)');
  assert.equal(statusName(0), 'Successful Completion (SCT 0x0 SC 0x00)');
  assert.equal(statusName(status(SCT.MEDIA, MediaStatus.UNRECOVERED_READ_ERROR)), 'Unrecovered Read Error (SCT 0x2 SC 0x81)');
  assert.equal(statusName(0x182), 'Attempted Write to Read Only Range (SCT 0x1 SC 0x82)');
  assert.equal(statusName(0x4182, { commandSpecific: FABRICS_STATUS_NAMES }), 'Connect Invalid Parameters (SCT 0x1 SC 0x82, DNR)');
  assert.equal(statusName(0x1b8), 'Unknown Status (SCT 0x1 SC 0xB8)');
  assert.equal(statusName(0x42c0, { media: { 0xc0: 'Offline Chunk' } }), 'Offline Chunk (SCT 0x2 SC 0xC0, DNR)');
  assert.equal(statusName(0x701), 'Vendor Specific Status (SCT 0x7 SC 0x01)');
  assert.equal(statusName(0x3370), 'Host Pathing Error (SCT 0x3 SC 0x70, More, CRD 2)');
});
