// Real NBD clients against our server, exporting a memory-backed conventional namespace
// (NamespaceVolume over the in-process transport): nbdinfo shows the export and its size,
// nbdcopy writes a 100 MiB random file in and copies it back out with the same sha256, qemu-io
// writes and reads patterns at unaligned offsets. The clients are Debian's libnbd-bin,
// qemu-utils; the test installs them when missing.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NbdServer } from '../../src/nbd/index.js';
import { NamespaceVolume, NvmeHost } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { NVME_DEVICE_MODULE, createNvmeDevice, parseNvmeDevice } from '../../src/server/nvme-device.js';
import { ensureCommands, runTool } from '../../bench/lib/debian.js';
import { tempDir } from '../media/helpers.js';
import { randomBytes } from './helpers.js';

const MiB = 1 << 20;

async function serveNamespace(t: TestContext, line: string, name: string, worker = false): Promise<{ server: NbdServer; volume: NamespaceVolume; url: string }> {
  const config = parseNvmeDevice(line);
  const transport = worker
    ? await InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice', args: config, memoryBytes: 32 << 20 })
    : await InProcessTransport.local(createNvmeDevice, config);
  const host = await NvmeHost.attach(transport);
  await host.createIoQueues(4, 256);
  const volume = await NamespaceVolume.open(host, 1, { name, closeHost: true });
  const server = new NbdServer({ port: 0, log: () => {} });
  server.addExport(volume, { description: 'conventional namespace 1 (memory image)' });
  await server.listen();
  t.after(async () => {
    await server.close();
    await volume.close();
  });
  return { server, volume, url: `nbd://127.0.0.1:${server.port}/${name}` };
}

async function sha256(path: string, bytes: number): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

test('real clients: nbdinfo, nbdcopy 100 MiB round trip, qemu-io unaligned patterns', { timeout: 300_000 }, async (t) => {
  await ensureCommands(['nbdinfo', 'nbdcopy', 'qemu-io'], (l) => t.diagnostic(l));
  const { volume, url, server } = await serveNamespace(t, 'nvme,size=160M,vwc=on', 'nvme0n1');

  await t.test('nbdinfo shows the export, its size and flags', async () => {
    const info = JSON.parse((await runTool('nbdinfo', ['--json', url])).stdout) as { structured: boolean; exports: { 'export-name': string; 'export-size': number; can_flush: boolean; can_trim: boolean; can_zero: boolean; can_fua: boolean; can_df: boolean; block_size_preferred: number }[] };
    assert.equal(info.structured, true, 'libnbd negotiated structured replies');
    const e = info.exports[0]!;
    assert.equal(e['export-name'], 'nvme0n1');
    assert.equal(e['export-size'], volume.size);
    assert.ok(volume.size >= 150 * MiB && volume.size % 4096 === 0, `size ${volume.size}`);
    assert.deepEqual([e.can_flush, e.can_trim, e.can_zero, e.can_fua, e.can_df], [true, true, true, true, true]);
    assert.equal(e.block_size_preferred, 4096);
    const list = (await runTool('nbdinfo', ['--list', `nbd://127.0.0.1:${server.port}`])).stdout;
    assert.match(list, /export="nvme0n1":/);
    assert.match(list, /description: conventional namespace 1 \(memory image\)/);
  });

  await t.test('nbdcopy writes a 100 MiB random file in and copies it out with the same sha256', async () => {
    const dir = tempDir(t);
    const src = join(dir, 'random.img');
    const out = join(dir, 'out.img');
    writeFileSync(src, randomBytes(100 * MiB, 2026));
    await runTool('nbdcopy', ['--flush', src, url]);
    await runTool('nbdcopy', [url, out]);
    assert.equal(await sha256(out, 100 * MiB), await sha256(src, 100 * MiB));
  });

  await t.test('qemu-io pattern writes and reads at unaligned offsets', async () => {
    const io = async (...cmds: string[]): Promise<string> => (await runTool('qemu-io', ['-f', 'raw', url, ...cmds.flatMap((c) => ['-c', c])])).stdout;
    const w = await io('write -P 0xab 1000 5000', 'read -P 0xab 1000 5000');
    assert.match(w, /wrote 5000\/5000 bytes at offset 1000/);
    assert.match(w, /read 5000\/5000 bytes at offset 1000/);
    // Neighbours and a second odd range, checked from a fresh connection.
    const w2 = await io('write -P 0x5c 8191 3', 'write -z 12345 100', 'flush');
    assert.match(w2, /wrote 3\/3 bytes at offset 8191/);
    const r = await io('read -P 0xab 1000 5000', 'read -P 0x5c 8191 3', 'read -P 0 12345 100');
    assert.doesNotMatch(r, /Pattern verification failed/);
    assert.match(r, /read 3\/3 bytes at offset 8191/);
    // qemu-io reports a mismatch as "Pattern verification failed" and exits 1: prove it would.
    await assert.rejects(io('read -P 0xcd 1000 10'), /Pattern verification failed at offset 1000, 10 bytes/);
  });
});

test('real clients with the device in a worker thread (as ocssd serve runs it): nbdinfo and qemu-io', { timeout: 120_000 }, async (t) => {
  await ensureCommands(['nbdinfo', 'qemu-io'], (l) => t.diagnostic(l));
  const { volume, url } = await serveNamespace(t, 'nvme,size=32M,lba_index=0', 'ns1', true);
  assert.equal(volume.blockSize, 512);
  const info = JSON.parse((await runTool('nbdinfo', ['--json', url])).stdout) as { exports: { 'export-size': number; block_size_preferred: number }[] };
  assert.equal(info.exports[0]!['export-size'], volume.size);
  assert.equal(info.exports[0]!.block_size_preferred, 512);
  const out = (await runTool('qemu-io', ['-f', 'raw', url, '-c', 'write -P 0x3c 777 70000', '-c', 'read -P 0x3c 777 70000', '-c', 'read -P 0 0 777'])).stdout;
  assert.match(out, /wrote 70000\/70000 bytes at offset 777/);
  assert.match(out, /read 777\/777 bytes at offset 0/);
});
