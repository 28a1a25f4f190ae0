import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OcssdServer, type ServeConfig } from '../../src/server/index.js';
import { tempDir } from '../media/helpers.js';
import { api } from './helpers.js';

const serveConfig = (dir: string, devices: string[]): ServeConfig => ({ devices, dataDir: dir, host: '127.0.0.1', controlPort: 0, tcpPort: -1, discoveryPort: -1, nbdPort: -1, allowedHosts: [] });

// 64 MiB: 1 channel x 4 LUNs x 2 planes x 7 blocks x 64 pages x 4 sectors of 4 KiB.
const line12 = (dir: string) => `nvme,drive=${join(dir, 'img')},size=64M,lver=1,lnum_lun=4,lnum_pln=2,lsecs_per_pg=4,lpgs_per_blk=64,serial=t`;

const ID_LINES = [
  'LightNVM Identity (OCSSD 1.2)',
  'verid    : 0x1',
  'vmnt     : 0',
  'cgrps    : 1',
  'cap      : 0x3',
  'dom      : 0',
  'ppaf     :',
  ' ch offs : 14 ch bits  : 0',
  ' lun offs: 12 lun bits : 2',
  ' pl offs : 2 pl bits  : 1',
  ' blk offs: 9 blk bits : 3',
  ' pg offs : 3 pg bits  : 6',
  ' sec offs: 0 sec bits : 2',
  'grp      : 0',
  ' mtype   : 0',
  ' fmtype  : 0',
  ' chnls   : 1',
  ' luns    : 4',
  ' plns    : 2',
  ' blks    : 7',
  ' pgs     : 64',
  ' fpg_sz  : 16384',
  ' csecs   : 4096',
  ' sos     : 16',
  ' trdt    : 70000',
  ' trdm    : 100000',
  ' tprt    : 1900000',
  ' tprm    : 3500000',
  ' tbet    : 3000000',
  ' tbem    : 3000000',
  ' mpos    : 0x20202',
  ' mccap   : 0x1',
  ' cpar    : 0',
];

