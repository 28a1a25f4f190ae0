// The FTL end to end on the real OCSSD 2.0 device: controller, command set and media behind the
// in-process transport, reached only through the host library (Ocssd20ChunkDevice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ocssd20ChunkDevice, createTarget, openTarget, discoverTargets } from '../../src/ftl/index.js';
import { attach } from '../host/ocssd20-helpers.js';
import { block, xorshift } from './helpers.js';

const LINE = 'nvme,lver=2,num_grp=2,num_pu=2,num_chk=16,clba=64,ws_min=4,ws_opt=8,mw_cunits=0,ms=16';

test('OCSSD 2.0: a target over the real device survives GC and a reopen', async (t) => {
  const { host } = await attach(t, LINE);
  const dev = await Ocssd20ChunkDevice.open(host, 1);
  assert.deepEqual([dev.geometry.numGroups, dev.geometry.numPu, dev.geometry.numChunk, dev.geometry.clba, dev.geometry.wsOpt, dev.geometry.oobSize], [2, 2, 16, 64, 8, 16]);
  const v = await createTarget(dev, { name: 'pblk20', puBegin: 0, puEnd: 3 });
  const cap = v.size / 4096;
  assert.equal(cap, 3328);
  const ver = new Int32Array(cap);
  const rnd = xorshift(21);
  for (let i = 0; i < cap * 2; i++) {
    const lba = Math.floor(rnd() * cap);
    ver[lba]!++;
    await v.write(lba * 4096, block(lba, ver[lba]!));
  }
  await v.flush();
  assert.ok(v.ftl.stats.gcLines > 0, 'GC reclaimed lines');
  const b = new Uint8Array(4096);
  for (let lba = 0; lba < cap; lba += 3) {
    await v.read(lba * 4096, b);
    assert.deepEqual(b, ver[lba] ? block(lba, ver[lba]!) : new Uint8Array(4096), `lba ${lba}`);
  }
  await v.close();
  assert.deepEqual((await discoverTargets(dev)).map((x) => [x.name, x.puBegin, x.puEnd]), [['pblk20', 0, 3]]);
  const again = await openTarget(dev, { puBegin: 0, puEnd: 3, name: 'pblk20' });
  for (let lba = 0; lba < cap; lba++) {
    await again.read(lba * 4096, b);
    assert.deepEqual(b, ver[lba] ? block(lba, ver[lba]!) : new Uint8Array(4096), `reopened lba ${lba}`);
  }
  await again.close();
});

test('OCSSD 2.0 with mw_cunits: reads near the write pointer come from the buffer', async (t) => {
  const { host } = await attach(t, 'nvme,lver=2,num_grp=1,num_pu=4,num_chk=8,clba=64,ws_min=4,ws_opt=8,mw_cunits=16,ms=16');
  const dev = await Ocssd20ChunkDevice.open(host, 1);
  assert.equal(dev.geometry.mwCunits, 16);
  const v = await createTarget(dev, { name: 'mw', puBegin: 0, puEnd: 3, op: 30 });
  const b = new Uint8Array(4096);
  for (let lba = 0; lba < 200; lba++) await v.write(lba * 4096, block(lba, 1));
  await v.flush();
  for (let lba = 0; lba < 200; lba++) {
    await v.read(lba * 4096, b);
    assert.deepEqual(b, block(lba, 1), `lba ${lba}`);
  }
  await v.close();
});
