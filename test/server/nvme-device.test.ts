// The conventional NVMe device as a user configures it: option line -> configuration -> a
// controller a host attaches to (in both transport modes), and the image that keeps its data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { NvmeHost } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { DeviceOptionError } from '../../src/server/device-options.js';
import { NVME_DEVICE_MODULE, createNvmeDevice, parseNvmeDevice, type ConventionalDeviceConfig, type NvmeDeviceConfig } from '../../src/server/nvme-device.js';
import { describeProbe, probeNvmeDevice } from '../../src/server/probe.js';
import { tempDir } from '../media/helpers.js';

test('defaults are the original emulator\'s: one namespace, mdts 10, 5 LBA formats, 4 KiB in use', () => {
  const c = parseNvmeDevice('nvme');
  assert.deepEqual(
    { ...c },
    { lver: 0, drive: undefined, size: 2 ** 30, serial: 'OCSSD0001', namespaceBytes: [2 ** 30], queues: 64, entries: 0x7ff, mdts: 10, nlbaf: 5, lbaIndex: 3, meta: 0, extended: false, vwc: false, sgl: true },
  );
  assert.deepEqual((parseNvmeDevice('namespaces=3,size=1G,lver=0') as ConventionalDeviceConfig).namespaceBytes, [357912576, 357912576, 357912576], 'an even split, 4 KiB aligned');
  assert.deepEqual((parseNvmeDevice('ns_sizes=64M:100001K') as ConventionalDeviceConfig).namespaceBytes, [2 ** 26, 102400000], 'explicit sizes, 4 KiB aligned');
});

test('bad combinations are refused with the option, the value and the reason', () => {
  const cases: [string, RegExp][] = [
    ['nvme,nlbaf=2,lba_index=2', /^option lba_index=2: allowed 0\.\.1 \(below nlbaf=2\)$/],
    ['nvme,size=1M,namespaces=256', /^option namespaces=256: size=1M leaves 4096 bytes each; allowed at most 16$/],
    ['nvme,size=1G,ns_sizes=512M:768M', /^option ns_sizes=512M:768M: together 1280M, more than size=1G$/],
    ['nvme,namespaces=3,ns_sizes=64M:64M', /^option namespaces=3: ns_sizes names 2 namespaces$/],
    ['ocssd,serial=x', /^option model=ocssd: allowed 'nvme'/],
    ['nvme,serial=123456789012345678901', /^option serial=123456789012345678901: allowed text of 1\.\.20/],
    ['nvme,queues=1', /^option queues=1: allowed an integer 2\.\.2048$/],
  ];
  for (const [line, re] of cases) assert.throws(() => parseNvmeDevice(line), (e: unknown) => e instanceof DeviceOptionError && re.test(e.message), line);
});

const config = (line: string): NvmeDeviceConfig => parseNvmeDevice(line);

test('probe: a host sees the serial, mdts, queues and namespaces of different sizes and formats', async () => {
  const p = await probeNvmeDevice(config('nvme,serial=deadbeef,mdts=5,ns_sizes=8M:16M:32M,nlbaf=4,lba_index=3,meta=16,size=64M'), 'local');
  assert.equal(p.controller.sn.trim(), 'deadbeef');
  assert.equal(p.controller.mdts, 5);
  assert.equal(p.controller.nn, 3);
  assert.deepEqual(p.namespaces.map((n) => n.nsid), [1, 2, 3]);
  const sizes = p.namespaces.map((n) => n.id.nsze * (n.id.lbaSize + n.id.metadataSize));
  assert.ok(sizes[0]! < 8 * 2 ** 20 && sizes[0]! > 7.9 * 2 ** 20, `namespace 1 holds about 8 MiB: ${sizes[0]}`);
  assert.ok(sizes[1]! > 1.99 * sizes[0]! && sizes[2]! > 1.99 * sizes[1]!, 'the sizes double');
  for (const { id } of p.namespaces) {
    assert.deepEqual(id.lbaFormats.map((f) => [2 ** f.lbads, f.ms]), [[512, 0], [1024, 0], [512, 16], [1024, 16]]);
    assert.equal(id.formatIndex, 3);
    assert.equal(id.metadataSize, 16);
    assert.equal(id.extendedMetadata, false);
  }
  const text = describeProbe(p).join('\n');
  assert.match(text, /serial deadbeef/);
  assert.match(text, /\*1024\+16 \(metadata via MPTR\)/);
});

test('worker mode: data written through one attach is there at the next, on the image file', async (t) => {
  const drive = join(tempDir(t), 'nvme.img');
  const cfg = config(`nvme,drive=${drive},size=32M,namespaces=2,lba_index=0`);
  const block = new Uint8Array(512).map((_, i) => (i * 7 + 3) & 0xff);
  for (const round of [0, 1]) {
    const transport = await InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice', args: cfg });
    const host = await NvmeHost.attach(transport);
    try {
      await host.createIoQueues(1, 16);
      if (round === 0) {
        await host.write(2, 1234, block);
        await host.flush(2);
      } else {
        assert.deepEqual(await host.read(2, 1234, 1), block);
        assert.deepEqual(await host.read(1, 1234, 1), new Uint8Array(512), 'namespace 1 is a different region');
      }
    } finally {
      await host.close();
    }
  }
  assert.equal(statSync(drive).size, 32 * 2 ** 20);
});

test('a drive too small for the configured namespaces fails to build with the option named', async (t) => {
  const drive = join(tempDir(t), 'small.img');
  await probeNvmeDevice(config(`nvme,drive=${drive},size=1M`), 'local');
  await assert.rejects(InProcessTransport.local(createNvmeDevice, { ...config(`nvme,drive=${drive},size=1M`), namespaceBytes: [2 ** 20, 2 ** 20] }), /option ns_sizes=1M:1M: the drive holds 1M/);
});
