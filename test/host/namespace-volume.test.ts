// NamespaceVolume over the in-process transport on the conventional NVMe device: geometry from
// Identify Namespace, reads and writes (FUA too) at 512 B and 4 KiB formats, flush, trim as
// deallocate and write zeroes reading back as zeroes, refused ranges, and close.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { NamespaceVolume, NvmeHost, VolumeRangeError } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { createNvmeDevice, parseNvmeDevice } from '../../src/server/nvme-device.js';

async function attach(t: TestContext, line: string): Promise<NvmeHost> {
  const host = await NvmeHost.attach(await InProcessTransport.local(createNvmeDevice, parseNvmeDevice(line)));
  t.after(() => host.close());
  await host.createIoQueues(2, 64);
  return host;
}

function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed * 13 + (i >> 9)) & 0xff);
}

test('size and block size come from the namespace; data round-trips across MDTS; FUA and flush succeed', async (t) => {
  for (const [lbaIndex, lba] of [[0, 512], [3, 4096]] as const) {
    const host = await attach(t, `nvme,size=16M,namespaces=2,lba_index=${lbaIndex},mdts=2,vwc=on`);
    const v = await NamespaceVolume.open(host, 1, { name: 'ns1' });
    const id = await host.identifyNamespace(1);
    assert.equal(v.name, 'ns1');
    assert.equal(v.blockSize, lba);
    assert.equal(v.size, id.nsze * lba);
    assert.equal(v.maxTransfer, 16384, 'MDTS 2 = 4 pages of 4 KiB');
    const data = pattern(20 * lba, lba);
    await v.write(3 * lba, data, { fua: true });
    const back = new Uint8Array(20 * lba);
    await v.read(3 * lba, back);
    assert.deepEqual(back, data);
    await v.write(v.size - lba, pattern(lba, 1));
    await v.flush();
    const last = new Uint8Array(lba);
    await v.read(v.size - lba, last);
    assert.deepEqual(last, pattern(lba, 1));
    const other = await NamespaceVolume.open(host, 2);
    assert.equal(other.name, 'nvme0n2');
    const untouched = new Uint8Array(lba);
    await other.read(3 * lba, untouched);
    assert.deepEqual(untouched, new Uint8Array(lba), 'namespace 2 is untouched');
  }
});

test('trim and write zeroes make the range read as zeroes and leave its neighbours', async (t) => {
  const host = await attach(t, 'nvme,size=16M');
  const v = await NamespaceVolume.open(host, 1);
  const data = pattern(64 * 4096, 5);
  await v.write(0, data);
  await v.trim(4096, 8 * 4096);
  await v.writeZeroes(20 * 4096, 10 * 4096);
  const back = new Uint8Array(64 * 4096);
  await v.read(0, back);
  const want = data.slice();
  want.fill(0, 4096, 9 * 4096);
  want.fill(0, 20 * 4096, 30 * 4096);
  assert.deepEqual(back, want);
});

test('misaligned or out-of-range requests are refused with VolumeRangeError; a closed volume refuses I/O', async (t) => {
  const host = await attach(t, 'nvme,size=16M');
  const v = await NamespaceVolume.open(host, 1);
  await assert.rejects(v.read(100, new Uint8Array(4096)), (e: unknown) => e instanceof VolumeRangeError && /not aligned to 4096 bytes/.test(e.message));
  await assert.rejects(v.write(v.size, new Uint8Array(4096)), (e: unknown) => e instanceof VolumeRangeError && /ends past the volume/.test(e.message));
  await assert.rejects(v.trim(0, 4095), VolumeRangeError);
  await assert.rejects(NamespaceVolume.open(host, 7), /Identify Namespace 7 failed: Invalid Namespace or Format/);
  await v.close();
  await assert.rejects(v.read(0, new Uint8Array(4096)), /volume nvme0n1 is closed/);
  const meta = await attach(t, 'nvme,size=16M,nlbaf=4,lba_index=2,meta=8');
  await assert.rejects(NamespaceVolume.open(meta, 1), /nsid 1 is formatted with 8 bytes of metadata per 512-byte block: a block volume needs a format without metadata/);
});
