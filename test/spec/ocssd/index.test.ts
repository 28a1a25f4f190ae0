import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBitFields, checkLayout } from '../../../src/spec/index.js';
import type { BitField, Layout } from '../../../src/spec/index.js';
import * as nvme from '../../../src/spec/nvme/index.js';
import * as ocssd from '../../../src/spec/ocssd/index.js';

const isLayout = (x: unknown): x is Layout =>
  typeof x === 'object' && x !== null && 'fields' in x && 'size' in x && 'endian' in x && Array.isArray((x as Layout).fields);

const isBitField = (x: unknown): x is BitField =>
  typeof x === 'object' && x !== null && 'dword' in x && 'shift' in x && 'bits' in x && 'name' in x;

const exported = Object.entries(ocssd as Record<string, unknown>);
const layouts = exported.filter((e): e is [string, Layout] => isLayout(e[1]));
const bitTables = exported.filter(
  (e): e is [string, Record<string, BitField>] =>
    typeof e[1] === 'object' && e[1] !== null && Object.values(e[1]).length > 0 && Object.values(e[1]).every(isBitField),
);

test('every exported layout has its spec size and passes checkLayout', () => {
  const sizes: Record<string, number> = {
    OCSSD12_IDENTITY: 4096, OCSSD12_GROUP: 960, OCSSD12_BBT_HEADER: 64, OCSSD12_SQE: 64,
    OCSSD20_GEOMETRY: 4096, OCSSD20_CHUNK_DESCRIPTOR: 32, OCSSD20_CHUNK_NOTIFICATION: 64, OCSSD20_SQE: 64,
  };
  assert.deepEqual(layouts.map(([n]) => n).sort(), Object.keys(sizes).sort(), 'a layout was added or removed: list its size here');
  for (const [name, l] of layouts) {
    assert.equal(l.size, sizes[name], name);
    assert.equal(l.endian, 'le', name);
    assert.deepEqual(checkLayout(l), [], name);
  }
});

test('every exported bit table passes checkBitFields and keys match field names', () => {
  assert.deepEqual(bitTables.map(([n]) => n).sort(), ['OCSSD12_CONTROL', 'OCSSD12_SET_BBT', 'OCSSD20_FEAT_MEDIA_FEEDBACK', 'OCSSD20_VECTOR']);
  for (const [name, table] of bitTables) {
    assert.deepEqual(checkBitFields(Object.values(table)), [], name);
    for (const [k, fd] of Object.entries(table)) assert.equal(fd.name, k, `${name}.${k}`);
  }
});

test('no exported name collides with spec/nvme, so spec/index.ts can re-export both', () => {
  const clash = Object.keys(ocssd).filter((k) => k in nvme);
  assert.deepEqual(clash, []);
});
