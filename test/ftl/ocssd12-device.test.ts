// The FTL end to end on the real OCSSD 1.2 device (dual-plane blocks seen as 2.0 chunks, as
// Linux's lightnvm core shows them to pblk), through the host library and the in-process
// transport: the tutorial's target and a GC run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ocssd12ChunkDevice, createTarget, openTarget } from '../../src/ftl/index.js';
import { TUTORIAL, attach12 } from '../host/ocssd12-helpers.js';
import { block, xorshift } from './helpers.js';

test('OCSSD 1.2 tutorial device: the target on LUNs 0-3 is 144 MiB and keeps its data across a reopen', async (t) => {
  const { host } = await attach12(t, TUTORIAL);
  const dev = await Ocssd12ChunkDevice.open(host, 1);
  assert.deepEqual([dev.geometry.numGroups, dev.geometry.numPu, dev.geometry.numChunk, dev.geometry.clba, dev.geometry.wsMin, dev.geometry.oobSize], [1, 16, 3, 4096, 8, 16]);
  const v = await createTarget(dev, { name: 'mydevice', puBegin: 0, puEnd: 3 });
  assert.equal(v.size, 144 * 1024 * 1024);
  const n = 1500;
  const data = new Uint8Array(4096 * 50);
  for (let lba = 0; lba < n; lba += 50) {
    for (let k = 0; k < 50; k++) data.set(block(lba + k, 1), k * 4096);
    await v.write(lba * 4096, data);
  }
  await v.close();
  const again = await openTarget(dev, { puBegin: 0, puEnd: 3 });
  assert.equal(again.name, 'mydevice');
  assert.equal(again.size, 144 * 1024 * 1024);
  const b = new Uint8Array(4096);
  for (let lba = 0; lba < n; lba += 7) {
    await again.read(lba * 4096, b);
    assert.deepEqual(b, block(lba, 1), `lba ${lba}`);
  }
  await again.read((n + 10) * 4096, b);
  assert.deepEqual(b, new Uint8Array(4096));
  await again.close();
});

test('OCSSD 1.2 dual-plane device: random overwrites through GC', async (t) => {
  const { host } = await attach12(t, 'nvme,lver=1,lnum_lun=4,lnum_pln=2,lnum_blk=16,lpgs_per_blk=8,lsecs_per_pg=2,lmetasize=16,size=64M');
  const dev = await Ocssd12ChunkDevice.open(host, 1);
  assert.deepEqual([dev.geometry.clba, dev.geometry.wsOpt, dev.geometry.numChunk], [32, 4, 16]);
  const v = await createTarget(dev, { name: 'gc12', puBegin: 0, puEnd: 3, op: 25 });
  const cap = v.size / 4096;
  const ver = new Int32Array(cap);
  const rnd = xorshift(77);
  for (let i = 0; i < cap * 3; i++) {
    const lba = Math.floor(rnd() * cap);
    ver[lba]!++;
    await v.write(lba * 4096, block(lba, ver[lba]!));
  }
  await v.flush();
  assert.ok(v.ftl.stats.gcLines > 0, `GC ran (${v.ftl.stats.gcLines} lines)`);
  await v.close();
  const again = await openTarget(dev, { puBegin: 0, puEnd: 3 });
  const b = new Uint8Array(4096);
  for (let lba = 0; lba < cap; lba++) {
    await again.read(lba * 4096, b);
    assert.deepEqual(b, ver[lba] ? block(lba, ver[lba]!) : new Uint8Array(4096), `lba ${lba}`);
  }
  await again.close();
});
