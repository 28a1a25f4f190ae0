import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayout, encode } from '../../../src/spec/index.js';
import {
  CNS_NAMES,
  CSI_NAMES,
  Cns,
  Csi,
  NIDT_LENGTH,
  NIDT_NAMES,
  NSID_LIST,
  NSID_LIST_ENTRIES,
  NS_ID_DESCRIPTOR_HEADER,
  Nidt,
} from '../../../src/spec/nvme/index.js';

test('CNS values from specs.md 3.5', () => {
  assert.deepEqual(
    [Cns.NAMESPACE, Cns.CONTROLLER, Cns.ACTIVE_NSID_LIST, Cns.NS_ID_DESCRIPTOR_LIST, Cns.NAMESPACE_IOCS, Cns.CONTROLLER_IOCS],
    [0x00, 0x01, 0x02, 0x03, 0x05, 0x06],
  );
  assert.deepEqual([Cns.ACTIVE_NSID_LIST_IOCS, Cns.NAMESPACE_IOCS_INDEPENDENT, Cns.UUID_LIST, Cns.IO_COMMAND_SET], [0x07, 0x08, 0x17, 0x1c]);
  assert.deepEqual([Csi.NVM, Csi.KEY_VALUE, Csi.ZNS], [0, 1, 2]);
  for (const v of Object.values(Cns)) assert.ok(CNS_NAMES[v], `no name for CNS ${v}`);
  for (const v of Object.values(Csi)) assert.ok(CSI_NAMES[v], `no name for CSI ${v}`);
  assert.equal(CNS_NAMES[Cns.CONTROLLER], 'Identify Controller');
});

test('active NSID list is 1024 x u32', () => {
  assert.equal(NSID_LIST.size, 4096);
  assert.equal(NSID_LIST_ENTRIES * 4, NSID_LIST.size);
  assert.deepEqual(checkLayout(NSID_LIST), []);
});

test('namespace identification descriptor header: NIDT, NIDL, 2 reserved bytes', () => {
  assert.equal(NS_ID_DESCRIPTOR_HEADER.size, 4);
  assert.deepEqual(checkLayout(NS_ID_DESCRIPTOR_HEADER), []);
  assert.deepEqual([...encode(NS_ID_DESCRIPTOR_HEADER, { nidt: Nidt.UUID, nidl: NIDT_LENGTH[Nidt.UUID] })], [0x03, 0x10, 0, 0]);
  assert.deepEqual([Nidt.EUI64, Nidt.NGUID, Nidt.UUID, Nidt.CSI], [1, 2, 3, 4]);
  assert.deepEqual([NIDT_LENGTH[Nidt.EUI64], NIDT_LENGTH[Nidt.NGUID], NIDT_LENGTH[Nidt.UUID], NIDT_LENGTH[Nidt.CSI]], [8, 16, 16, 1]);
  assert.equal(NIDT_NAMES[Nidt.CSI], 'CSI');
});
