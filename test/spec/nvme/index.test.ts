import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout } from '../../../src/spec/index.js';
import type { Layout } from '../../../src/spec/index.js';
import * as nvme from '../../../src/spec/nvme/index.js';
import type { BitField } from '../../../src/spec/nvme/index.js';

const isLayout = (x: unknown): x is Layout =>
  typeof x === 'object' && x !== null && 'fields' in x && 'size' in x && 'endian' in x && Array.isArray((x as Layout).fields);

const isBitField = (x: unknown): x is BitField =>
  typeof x === 'object' && x !== null && 'dword' in x && 'shift' in x && 'bits' in x && 'name' in x;

const layouts = Object.entries(nvme as Record<string, unknown>).filter((e): e is [string, Layout] => isLayout(e[1]));
const bitTables = Object.entries(nvme as Record<string, unknown>).filter(
  (e): e is [string, Record<string, BitField>] =>
    typeof e[1] === 'object' && e[1] !== null && Object.values(e[1]).length > 0 && Object.values(e[1]).every(isBitField),
);

test('every exported layout has its spec size and passes checkLayout', () => {
  const sizes: Record<string, number> = {
    SQE: 64, SQE_SGL: 64, SQE_NVM_RW: 64, DSM_RANGE: 16, CQE: 16, SGL_DESCRIPTOR: 16,
    IDENTIFY_CONTROLLER: 4096, POWER_STATE_DESCRIPTOR: 32, IDENTIFY_NAMESPACE: 4096, LBA_FORMAT: 4,
    NSID_LIST: 4096, NS_ID_DESCRIPTOR_HEADER: 4, ERROR_INFORMATION_ENTRY: 64, SMART_LOG: 512,
    FIRMWARE_SLOT_LOG: 512, COMMAND_EFFECTS_LOG: 4096, CHANGED_NS_LIST: 4096, REGISTERS: 0x1000,
  };
  assert.deepEqual(layouts.map(([n]) => n).sort(), Object.keys(sizes).sort(), 'a layout was added or removed: list its size here');
  for (const [name, l] of layouts) {
    assert.equal(l.size, sizes[name], name);
    assert.equal(l.endian, 'le', name);
    assert.deepEqual(checkLayout(l), [], name);
  }
});

test('every exported bit table passes checkBitFields and keys match field names', () => {
  assert.ok(bitTables.length >= 40, `found only ${bitTables.length} bit tables`);
  for (const [name, table] of bitTables) {
    assert.deepEqual(nvme.checkBitFields(Object.values(table)), [], name);
    for (const [k, fd] of Object.entries(table)) assert.equal(fd.name, k, `${name}.${k}`);
  }
});
