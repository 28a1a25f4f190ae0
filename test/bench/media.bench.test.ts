// Smoke test: the media bench runs end to end on a tiny device and prints every section. It
// asserts no timing (figures belong to the machine; see DESIGN.md, rule 8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, runMediaBench } from '../../bench/media.bench.js';
import type { GeometryParams } from '../../src/media/index.js';

const TINY: GeometryParams = { groups: 1, pusPerGroup: 2, planes: 1, blocksPerPlane: 4, pagesPerBlock: 64, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 };
const TINY_IMAGE: GeometryParams = { groups: 1, pusPerGroup: 4, planes: 1, blocksPerPlane: 64, pagesPerBlock: 256, sectorsPerPage: 1, sectorSize: 4096, oobSize: 16 };

test('the media bench prints every case for both backends, the image figures, and cleans up', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ocssd-bench-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lines: string[] = [];
  const result = await runMediaBench({ seconds: 0.05, geometry: TINY, workingSetChunks: 4, image: TINY_IMAGE, tmpRoot: root, out: (l) => lines.push(l) });
  const text = lines.join('\n');

  for (const head of ['node ', 'cpu ', '== file backend', '== memory backend', '== 256.00 MiB image', 'total bench time']) {
    assert.ok(text.includes(head), `missing "${head}" in:\n${text}`);
  }
  for (const backend of ['file', 'memory'] as const) {
    const section = text.slice(text.indexOf(`== ${backend} backend`));
    for (const name of CASES) assert.match(section, new RegExp(`^  ${name} +[\\d,]+ .*x `, 'm'), `${backend}: no row for ${name}`);
  }
  for (const label of ['create (includes the first open)', 'reopen, no chunk ever written', 'reopen, every chunk slot valid', 'resident chunk table', 'RSS delta at reopen']) {
    assert.ok(text.includes(label), `missing "${label}"`);
  }
  assert.equal(result.cases.length, 2 * CASES.length);
  assert.ok(!('skipped' in result.image), `image case did not run: ${JSON.stringify(result.image)}`);
  assert.equal(result.image.residentBytes, 16 * 256);
  assert.deepEqual(readdirSync(root), [], 'temporary files left behind');
});

test('the media bench can skip the image case', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ocssd-bench-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lines: string[] = [];
  const result = await runMediaBench({ seconds: 0.02, geometry: TINY, workingSetChunks: 2, backends: ['memory'], image: false, tmpRoot: root, out: (l) => lines.push(l) });
  assert.deepEqual(result.image, { skipped: 'skipped (--skip-image)' });
  assert.equal(result.cases.length, CASES.length);
  assert.deepEqual(readdirSync(root), []);
});
