// The OCSSD 2.0 device as a user configures it: one option line with the original's names, the
// lchunkstate / lresetfail / lwritefail text files, bad values named, and an image whose chunk
// state, write pointers, wear, data and OOB survive a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NvmeHost, Ocssd20Host } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { DeviceOptionError } from '../../src/server/device-options.js';
import { OCSSD20_DEVICE_MODULE, createOcssd20Device, parseOcssd20Device, type Ocssd20DeviceConfig } from '../../src/server/ocssd20-device.js';
import { parseChunkStateFile, parseWriteFailFile } from '../../src/server/ocssd20-options.js';
import { DNR, Ocssd20Status } from '../../src/spec/index.js';
import { tempDir } from '../media/helpers.js';
import { oobFor, sectors } from '../host/ocssd20-helpers.js';

const LIM = { numGrp: 2, numPu: 4, numChk: 60, clba: 4096 };

test('defaults are the original 2.0 device\'s (next branch): 2 x 4 x 60 x 4096 of 4 KiB, ws 4/8, mw_cunits 24, mccap copy + early reset', () => {
  const c = parseOcssd20Device('nvme,drive=x.img,lver=2');
  assert.deepEqual(
    [c.numGrp, c.numPu, c.numChk, c.clba, c.lbads, c.ms, c.wsMin, c.wsOpt, c.mwCunits, c.mccap, c.wit, c.peCycles, c.maxoc, c.maxocpu, c.dlfeat],
    [2, 4, 60, 4096, 12, 16, 4, 8, 24, 0x5, 10, 1000, 0, 0, 1],
  );
  assert.equal(parseOcssd20Device('nvme,drive=x,early_reset=0,mccap=7').mccap, 0x3, 'early_reset=0 clears bit 2');
  assert.equal(parseOcssd20Device('ocssd,num_grp=1,num_pu=1,num_chk=4,clba=16,mw_cunits=0').drive, undefined);
});

test('bad values are refused with the option, the value and what is allowed', () => {
  const cases: [string, RegExp][] = [
    ['nvme,lver=3', /^option lver=3: allowed an integer 2\.\.2$/],
    ['nvme,drive=x,clba=4096,ws_min=3', /^option ws_min=3: must divide clba=4096$/],
    ['nvme,drive=x,ws_opt=6', /^option ws_opt=6: must be a multiple of ws_min=4/],
    ['nvme,drive=x,clba=16,mw_cunits=16', /^option mw_cunits=16: allowed 0\.\.15/],
    ['nvme,drive=x,num_chk=4,maxocpu=5', /^option maxocpu=5: allowed 0\.\.4/],
    ['nvme', /^option drive=undefined: a 7680M device needs drive=<file>/],
    ['nvme,drive=x,lchunkstate=/nonexistent/file', /^option lchunkstate=\/nonexistent\/file: cannot read it/],
    ['nvme,drive=x,pe_cycles=-1', /^option pe_cycles=-1: allowed an integer/],
    ['nvme,drive=x,bogus=1', /^unknown option 'bogus'/],
  ];
  for (const [line, re] of cases) assert.throws(() => parseOcssd20Device(line), (e: unknown) => e instanceof DeviceOptionError && re.test(e.message), line);
});

