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

for (const [digests, disableSqFlow] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  test(`NvmeHost over NVMe/TCP: identify, write, read, flush (digests ${digests ? 'on' : 'off'}, SQ flow control ${disableSqFlow ? 'off: C2HData SUCCESS' : 'on'})`, { timeout: 20_000 }, async () => {
    const t = await startTarget();
    let host: NvmeHost | undefined;
    try {
      host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN, headerDigest: digests, dataDigest: digests, disableSqFlow });
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

test('an Asynchronous Event Request stays outstanding over TCP and completes on the admin connection when an event occurs', { timeout: 10_000 }, async () => {
  const t = await startTarget();
  const host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN });
  try {
    const aer = host.passthrough('admin', { opc: 0x0c });
    let done = false;
    void aer.then(() => (done = true));
    // Other admin commands complete meanwhile.
    assert.equal((await host.identifyController()).cntlid, 1);
    assert.equal(done, false);
    const [ctrl] = [...t.subsystem.live];
    ctrl!.events.post({ type: 2, info: 0x00, logPage: 0x04 });
    const r = await aer;
    assert.equal(r.status, 0);
    assert.equal(r.dw0, 0x040002);
  } finally {
    await host.close();
    await t.close();
  }
});

test('small limits: H2CData split at MAXH2CDATA, commands waiting for the buffer budget, a transfer over the limit refused', { timeout: 20_000 }, async () => {
  // 4 KiB per H2CData PDU, two 64 KiB buffers per connection: eight concurrent 64 KiB writes must queue.
  const t = await startTarget({ mdts: 5, target: { maxH2CData: 4096, maxTransfer: 65536, bufferBudget: 131072 } });
  const host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN });
  try {
    await host.createIoQueues(1, 16);
    const extents = Array.from({ length: 8 }, (_, i) => [i * 16, pattern(i * 16, 65536, 9)] as const);
    await Promise.all(extents.map(([lba, d]) => host.write(1, lba, d)));
    const got = await Promise.all(extents.map(([lba]) => host.read(1, lba, 16)));
    extents.forEach(([, d], i) => assert.deepEqual(got[i], d, `extent ${i}`));
    // 128 KiB in one command is over the target's 64 KiB transfer limit: Invalid Field, no R2T.
    const r = await host.passthrough('io', { opc: 0x01, nsid: 1, cdw10: 0, cdw12: 31 }, { dataOut: new Uint8Array(131072) });
    assert.equal(r.status, 0x4002);
    const rd = await host.passthrough('io', { opc: 0x02, nsid: 1, cdw10: 0, cdw12: 31 }, { dataInLength: 131072 });
    assert.equal(rd.status, 0x4002);
    // The connection is still fine.
    assert.deepEqual(await host.read(1, 0, 16), extents[0]![1]);
  } finally {
    await host.close();
    await t.close();
  }
});
