import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandTable, Effect } from '../../../src/controller/command.js';
import type { Controller } from '../../../src/controller/controller.js';
import { ADMIN_COMMANDS, createAdminCommands } from '../../../src/controller/commands/admin.js';
import { makeController } from './admin-helpers.js';

test('the admin table: opcodes, spec names, NSID use, effects and OACS', () => {
  const rows = ADMIN_COMMANDS.commands.map((d) => [d.opcode, d.name, d.nsid, d.effects, d.capability ?? null]);
  assert.deepEqual(rows, [
    [0x00, 'Delete I/O Submission Queue', 'none', 0, null],
    [0x01, 'Create I/O Submission Queue', 'none', 0, null],
    [0x02, 'Get Log Page', 'handler', 0, null],
    [0x04, 'Delete I/O Completion Queue', 'none', 0, null],
    [0x05, 'Create I/O Completion Queue', 'none', 0, null],
    [0x06, 'Identify', 'handler', 0, null],
    [0x08, 'Abort', 'none', 0, null],
    [0x09, 'Set Features', 'handler', Effect.CCC, null],
    [0x0a, 'Get Features', 'handler', 0, null],
    [0x0c, 'Asynchronous Event Request', 'none', 0, null],
    [0x18, 'Keep Alive', 'none', 0, null],
    [0x80, 'Format NVM', 'active-or-all', Effect.LBCC | Effect.NCC | Effect.NIC | Effect.CSE_ALL, { field: 'oacs', bit: 1 }],
  ]);
  assert.equal(ADMIN_COMMANDS.queue, 'admin');
  const table = new CommandTable<Controller>('admin', [ADMIN_COMMANDS]);
  assert.equal(table.capability('oacs'), 0x2);
  assert.equal(table.capability('oncs'), 0);
});

test('personalities add opcodes beside the base set; unsupported admin opcodes stay Invalid Opcode', () => {
  const vendor = { name: 'vendor', queue: 'admin' as const, commands: [{ opcode: 0xe2, name: 'Geometry', nsid: 'active' as const, effects: 0, handler: () => 0 }] };
  const t = makeController({ admin: [createAdminCommands(), vendor] });
  assert.equal(t.run({ opc: 0xe2, nsid: 1 }).status, 0);
  for (const opc of [0x0d, 0x10, 0x11, 0x14, 0x15, 0x7c, 0x7f, 0x81, 0x84]) assert.equal(t.run({ opc }).status, 0x4001, `opcode 0x${opc.toString(16)}`);
  assert.throws(() => new CommandTable<Controller>('admin', [ADMIN_COMMANDS, { ...vendor, commands: [{ ...vendor.commands[0]!, opcode: 0x06 }] }]), /both Identify and Geometry/);
});
