// Run-time fault injection through the control API on an OCSSD 2.0 namespace: armed rules fire
// on the host's commands and their effect is visible in the chunk log the API reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ocssd20Host, ocssd20StatusName } from '../../src/host/index.js';
import { OcssdServer } from '../../src/server/index.js';
import { tempDir } from '../media/helpers.js';
import { api, serveConfig } from './helpers.js';

test('faults armed over the control API fire on host commands and show in the chunk log', { timeout: 60_000 }, async (t) => {
  const s = await OcssdServer.start(serveConfig(tempDir(t), ['nvme,lver=2,num_grp=1,num_pu=2,num_chk=4,clba=32,ws_min=4,ws_opt=8,mw_cunits=0,serial=f', 'nvme,size=8M', 'nvme,lver=1,size=64M,lnum_lun=2,lpgs_per_blk=16']), () => {});
  try {
    const armed = await api(s, 'POST', '/api/v1/devices/nvme0n1/faults', { kind: 'program-fail', chunk: { grp: 0, pu: 1, chk: 2 }, sec: 4, trigger: { mode: 'count', times: 2 } });
    assert.equal(armed.status, 200, JSON.stringify(armed.json));
    const list = (await api(s, 'GET', '/api/v1/devices/nvme0n1/faults')).json;
    assert.deepEqual(list.map((f: any) => [f.id, f.kind, f.chunk, f.sec, f.fired]), [[armed.json.id, 'program-fail', { grp: 0, pu: 1, chk: 2 }, 4, 0]]);

    const host = await Ocssd20Host.open(s.devices[0]!.host, 1);
    const lba = host.pack({ grp: 0, pu: 1, chk: 2, sec: 0 });
    const lbas = Array.from({ length: 8 }, (_, i) => lba + i);
    const w = await host.vectorWrite(lbas, new Uint8Array(8 * 4096).fill(7));
    assert.match(ocssd20StatusName(w.status), /Chunk Early Close/);
    assert.equal(w.bitmap & 0xf0n, 0xf0n, 'sectors 4..7 failed');
    const chunks = (await api(s, 'GET', '/api/v1/devices/nvme0n1/chunks?first=6&count=1')).json;
    assert.deepEqual([chunks[0].index, chunks[0].pu, chunks[0].chk, chunks[0].state, chunks[0].wp], [6, 1, 2, 'CLOSED', 4]);
    assert.equal((await api(s, 'GET', '/api/v1/devices/nvme0n1/faults')).json[0].fired, 1);

    assert.deepEqual((await api(s, 'DELETE', `/api/v1/devices/nvme0n1/faults/${armed.json.id}`)).json, { removed: armed.json.id });
    assert.equal((await api(s, 'DELETE', `/api/v1/devices/nvme0n1/faults/${armed.json.id}`)).status, 404);
    await api(s, 'POST', '/api/v1/devices/nvme0n1/faults', { kind: 'erase-fail', trigger: { mode: 'probability', probability: 0.5, seed: 3 } });
    assert.deepEqual((await api(s, 'DELETE', '/api/v1/devices/nvme0n1/faults')).json, { cleared: true });
    assert.deepEqual((await api(s, 'GET', '/api/v1/devices/nvme0n1/faults')).json, []);

    const bad: [string, unknown, number, RegExp][] = [
      ['nvme0n1', { kind: 'melt' }, 400, /fault kind 'melt': allowed program-fail, erase-fail, uncorrectable, high-ecc, write-next-unit/],
      ['nvme0n1', { kind: 'high-ecc', sec: 3 }, 400, /fault sec needs a chunk/],
      ['nvme0n1', { kind: 'high-ecc', chunk: { grp: 0, pu: 9, chk: 0 } }, 400, /pu/],
      ['nvme0n1', { kind: 'high-ecc', trigger: { mode: 'probability', probability: 2 } }, 400, /"probability" = 2: allowed a number in \(0, 1\]/],
      ['nvme0n1', { kind: 'high-ecc', trigger: { mode: 'sometimes' } }, 400, /"trigger.mode" = "sometimes": allowed count or probability/],
      ['nvme1n1', { kind: 'high-ecc' }, 404, /no Open-Channel device 'nvme1n1'/],
      ['nvme2n1', { kind: 'high-ecc' }, 409, /OCSSD 1\.2 device/],
    ];
    for (const [dev, body, status, re] of bad) {
      const r = await api(s, 'POST', `/api/v1/devices/${dev}/faults`, body);
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.match(r.json.error, re);
    }
    assert.equal((await api(s, 'GET', '/api/v1/devices/nvme0n1/chunks?first=8')).status, 400);
  } finally {
    await s.stop();
  }
});
