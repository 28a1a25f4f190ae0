import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceOptionError, describeOptions, formatSize, parseDeviceLine, parseSize, type OptionSpec } from '../../src/server/device-options.js';

const TABLE: readonly OptionSpec[] = [
  { name: 'n', kind: 'uint', default: 3, min: 1, max: 10, help: 'a count' },
  { name: 'on', kind: 'bool', default: false, help: 'a switch' },
  { name: 'name', kind: 'string', min: 1, max: 4, help: 'a name' },
  { name: 'size', kind: 'size', default: 4096, min: 512, max: 2 ** 30, help: 'a size' },
  { name: 'sizes', kind: 'sizes', min: 512, max: 2 ** 30, help: 'sizes' },
];

test('sizes parse with binary suffixes and hex; nonsense and unsafe numbers are refused', () => {
  assert.equal(parseSize('4096'), 4096);
  assert.equal(parseSize('0x1000'), 4096);
  assert.equal(parseSize('64K'), 65536);
  assert.equal(parseSize('1m'), 2 ** 20);
  assert.equal(parseSize('2GiB'), 2 ** 31);
  assert.equal(parseSize('1T'), 2 ** 40);
  for (const bad of ['', 'x', '1.5G', '-1', '1P', `${2 ** 60}T`]) assert.equal(parseSize(bad), undefined, bad);
  assert.equal(formatSize(2 ** 30), '1G');
  assert.equal(formatSize(3 * 2 ** 20), '3M');
  assert.equal(formatSize(1000), '1000');
});

test('a line parses to values with defaults; the model word is kept', () => {
  assert.deepEqual(parseDeviceLine('nvme,n=0x5,on=on,name=ab,sizes=1K:2M', TABLE), { model: 'nvme', n: 5, on: true, name: 'ab', size: 4096, sizes: [1024, 2 * 2 ** 20] });
  assert.deepEqual(parseDeviceLine('', TABLE), { n: 3, on: false, name: undefined, size: 4096, sizes: undefined });
  assert.deepEqual(parseDeviceLine(' n = 2 , on=0 ,', TABLE).n, 2);
});

test('every bad option names itself, its value and what is allowed', () => {
  const cases: [string, RegExp][] = [
    ['n=0', /^option n=0: allowed an integer 1\.\.10$/],
    ['n=11', /^option n=11: allowed an integer 1\.\.10$/],
    ['n=1.5', /^option n=1\.5: allowed an integer/],
    ['on=maybe', /^option on=maybe: allowed 0 or 1/],
    ['name=', /^option name=: allowed text of 1\.\.4 characters/],
    ['name=toolong', /^option name=toolong: allowed text of 1\.\.4/],
    ['size=100', /^option size=100: allowed a size 512\.\.1G/],
    ['sizes=1K:3G', /^option sizes=1K:3G: allowed sizes joined by ':'/],
    ['bogus=1', /^unknown option 'bogus': allowed n, on, name, size, sizes$/],
    ['n=1,n=2', /^option n is given twice$/],
    ['nvme,n', /^option 'n' has no value/],
  ];
  for (const [line, re] of cases) assert.throws(() => parseDeviceLine(line, TABLE), (e: unknown) => e instanceof DeviceOptionError && re.test(e.message), line);
});

test('help lists each option with its allowed values and default', () => {
  const lines = describeOptions(TABLE);
  assert.equal(lines.length, TABLE.length);
  assert.match(lines[0]!, /n\s+a count; an integer 1\.\.10; default 3/);
  assert.match(lines[3]!, /default 4K/);
});
