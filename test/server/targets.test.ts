// pblk targets in a running server (what `ocssd lnvm create/remove` drive): the tutorial's
// target on LUNs 0-3 is 144 MiB, is exported over NBD by name, and comes back with its data
// after a restart; mistakes get HTTP errors that name them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OcssdServer, defaultDeviceLine } from '../../src/server/index.js';
import { tempDir } from '../media/helpers.js';
import { api, serveConfig } from './helpers.js';

test("the tutorial's pblk target: 144 MiB, exported over NBD, back after a restart with its data, removed cleanly", { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const config = serveConfig(dir, [defaultDeviceLine(dir)], { nbdPort: 0 });
  let s = await OcssdServer.start(config, () => {});
  const block = new Uint8Array(8192).map((_, i) => (i * 13 + 1) & 0xff);
  try {
    const created = await api(s, 'POST', '/api/v1/targets', { device: 'nvme0n1', name: 'mydevice', type: 'pblk', lunBegin: 0, lunEnd: 3 });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.bytes, 144 * 2 ** 20);
    assert.equal(created.json.op, 11);
    assert.deepEqual(s.nbd!.list().map((e) => e.name), ['mydevice']);
    assert.ok(existsSync(join(dir, 'targets.json')));
    const vol = s.targets!.volume('mydevice')!;
    await vol.write(40960, block);
    await vol.flush();

    const errors: [unknown, number, RegExp][] = [
      [{ device: 'nvme0n1', name: 'mydevice', type: 'pblk', lunBegin: 4, lunEnd: 5 }, 409, /target mydevice exists already/],
      [{ device: 'nvme0n1', name: 'other', type: 'pblk', lunBegin: 2, lunEnd: 5 }, 409, /LUNs 2-5 of nvme0n1 overlap target mydevice \(LUNs 0-3\)/],
      [{ device: 'nvme0n1', name: 'other', type: 'rrpc', lunBegin: 4, lunEnd: 7 }, 400, /target type 'rrpc': allowed pblk/],
      [{ device: 'nvme0n1', name: 'other', type: 'pblk', lunBegin: 4, lunEnd: 16 }, 400, /"lunEnd" = 16: allowed an integer 4\.\.15/],
      [{ device: 'nvme9n1', name: 'other', type: 'pblk' }, 404, /no Open-Channel device 'nvme9n1' \(have nvme0n1\)/],
      [{ device: 'nvme0n1', name: 'bad name', type: 'pblk', lunBegin: 4, lunEnd: 7 }, 400, /target name 'bad name'/],
      [{ device: 'nvme0n1', name: 'nvme0n1', type: 'pblk', lunBegin: 4, lunEnd: 7 }, 409, /is the name of a namespace/],
    ];
    for (const [body, status, re] of errors) {
      const r = await api(s, 'POST', '/api/v1/targets', body);
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.match(r.json.error, re);
    }
  } finally {
    await s.stop();
  }

  s = await OcssdServer.start(config, () => {});
  try {
    const list = (await api(s, 'GET', '/api/v1/targets')).json;
    assert.deepEqual(list.map((x: any) => [x.name, x.device, x.lunBegin, x.lunEnd, x.bytes]), [['mydevice', 'nvme0n1', 0, 3, 144 * 2 ** 20]]);
    const back = new Uint8Array(8192);
    await s.targets!.volume('mydevice')!.read(40960, back);
    assert.deepEqual(back, block, 'the data written before the restart reads back');
    assert.deepEqual((await api(s, 'DELETE', '/api/v1/targets/mydevice')).json, { removed: 'mydevice' });
    assert.equal((await api(s, 'DELETE', '/api/v1/targets/mydevice')).status, 404);
    assert.deepEqual(s.nbd!.list(), []);
  } finally {
    await s.stop();
  }
  s = await OcssdServer.start(config, () => {});
  try {
    assert.deepEqual((await api(s, 'GET', '/api/v1/targets')).json, [], 'a removed target stays removed');
  } finally {
    await s.stop();
  }
});