test('lnvm identity: admin 0xE2 through the served host, nvme-cli lines and decoded fields', async (t) => {
  const dir = tempDir(t);
  const s = await OcssdServer.start(serveConfig(dir, [line12(dir), 'nvme,size=8M,serial=B']), () => {});
  try {
    const list = await api(s, 'GET', '/api/v1/lnvm/devices');
    assert.deepEqual(list.json, [{ name: 'nvme0n1', bmname: 'gennvm', bmversion: [1, 0, 0], kind: 'ocssd12' }]);
    const id = await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/identity');
    assert.equal(id.status, 200);
    assert.deepEqual(id.json.lines, ID_LINES);
    assert.equal(id.json.version, '1.2');
    assert.equal(id.json.device, 'nvme0n1');
    assert.deepEqual([id.json.numCh, id.json.numLun, id.json.numPln, id.json.numBlk, id.json.numPg, id.json.secsPerPg], [1, 4, 2, 7, 64, 4]);
    assert.equal(id.json.totalBytes, 1 * 4 * 2 * 7 * 64 * 4 * 4096);
    assert.deepEqual(id.json.ppaf, { secOff: 0, secLen: 2, plnOff: 2, plnLen: 1, pgOff: 3, pgLen: 6, blkOff: 9, blkLen: 3, lunOff: 12, lunLen: 2, chOff: 14, chLen: 0 });
    // -H: nvme-cli's explanations under the bits the device sets, nothing else changes.
    const human = (await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/identity?human=1')).json.lines as string[];
    const E = ' '.repeat(11);
    assert.deepEqual(human.slice(2, 9), ['vmnt     : 0', `${E}Generic/Enable opcodes as found in this spec.`, 'cgrps    : 1', 'cap      : 0x3', `${E}[0]: Bad block table management`, `${E}[1]: Hybrid command support`, 'dom      : 0']);
    assert.deepEqual(human.slice(-7), [' mpos    : 0x20202', `${E}[1]: Dual plane read`, `${E}[9]: Dual plane program`, `${E}[17]: Dual plane erase`, ' mccap   : 0x1', `${E}[0]: SLC mode`, ' cpar    : 0']);
    assert.deepEqual(human.filter((l) => !l.startsWith(E)), ID_LINES);
    assert.equal((await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/identity?human=0')).json.lines.length, ID_LINES.length);
    const badHuman = await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/identity?human=yes');
    assert.equal(badHuman.status, 400);
    assert.equal(badHuman.json.error, 'human=yes: allowed 0 or 1');
    const conv = await api(s, 'GET', '/api/v1/lnvm/devices/nvme1n1/identity');
    assert.equal(conv.status, 404);
    assert.equal(conv.json.error, "no Open-Channel device 'nvme1n1' (have nvme0n1)");
    assert.equal((await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n9/identity')).status, 404);
  } finally {
    await s.stop();
  }
});

test('lnvm bbt: Set then Get Bad Block Table, counts and entries; the mark survives a restart', async (t) => {
  const dir = tempDir(t);
  let s = await OcssdServer.start(serveConfig(dir, [line12(dir)]), () => {});
  try {
    const empty = await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/bbt?ch=0&lun=2');
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { device: 'nvme0n1', ch: 0, lun: 2, verid: 1, revid: 0, tblks: 14, tfact: 0, tgrown: 0, tdresv: 0, thresv: 0, planes: 2, entries: new Array(14).fill(0) });
    const set = await api(s, 'PUT', '/api/v1/lnvm/devices/nvme0n1/bbt', { ch: 0, lun: 2, pln: 1, blk: 5, value: 2 });
    assert.equal(set.status, 200);
    assert.deepEqual(set.json, { device: 'nvme0n1', ch: 0, lun: 2, pln: 1, blk: 5, value: 2 });
    assert.equal((await api(s, 'PUT', '/api/v1/lnvm/devices/nvme0n1/bbt', { lun: 2, blk: 0, value: 8 })).status, 200); // ch, pln default 0
    const after = await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/bbt?ch=0&lun=2');
    assert.equal(after.json.tgrown, 1);
    assert.equal(after.json.thresv, 1);
    const expected = new Array(14).fill(0);
    expected[5 * 2 + 1] = 2;
    expected[0] = 8;
    assert.deepEqual(after.json.entries, expected);
    // Other LUNs are untouched; ch and lun default to 0 as in nvme-cli.
    assert.deepEqual((await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/bbt')).json.entries, new Array(14).fill(0));
    // Back to good.
    await api(s, 'PUT', '/api/v1/lnvm/devices/nvme0n1/bbt', { lun: 2, blk: 0, value: 0 });
    await s.stop();
    s = await OcssdServer.start(serveConfig(dir, [line12(dir)]), () => {});
    const again = await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/bbt?lun=2');
    assert.equal(again.json.tgrown, 1);
    assert.equal(again.json.thresv, 0);
    assert.equal(again.json.entries[11], 2);
  } finally {
    await s.stop();
  }
});

test('lnvm bbt: out-of-range and malformed fields are 400s naming the field; unknown devices 404', async (t) => {
  const dir = tempDir(t);
  const s = await OcssdServer.start(serveConfig(dir, [line12(dir), 'nvme,size=8M,serial=B']), () => {});
  try {
    const get = async (q: string) => api(s, 'GET', `/api/v1/lnvm/devices/nvme0n1/bbt?${q}`);
    const put = async (b: unknown) => api(s, 'PUT', '/api/v1/lnvm/devices/nvme0n1/bbt', b);
    const cases: [() => Promise<{ status: number; json: any }>, string][] = [
      [() => get('ch=1&lun=0'), 'ch=1: allowed an integer 0..0 (nvme0n1 has 1 channel(s))'],
      [() => get('lun=4'), 'lun=4: allowed an integer 0..3 (nvme0n1 has 4 LUN(s) per channel)'],
      [() => get('lun=-1'), 'lun=-1: allowed an integer 0..3 (nvme0n1 has 4 LUN(s) per channel)'],
      [() => get('lun=x'), 'lun=x: allowed an integer 0..3 (nvme0n1 has 4 LUN(s) per channel)'],
      [() => put({ lun: 0, pln: 2, blk: 0, value: 2 }), 'pln=2: allowed an integer 0..1 (nvme0n1 has 2 plane(s))'],
      [() => put({ lun: 0, blk: 7, value: 2 }), 'blk=7: allowed an integer 0..6 (nvme0n1 has 7 block(s) per plane)'],
      [() => put({ lun: 0, value: 2 }), 'blk=null: allowed an integer 0..6 (nvme0n1 has 7 block(s) per plane)'],
      [() => put({ lun: '1', blk: 0, value: 2 }), 'lun="1": allowed an integer 0..3 (nvme0n1 has 4 LUN(s) per channel)'],
      [() => put({ lun: 1.5, blk: 0, value: 2 }), 'lun=1.5: allowed an integer 0..3 (nvme0n1 has 4 LUN(s) per channel)'],
      [() => put({ blk: 0, value: 3 }), 'value=3: allowed 0 (good), 1 (factory bad), 2 (grown bad), 4 (device reserved), 8 (host reserved)'],
      [() => put({ blk: 0 }), 'value=null: allowed 0 (good), 1 (factory bad), 2 (grown bad), 4 (device reserved), 8 (host reserved)'],
    ];
    for (const [p, message] of cases) {
      const r = await p();
      assert.equal(r.status, 400, message);
      assert.equal(r.json.error, message);
    }
    // A string lun in a JSON body is refused (above) even though the query form takes digits.
    assert.equal((await get('lun=3')).status, 200);
    const unknown = await api(s, 'GET', '/api/v1/lnvm/devices/nvme7n1/bbt?lun=0');
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.error, /no Open-Channel device 'nvme7n1' \(have nvme0n1\)/);
    assert.equal((await api(s, 'PUT', '/api/v1/lnvm/devices/nvme1n1/bbt', { blk: 0, value: 2 })).status, 404);
    assert.equal((await api(s, 'POST', '/api/v1/lnvm/devices/nvme0n1/bbt', {})).status, 405);
    // Nothing of the refused requests reached the table.
    const b = (await get('lun=0')).json;
    assert.deepEqual([b.tfact, b.tgrown, b.tdresv, b.thresv], [0, 0, 0, 0]);
  } finally {
    await s.stop();
  }
});

test('lnvm bbt on a two-namespace, two-channel device: each namespace and channel has its own table', async (t) => {
  const dir = tempDir(t);
  const s = await OcssdServer.start(serveConfig(dir, [`nvme,drive=${join(dir, 'img')},size=64M,lver=1,namespaces=2,lnum_ch=2,lnum_lun=2,lnum_pln=2,lsecs_per_pg=4,lpgs_per_blk=64,serial=t`]), () => {});
  try {
    assert.deepEqual((await api(s, 'GET', '/api/v1/lnvm/devices')).json.map((d: any) => d.name), ['nvme0n1', 'nvme0n2']);
    const id2 = (await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n2/identity')).json;
    assert.deepEqual([id2.numCh, id2.numLun, id2.numPln], [2, 2, 2]);
    const blocks = id2.numBlk as number;
    assert.equal((await api(s, 'PUT', '/api/v1/lnvm/devices/nvme0n2/bbt', { ch: 1, lun: 1, pln: 0, blk: blocks - 1, value: 4 })).status, 200);
    const tables = async (dev: string) => {
      const out: number[][] = [];
      for (const ch of [0, 1]) for (const lun of [0, 1]) out.push((await api(s, 'GET', `/api/v1/lnvm/devices/${dev}/bbt?ch=${ch}&lun=${lun}`)).json.entries);
      return out;
    };
    const clean = new Array(blocks * 2).fill(0);
    const marked = [...clean];
    marked[(blocks - 1) * 2] = 4;
    assert.deepEqual(await tables('nvme0n2'), [clean, clean, clean, marked]);
    assert.deepEqual(await tables('nvme0n1'), [clean, clean, clean, clean]);
    assert.equal((await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n2/bbt?ch=1&lun=1')).json.tdresv, 1);
    assert.match((await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/bbt?ch=2')).json.error, /^ch=2: allowed an integer 0\.\.1 \(nvme0n1 has 2 channel\(s\)\)$/);
  } finally {
    await s.stop();
  }
});

test('lnvm bbt: a Set BBT the device fails (its lbbtable cannot be written) is a 502 naming the status', async (t) => {
  const dir = tempDir(t);
  const table = join(dir, 'bbt');
  const logged: string[] = [];
  const s = await OcssdServer.start(serveConfig(dir, [`${line12(dir)},lbbtable=${table}`]), (l) => logged.push(l));
  try {
    assert.equal((await api(s, 'PUT', '/api/v1/lnvm/devices/nvme0n1/bbt', { blk: 1, value: 2 })).status, 200);
    assert.equal(readFileSync(table)[2], 2);
    // A non-empty directory where the table file was: the atomic rename over it fails.
    rmSync(table);
    mkdirSync(table);
    writeFileSync(join(table, 'x'), 'x');
    const r = await api(s, 'PUT', '/api/v1/lnvm/devices/nvme0n1/bbt', { blk: 3, value: 2 });
    assert.equal(r.status, 502);
    assert.match(r.json.error, /^nvme0n1: Set Bad Block Table ch 0 lun 0 pln 0 blk 3 to 2: the device answered Internal Error/);
    assert.match(logged.join('\n'), /could not save the bad block table/);
  } finally {
    await s.stop();
  }
});

test('lnvm on an OCSSD 2.0 device beside a 1.2 one: both listed, the 2.0 geometry rendered, no bad block table (409)', async (t) => {
  const dir = tempDir(t);
  const line20 = `nvme,drive=${join(dir, 'o2.img')},lver=2,num_grp=1,num_pu=2,num_chk=4,clba=64,serial=oc20`;
  const s = await OcssdServer.start(serveConfig(dir, [line12(dir), line20]), () => {});
  try {
    assert.deepEqual((await api(s, 'GET', '/api/v1/lnvm/devices')).json.map((d: any) => [d.name, d.kind]), [['nvme0n1', 'ocssd12'], ['nvme1n1', 'ocssd20']]);
    const id = await api(s, 'GET', '/api/v1/lnvm/devices/nvme1n1/identity');
    assert.equal(id.status, 200);
    assert.equal(id.json.version, '2.0');
    assert.deepEqual(id.json.lbaf, { grpLen: 0, puLen: 1, chkLen: 2, lbaLen: 6 });
    assert.deepEqual(id.json.lines.slice(0, 17), [
      'LightNVM Geometry (OCSSD 2.0)',
      'ver_major     : 0x2',
      'ver_minor     : 0',
      'mccap         : 0x5',
      'wit           : 10',
      'lba format',
      ' grp len      : 0',
      ' pu len       : 1',
      ' chk len      : 2',
      ' clba len     : 6',
      'geometry',
      ' num_grp      : 1',
      ' num_pu       : 2',
      ' num_chk      : 4',
      ' clba         : 64',
      'write req',
      ' ws_min       : 4',
    ]);
    const human = (await api(s, 'GET', '/api/v1/lnvm/devices/nvme1n1/identity?human=1')).json.lines;
    assert.deepEqual(human.slice(3, 6), ['mccap         : 0x5', '           [0]: Vector copy support', '           [2]: Early reset (ocssd extension)']);
    for (const r of [await api(s, 'GET', '/api/v1/lnvm/devices/nvme1n1/bbt?lun=0'), await api(s, 'PUT', '/api/v1/lnvm/devices/nvme1n1/bbt', { blk: 0, value: 2 })]) {
      assert.equal(r.status, 409);
      assert.equal(r.json.error, 'nvme1n1: OCSSD 2.0 has no bad block table; see the chunk log');
    }
    // The 1.2 device beside it is unaffected.
    assert.equal((await api(s, 'GET', '/api/v1/lnvm/devices/nvme0n1/bbt?lun=3')).json.tblks, 14);
  } finally {
    await s.stop();
  }
});
