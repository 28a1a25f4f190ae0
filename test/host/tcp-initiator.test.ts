// NvmeHost over our NVMe/TCP initiator against our target on 127.0.0.1: bring-up, identify,
// I/O queues, writes in capsule and through R2T, reads through C2HData, flush, several hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NvmeHost, TcpInitiator } from '../../src/host/index.js';
import { HOSTNQN, NQN, startTarget } from '../transport/tcp/helpers.js';

function pattern(slba: number, bytes: number, gen: number): Uint8Array {
  const b = new Uint8Array(bytes);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < bytes; i += 4) dv.setUint32(i, (slba * 0x9e3779b1 + i * 7 + gen * 0x85ebca77) >>> 0, true);
  return b;
}

for (const digests of [false, true]) {
  test(`NvmeHost over NVMe/TCP: identify, write, read, flush (digests ${digests ? 'on' : 'off'})`, { timeout: 20_000 }, async () => {
    const t = await startTarget();
    let host: NvmeHost | undefined;
    try {
      host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN, headerDigest: digests, dataDigest: digests });
      const id = host.controller!;
      assert.equal(id.sn, 'TCP0001');
      assert.equal(id.cntlid, 1);
      assert.equal(Number(id.fields.ioccsz), (64 + 8192) / 16);
      assert.equal(Number(id.fields.cntrltype), 1);
      assert.equal(id.sgls & 0x100003, 0x100001);
      assert.notEqual(id.kas, 0);
      assert.deepEqual(await host.activeNamespaces(), [1]);
      const qids = await host.createIoQueues(3, 32);
      assert.deepEqual(qids, [1, 2, 3]);
      // 4 KiB (in capsule), 64 KiB and 128 KiB (R2T + H2CData), many at once over the queues.
      const sizes = [1, 16, 32, 2, 5];
      let lba = 0;
      const writes: [number, Uint8Array][] = [];
      for (let i = 0; i < 40; i++) {
        const n = sizes[i % sizes.length]!;
        writes.push([lba, pattern(lba, n * 4096, 1)]);
        lba += n;
      }
      await Promise.all(writes.map(([slba, data]) => host!.write(1, slba, data)));
      await host.flush(1);
      const got = await Promise.all(writes.map(([slba, data]) => host!.read(1, slba, data.length / 4096)));
      writes.forEach(([slba, data], i) => assert.deepEqual(got[i], data, `extent ${i} at LBA ${slba}`));
      assert.equal(t.target.listAssociations().length, 1);
      assert.equal(t.target.listAssociations()[0]!.queues.size, 4);
    } finally {
      await host?.close();
      await t.close();
    }
  });
}

test('two hosts at once: each its own controller (CNTLID 1 and 2) over the shared namespace', { timeout: 20_000 }, async () => {
  const t = await startTarget();
  const a = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN });
  const b = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000002' });
  try {
    assert.deepEqual([a.controller!.cntlid, b.controller!.cntlid], [1, 2]);
    await Promise.all([a.createIoQueues(2, 16), b.createIoQueues(2, 16)]);
    const da = pattern(100, 64 * 1024, 7);
    const db = pattern(200, 64 * 1024, 8);
    await Promise.all([a.write(1, 100, da), b.write(1, 200, db)]);
    // Each host reads what the other wrote.
    assert.deepEqual(await a.read(1, 200, 16), db);
    assert.deepEqual(await b.read(1, 100, 16), da);
    assert.equal(t.target.listAssociations().length, 2);
    // One host going away leaves the other (and the namespace) working.
    await a.close();
    for (let i = 0; i < 50 && t.target.listAssociations().length > 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(t.target.listAssociations().length, 1);
    assert.deepEqual(await b.read(1, 100, 16), da);
  } finally {
    await a.close();
    await b.close();
    await t.close();
  }
});

test('controller reset over TCP: I/O queues are connected again and I/O works; shutdown sets SHST', { timeout: 20_000 }, async () => {
  const t = await startTarget();
  const host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN });
  try {
    await host.createIoQueues(2, 8);
    const d = pattern(5, 8192, 3);
    await host.write(1, 5, d);
    await host.reset();
    assert.deepEqual(host.ioQueues, [1, 2]);
    assert.deepEqual(await host.read(1, 5, 2), d);
    // Vendor / unknown opcodes come back as statuses through passthrough.
    const r = await host.passthrough('io', { opc: 0x92, nsid: 1 }, { dataInLength: 4096 });
    assert.equal(r.status, 0x4001);
  } finally {
    await host.close();
    await t.close();
  }
});
