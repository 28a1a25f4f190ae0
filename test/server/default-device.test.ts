import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Geometry } from '../../src/media/index.js';
import { DEFAULT_IMAGE_SIZE, TUTORIAL_GEOMETRY, describeDevice, openDefaultDevice } from '../../src/server/index.js';
import { tempDir } from '../media/helpers.js';

test('the default device is the tutorial geometry inside a 1 GiB image', () => {
  const g = Geometry.create(TUTORIAL_GEOMETRY);
  assert.equal(g.dataBytes, 768 * 2 ** 20);
  assert.ok(g.dataBytes <= DEFAULT_IMAGE_SIZE);
});

test('openDefaultDevice creates and reopens the image and describes it', (t) => {
  const dir = tempDir(t);
  const d = openDefaultDevice(dir);
  const text = describeDevice(d).join('\n');
  d.media.close();
  assert.match(text, /image: .*blknvme \(sparse, 1024 MiB\)/);
  assert.match(text, /resident metadata: 1536 bytes/);
  openDefaultDevice(dir).media.close();
});
