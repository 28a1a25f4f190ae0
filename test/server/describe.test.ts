import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceHelp, lsblkSize } from '../../src/server/index.js';

test("lsblk's SIZE column: 1022M, 144M, 1.5G, 4K, rounded to one decimal", () => {
  assert.equal(lsblkSize(261_632 * 4096), '1022M');
  assert.equal(lsblkSize(36_864 * 4096), '144M');
  assert.equal(lsblkSize(1.5 * 2 ** 30), '1.5G');
  assert.equal(lsblkSize(4096), '4K');
  assert.equal(lsblkSize(512), '512B');
  assert.equal(lsblkSize(8184 * 1024), '8M');
  assert.equal(lsblkSize(2 ** 40), '1T');
});

test('device help names the syntax and lists options with ranges and defaults', () => {
  const help = deviceHelp().join('\n');
  assert.match(help, /^ {2}mdts +max transfer .*an integer 0\.\.16; default 10$/m);
});