test('lchunkstate and lwritefail in the original format: keys in any order, comments, errors naming the line', () => {
  const states = parseChunkStateFile('# comment\nwi=3 grp=1 pu=2 chk=5 state=OPEN wp=8 type=W_SEQ\n\ngrp=0 pu=0 chk=0 state=OFFLINE wp=0 type=W_RAN wi=255\n', LIM);
  assert.deepEqual(states, [
    { grp: 1, pu: 2, chk: 5, state: 'OPEN', type: 'SEQUENTIAL', wp: 8, wi: 3 },
    { grp: 0, pu: 0, chk: 0, state: 'OFFLINE', type: 'RANDOM', wp: 0, wi: 255 },
  ]);
  const bad: [string, RegExp][] = [
    ['grp=2 pu=0 chk=0 state=FREE wp=0 type=W_SEQ wi=0', /line 1: grp=2: allowed 0\.\.1/],
    ['grp=0 pu=0 chk=0 state=BAD wp=0 type=W_SEQ wi=0', /line 1: state=BAD: allowed FREE, OPEN, CLOSED, OFFLINE/],
    ['grp=0 pu=0 chk=0 state=FREE wp=0 wi=0', /line 1: type= is missing|type=: allowed/],
    ['\ngrp=0 pu=0 chk=0 state=OPEN wp=0 type=W_SEQ wi=0', /line 2: wp=0: an OPEN sequential chunk/],
    ['grp=0 pu=0 chk=0 state=FREE wp=5000 type=W_SEQ wi=0', /wp=5000: allowed 0\.\.4096/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseChunkStateFile(text, LIM), (e: unknown) => e instanceof DeviceOptionError && re.test(e.message), text);
  assert.deepEqual(parseWriteFailFile('grp=1 pu=3 chk=59 sec=4095 writefail_prob=100', LIM), [{ grp: 1, pu: 3, chk: 59, sec: 4095, prob: 100 }]);
  assert.throws(() => parseWriteFailFile('grp=0 pu=0 chk=0 sec=0 writefail_prob=101', LIM), /writefail_prob=101: allowed 0\.\.100/);
});

async function attach(config: Ocssd20DeviceConfig, worker = false): Promise<{ host: NvmeHost; oc: Ocssd20Host }> {
  const transport = worker
    ? await InProcessTransport.worker({ module: OCSSD20_DEVICE_MODULE, exportName: 'createOcssd20Device', args: config })
    : await InProcessTransport.local(createOcssd20Device, config);
  const host = await NvmeHost.attach(transport);
  await host.createIoQueues(1, 16);
  return { host, oc: await Ocssd20Host.open(host, 1) };
}

test('the text files shape the device at start: chunk states, and write / reset failures that always fire', async (t) => {
  const dir = tempDir(t);
  const cs = join(dir, 'chunks.txt');
  const wf = join(dir, 'writefail.txt');
  const rf = join(dir, 'resetfail.txt');
  writeFileSync(cs, 'grp=0 pu=1 chk=2 state=CLOSED wp=16 type=W_SEQ wi=51\ngrp=1 pu=0 chk=0 state=OFFLINE wp=0 type=W_SEQ wi=0\n');
  writeFileSync(wf, 'grp=0 pu=0 chk=1 sec=2 writefail_prob=100\n');
  writeFileSync(rf, 'grp=0 pu=1 chk=2 resetfail_prob=100\n');
  const config = parseOcssd20Device(`nvme,drive=${join(dir, 'oc.img')},num_grp=2,num_pu=2,num_chk=4,clba=16,mw_cunits=0,ms=0,pe_cycles=100,lchunkstate=${cs},lwritefail=${wf},lresetfail=${rf}`);
  const { host, oc } = await attach(config);
  t.after(() => host.close());
  const c = await oc.chunk({ grp: 0, pu: 1, chk: 2 });
  assert.deepEqual([c.state, c.wp, c.wli], ['CLOSED', 16, 51], 'wi=51 with pe_cycles=100: 20 erases, WLI 51');
  assert.deepEqual([(await oc.chunk({ grp: 1, pu: 0, chk: 0 })).state, (await oc.chunk({ grp: 1, pu: 0, chk: 0 })).wp], ['OFFLINE', null]);
  const a = oc.pack({ grp: 0, pu: 0, chk: 1, sec: 0 });
  const w = await oc.vectorWrite([a, a + 1, a + 2, a + 3], sectors([a, a + 1, a + 2, a + 3], 4096));
  assert.deepEqual([w.status, w.bitmap], [Ocssd20Status.WRITE_FAIL_CHUNK_EARLY_CLOSE | DNR, 0b1100n]);
  const r = await oc.vectorReset([oc.pack({ grp: 0, pu: 1, chk: 2, sec: 0 })]);
  assert.equal(r.status, Ocssd20Status.OFFLINE_CHUNK | DNR, 'resetfail_prob=100: the reset takes the chunk offline');
});

test('restart: chunk states, write pointers, wear, data and OOB survive; the device runs in a worker too', async (t) => {
  const dir = tempDir(t);
  const line = `nvme,drive=${join(dir, 'oc.img')},num_grp=1,num_pu=2,num_chk=4,clba=16,ws_min=4,ws_opt=8,mw_cunits=0,ms=16,pe_cycles=10,mccap=7`;
  const config = parseOcssd20Device(line);
  const a = 0; // grp 0 pu 0 chk 0
  const lbas = [a, a + 1, a + 2, a + 3, a + 4, a + 5, a + 6, a + 7];
  const data = sectors(lbas, 4096, 5);
  const oob = oobFor(lbas, 16, 5);
  {
    const { host, oc } = await attach(config);
    const full = Array.from({ length: 16 }, (_, i) => oc.pack({ grp: 0, pu: 1, chk: 3, sec: i }));
    assert.equal((await oc.vectorWrite(full, sectors(full, 4096, 1))).status, 0);
    for (let i = 0; i < 3; i++) assert.equal((await oc.vectorReset([full[0]!])).status, 0);
    assert.equal((await oc.vectorWrite(lbas, data, oob)).status, 0);
    await host.close();
  }
  const { host, oc } = await attach(parseOcssd20Device(line), true);
  t.after(() => host.close());
  const open = await oc.chunk({ grp: 0, pu: 0, chk: 0 });
  assert.deepEqual([open.state, open.wp], ['OPEN', 8]);
  const worn = await oc.chunk({ grp: 0, pu: 1, chk: 3 });
  assert.deepEqual([worn.state, worn.wp, worn.wli], ['FREE', 0, Math.floor((3 * 255) / 10)]);
  const r = await oc.vectorRead(lbas);
  assert.equal(r.status, 0);
  assert.deepEqual(r.data, data);
  assert.deepEqual(r.oob, oob);
  // The write pointer carried over: the next write goes on at 8.
  const more = [a + 8, a + 9, a + 10, a + 11];
  assert.equal((await oc.vectorWrite(more, sectors(more, 4096, 6))).status, 0);
  assert.equal((await oc.vectorWrite(lbas.slice(0, 4), sectors(lbas.slice(0, 4), 4096, 6))).status, Ocssd20Status.OUT_OF_ORDER_WRITE | DNR);
  // A different geometry on the same image is refused.
  assert.throws(() => createOcssd20Device(parseOcssd20Device(line.replace('num_chk=4', 'num_chk=8')), { memory: undefined as never, onInterrupt: () => {} }), /geometry/);
});

test('lver=2 in a plain nvme line builds the 2.0 device (parseNvmeDevice / createNvmeDevice), and probe describes its geometry', async () => {
  const { parseNvmeDevice } = await import('../../src/server/nvme-device.js');
  const { probeNvmeDevice, describeProbe } = await import('../../src/server/probe.js');
  const config = parseNvmeDevice('nvme,lver=2,num_grp=1,num_pu=2,num_chk=4,clba=16,mw_cunits=0,ms=0');
  assert.equal(config.lver, 2);
  const p = await probeNvmeDevice(config, 'local');
  assert.equal(p.ocssd20?.[0]?.geometry.numPu, 2);
  const text = describeProbe(p).join('\n');
  assert.match(text, /OCSSD 2\.0 namespace 1 \(geometry 2\.0, mccap 0x5, wit 10\)/);
  assert.match(text, /1 group\(s\) x 2 PUs x 4 chunks x 16 blocks of 4096 B/);
});

test('media and controller share one clock, so media completion times do not delay completions', () => {
  const d = createOcssd20Device(parseOcssd20Device('nvme,num_grp=1,num_pu=1,num_chk=2,clba=8,mw_cunits=0'), { memory: { read: () => false, write: () => false } as never, onInterrupt: () => {} });
  try {
    assert.equal(d.namespace.media.clock, d.engine.ctrl.clock);
  } finally {
    d.engine.ctrl.close();
  }
});
