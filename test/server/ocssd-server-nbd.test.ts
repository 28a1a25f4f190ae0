// ocssd serve's NBD listener: every conventional namespace is an export by its block device
// name, checked with real clients (libnbd's nbdinfo, qemu-io), installed when missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OcssdServer } from '../../src/server/index.js';
import { ensureCommands, runTool } from '../../bench/lib/debian.js';
import { tempDir } from '../media/helpers.js';

test('serve exports conventional namespaces over NBD: nbdinfo sizes them, qemu-io writes and reads through them', { timeout: 300_000 }, async (t) => {
  await ensureCommands(['nbdinfo', 'qemu-io']);
  const dir = tempDir(t);
  const s = await OcssdServer.start(
    { devices: [`nvme,drive=${join(dir, 'c.img')},size=32M,namespaces=2,serial=nbd`], dataDir: dir, host: '127.0.0.1', controlPort: -1, tcpPort: -1, discoveryPort: -1, nbdPort: 0, allowedHosts: [] },
    () => {},
  );
  try {
    const url = (name: string) => `nbd://127.0.0.1:${s.listeners.nbd!.port}/${name}`;
    assert.deepEqual(s.nbd!.list().map((e) => e.name), ['nvme0n1', 'nvme0n2']);
    const size = (await runTool('nbdinfo', ['--size', url('nvme0n2')])).stdout.trim();
    assert.equal(Number(size), s.devices[0]!.namespaces[1]!.bytes);
    const io = await runTool('qemu-io', ['-f', 'raw', url('nvme0n1'), '-c', 'write -P 0xc3 4095 9000', '-c', 'read -P 0xc3 4095 9000']);
    assert.match(io.stdout, /wrote 9000\/9000 bytes at offset 4095/);
    assert.match(io.stdout, /read 9000\/9000 bytes at offset 4095/);
    const back = await s.devices[0]!.host.read(1, 1, 1);
    assert.ok(back.every((b) => b === 0xc3), 'the namespace holds what qemu-io wrote');
  } finally {
    await s.stop();
  }
});
