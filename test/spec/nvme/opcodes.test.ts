import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_OPCODE_NAMES,
  AdminOpcode,
  DataTransfer,
  FABRICS_OPCODE,
  FABRICS_TYPE_NAMES,
  FabricsType,
  NVM_OPCODE_NAMES,
  NvmOpcode,
  dataTransferOf,
  fabricsTypeName,
  opcodeName,
} from '../../../src/spec/nvme/index.js';

test('admin opcodes from specs.md 3.3', () => {
  const want: [number, number][] = [
    [AdminOpcode.DELETE_IO_SQ, 0x00], [AdminOpcode.CREATE_IO_SQ, 0x01], [AdminOpcode.GET_LOG_PAGE, 0x02],
    [AdminOpcode.DELETE_IO_CQ, 0x04], [AdminOpcode.CREATE_IO_CQ, 0x05], [AdminOpcode.IDENTIFY, 0x06],
    [AdminOpcode.ABORT, 0x08], [AdminOpcode.SET_FEATURES, 0x09], [AdminOpcode.GET_FEATURES, 0x0a],
    [AdminOpcode.ASYNC_EVENT_REQUEST, 0x0c], [AdminOpcode.NS_MANAGEMENT, 0x0d], [AdminOpcode.FIRMWARE_COMMIT, 0x10],
    [AdminOpcode.FIRMWARE_IMAGE_DOWNLOAD, 0x11], [AdminOpcode.DEVICE_SELF_TEST, 0x14], [AdminOpcode.NS_ATTACHMENT, 0x15],
    [AdminOpcode.KEEP_ALIVE, 0x18], [AdminOpcode.DIRECTIVE_SEND, 0x19], [AdminOpcode.DIRECTIVE_RECEIVE, 0x1a],
    [AdminOpcode.DOORBELL_BUFFER_CONFIG, 0x7c], [AdminOpcode.FABRICS, 0x7f], [AdminOpcode.FORMAT_NVM, 0x80],
    [AdminOpcode.SECURITY_SEND, 0x81], [AdminOpcode.SECURITY_RECEIVE, 0x82], [AdminOpcode.SANITIZE, 0x84],
  ];
  for (const [got, opc] of want) assert.equal(got, opc);
  assert.equal(FABRICS_OPCODE, 0x7f);
});

test('NVM I/O opcodes from specs.md 3.3', () => {
  assert.deepEqual(
    [NvmOpcode.FLUSH, NvmOpcode.WRITE, NvmOpcode.READ, NvmOpcode.WRITE_UNCORRECTABLE, NvmOpcode.COMPARE, NvmOpcode.WRITE_ZEROES],
    [0x00, 0x01, 0x02, 0x04, 0x05, 0x08],
  );
  assert.deepEqual(
    [NvmOpcode.DATASET_MANAGEMENT, NvmOpcode.VERIFY, NvmOpcode.RESERVATION_REGISTER, NvmOpcode.RESERVATION_REPORT],
    [0x09, 0x0c, 0x0d, 0x0e],
  );
  assert.deepEqual([NvmOpcode.RESERVATION_ACQUIRE, NvmOpcode.RESERVATION_RELEASE, NvmOpcode.COPY], [0x11, 0x15, 0x19]);
});

test('Fabrics command types from specs.md 5.6', () => {
  assert.deepEqual(
    [FabricsType.PROPERTY_SET, FabricsType.CONNECT, FabricsType.PROPERTY_GET, FabricsType.AUTHENTICATION_SEND, FabricsType.AUTHENTICATION_RECEIVE, FabricsType.DISCONNECT],
    [0x00, 0x01, 0x04, 0x05, 0x06, 0x08],
  );
});

test('every opcode has a name and no two names collide', () => {
  for (const [table, names] of [
    [AdminOpcode, ADMIN_OPCODE_NAMES],
    [NvmOpcode, NVM_OPCODE_NAMES],
    [FabricsType, FABRICS_TYPE_NAMES],
  ] as const) {
    const values = Object.values(table);
    assert.equal(new Set(values).size, values.length, 'duplicate opcode value');
    for (const v of values) assert.ok(names[v], `no name for 0x${v.toString(16)}`);
    assert.equal(new Set(Object.values(names)).size, Object.values(names).length, 'duplicate name');
  }
});

test('opcodeName names base, Fabrics, vendor and unknown opcodes', () => {
  assert.equal(opcodeName('admin', 0x06), 'Identify');
  assert.equal(opcodeName('io', 0x02), 'Read');
  assert.equal(opcodeName('admin', 0x02), 'Get Log Page');
  assert.equal(opcodeName('admin', 0x7f, { fctype: FabricsType.CONNECT }), 'Fabrics Connect');
  assert.equal(opcodeName('io', 0x7f, { fctype: FabricsType.CONNECT }), 'Fabrics Connect');
  assert.equal(opcodeName('io', 0x7f), 'Fabrics');
  assert.equal(fabricsTypeName(0x42), 'Fabrics FCTYPE 0x42');
  assert.equal(opcodeName('admin', 0xe2), 'Vendor Specific Admin Opcode 0xE2');
  assert.equal(opcodeName('admin', 0xe2, { names: { 0xe2: 'Geometry' } }), 'Geometry');
  assert.equal(opcodeName('io', 0x91, { names: { 0x91: 'Vector Chunk Write' } }), 'Vector Chunk Write');
  assert.equal(opcodeName('io', 0x03), 'Unknown I/O Opcode 0x03');
  assert.equal(opcodeName('io', 0x90), 'Vendor Specific I/O Opcode 0x90');
});

test('opcode bits 1:0 give the data direction', () => {
  assert.equal(dataTransferOf(NvmOpcode.WRITE), DataTransfer.HOST_TO_CONTROLLER);
  assert.equal(dataTransferOf(NvmOpcode.READ), DataTransfer.CONTROLLER_TO_HOST);
  assert.equal(dataTransferOf(NvmOpcode.FLUSH), DataTransfer.NONE);
  assert.equal(dataTransferOf(AdminOpcode.IDENTIFY), DataTransfer.CONTROLLER_TO_HOST);
  assert.equal(dataTransferOf(AdminOpcode.SET_FEATURES), DataTransfer.HOST_TO_CONTROLLER);
});
