import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBbt, formatInfo, formatList } from '../../src/cli/lnvm.js';

test("lnvm list and info print what the tutorial's nvme-cli printed, byte for byte", () => {
  assert.deepEqual(formatList([{ name: 'nvme0n1', bmname: 'gennvm', bmversion: [1, 0, 0] }]), ['Number of devices: 1', 'Device      \tBlock manager\tVersion', 'nvme0n1     \tgennvm      \t(1,0,0)']);
  assert.deepEqual(formatInfo({ version: [1, 0, 0], targetTypes: [{ name: 'pblk', version: [1, 0, 0] }] }), ['LightNVM (1,0,0). 1 target type(s) registered.', 'Type\tVersion', 'pblk\t(1,0,0)']);
  assert.deepEqual(formatList([]), ['Number of devices: 0', 'Device      \tBlock manager\tVersion']);
});

test('diag-bbtbl prints the statistics as nvme-cli did, then the blocks that are not good', () => {
  const lines = formatBbt({ verid: 1, revid: 0, tblks: 6, tfact: 1, tgrown: 1, tdresv: 0, thresv: 0, entries: [0, 1, 0, 0, 2, 0], planes: 2 });
  assert.deepEqual(lines, ['LightNVM Bad Block Stats:', 'verid    : 0x1', 'tblks    : 6', 'tfact    : 1', 'tgrown   : 1', 'tdresv   : 0', 'thresv   : 0', 'Blocks not good (2):', '  blk 0 pln 1: 0x1 factory bad', '  blk 2 pln 0: 0x2 grown bad']);
  assert.equal(formatBbt({ verid: 1, revid: 0, tblks: 2, tfact: 0, tgrown: 0, tdresv: 0, thresv: 0, entries: [0, 0], planes: 1 }).at(-1), 'All blocks good.');
});
