import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TUTORIAL_DEVICE_LINE, defaultDeviceLine } from '../../src/server/index.js';

test("the default device is the tutorial's line with its files in the data directory and a 1 GiB image", () => {
  const line = defaultDeviceLine('/tmp/x');
  assert.ok(line.startsWith('nvme,drive=/tmp/x/blknvme,size=1G,serial=deadbeef,namespaces=1,lver=1,'));
  assert.match(line, /lbbtable=\/tmp\/x\/bbtable\.qemu/);
  assert.match(line, /lmetadata=\/tmp\/x\/meta\.qemu$/);
  assert.doesNotMatch(line, /ldebug/, 'quiet unless asked');
  // Every other option of the tutorial's line is kept as written.
  for (const word of TUTORIAL_DEVICE_LINE.split(',').filter((w) => !/^(drive|lbbtable|lmetadata|ldebug)=/.test(w))) assert.ok(line.split(',').includes(word), word);
  assert.ok(defaultDeviceLine('rel').includes(`drive=${join(process.cwd(), 'rel', 'blknvme')}`));
});
