import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OcssdServer } from '../../src/server/index.js';
import { tempDir } from '../media/helpers.js';
import { api, serveConfig } from './helpers.js';

test('a server with two devices: names, namespaces, control API routes and errors, clean stop', async (t) => {
  const dir = tempDir(t);
  const s = await OcssdServer.start(serveConfig(dir, [`nvme,drive=${join(dir, 'a.img')},size=8M,serial=A`, 'nvme,size=16M,namespaces=2,serial=B']), () => {});
  try {
    assert.deepEqual(s.devices.map((d) => d.name), ['nvme0', 'nvme1']);
    assert.ok(existsSync(join(dir, 'a.img')));
    const status = await api(s, 'GET', '/api/v1/status');
    assert.equal(status.status, 200);
    assert.equal(status.json.pid, process.pid);
    assert.deepEqual(status.json.devices.map((d: any) => d.namespaces.map((n: any) => n.name)), [['nvme0n1'], ['nvme1n1', 'nvme1n2']]);
    // 8 MiB less the conventional region's header and block-state map (8 KiB).
    assert.equal(status.json.devices[1].namespaces[0].bytes, 8 * 2 ** 20 - 8192);
    assert.equal((await api(s, 'GET', '/api/v1/devices/nvme1n2')).json.nsid, 2);
    const missing = await api(s, 'GET', '/api/v1/devices/nvme9n1');
    assert.equal(missing.status, 404);
    assert.match(missing.json.error, /no device or namespace 'nvme9n1' \(have nvme0, nvme0n1, nvme1, nvme1n1, nvme1n2\)/);
    assert.equal((await api(s, 'GET', '/api/v1/nothing')).status, 404);
    const wrong = await api(s, 'DELETE', '/api/v1/status');
    assert.equal(wrong.status, 405);
    assert.match(wrong.json.error, /allowed GET/);
    const badJson = await api(s, 'POST', '/api/v1/shutdown', '{nope');
    assert.equal(badJson.status, 400);
    assert.match(badJson.json.error, /not JSON/);
    assert.ok((await api(s, 'GET', '/api/v1')).json.routes.length >= 5);
  } finally {
    await s.stop();
  }
  await s.stopped;
  await s.stop(); // twice is fine
});

test('a bad device line fails start-up and leaves nothing open', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(OcssdServer.start(serveConfig(dir, ['nvme,size=8M', 'nvme,mdts=99']), () => {}), /option mdts=99: allowed an integer 0\.\.16/);
});

test('POST /api/v1/shutdown stops the server', async (t) => {
  const s = await OcssdServer.start(serveConfig(tempDir(t), ['nvme,size=8M']), () => {});
  assert.deepEqual((await api(s, 'POST', '/api/v1/shutdown')).json, { stopping: true });
  await s.stopped;
});
