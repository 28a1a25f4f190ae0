import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers } from '../../tools/check-layers.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocssd-layers-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

test('the real src/ tree follows the layer rules', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '../../../src');
  assert.deepEqual(checkLayers(src), []);
});

test('downward imports through index.js pass', () => {
  const dir = tree({
    'spec/index.ts': 'export const A = 1;\n',
    'media/index.ts': "export * from './x.js';\n",
    'media/x.ts': "import { A } from '../spec/index.js';\nexport const B = A;\n",
    'transport/index.ts': "import type { B } from '../media/index.js';\n",
  });
  try {
    assert.deepEqual(checkLayers(dir), []);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('an upward import is a violation', () => {
  const dir = tree({ 'media/x.ts': "import { C } from '../controller/index.js';\n", 'controller/index.ts': '' });
  try {
    const v = checkLayers(dir);
    assert.equal(v.length, 1);
    assert.match(v[0]!.rule, /media\/ may not import controller\//);
    assert.equal(v[0]!.line, 1);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('host side reaching device internals is a violation, also via export-from and import()', () => {
  const dir = tree({
    'ftl/a.ts': "export { M } from '../media/index.js';\n",
    'nbd/b.ts': "const c = await import('../controller/index.js');\n",
  });
  try {
    const rules = checkLayers(dir).map((v) => v.rule).sort();
    assert.equal(rules.length, 2);
    assert.match(rules[0]!, /ftl\/ is host side/);
    assert.match(rules[1]!, /nbd\/ is host side/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('deep imports into another layer and files outside the layers are violations', () => {
  const dir = tree({
    'controller/a.ts': "import { x } from '../media/chunk.js';\n",
    'misc/b.ts': '',
    'top.ts': '',
  });
  try {
    const v = checkLayers(dir);
    assert.equal(v.length, 3);
    assert.ok(v.some((x) => /through media\/index.js/.test(x.rule)));
    assert.equal(v.filter((x) => /outside the layers/.test(x.rule)).length, 2);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
