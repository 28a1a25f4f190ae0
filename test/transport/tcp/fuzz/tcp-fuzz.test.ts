import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { TcpInitiator, TcpQueue } from '../../../../src/host/index.js';
import { PduFlag, PduType } from '../../../../src/spec/index.js';
import { NO_DIGESTS, capsuleResp, dataPdu, icResp, r2t } from '../../../../src/transport/index.js';
import { FUZZ_NQN, InProcessFuzzer, Rand } from './tcp-fuzz.js';
import { HOSTNQN, NQN, startTarget } from '../helpers.js';
import { LINUX_ICREQ, linuxConnect } from '../fixtures.js';

function parameters(): { count: number; sockets: number; seed: number } {
  const count = Number(process.env['OCSSD_TCP_FUZZ_COUNT'] ?? 20_000);
  const seed = Number(process.env['OCSSD_FUZZ_SEED'] ?? 0x7c9);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`OCSSD_TCP_FUZZ_COUNT=${process.env['OCSSD_TCP_FUZZ_COUNT']}: allowed a positive integer`);
  return { count, sockets: Math.max(20, Math.min(200, Math.floor(count / 5000))), seed };
}

test('fuzz: random and mutated PDUs into the target in-process: no throw, no hang', { timeout: 1_800_000 }, async () => {
  const { count, seed } = parameters();
  const f = new InProcessFuzzer(new Rand(seed));
  const t0 = performance.now();
  try {
    const c = await f.run(count);
    const rss = process.memoryUsage().rss;
    const s = (performance.now() - t0) / 1000;
    console.log(`tcp fuzz (in-process): ${c.pdus} PDUs, ${c.bytes} bytes in ${c.deliveries} deliveries, ${c.sessions} sessions, ${c.closedByTarget} closed by the target, ${s.toFixed(1)} s (${Math.round(c.pdus / s)} PDUs/s), rss ${Math.round(rss / 2 ** 20)} MiB`);
    assert.ok(c.pdus >= count);
    assert.ok(c.closedByTarget > 0, 'some garbage must have been refused');
    assert.ok(c.sessions > 1);
  } finally {
    f.close();
  }
});

test('fuzz over sockets: garbage sessions are closed while a host does verified I/O beside them', { timeout: 120_000 }, async () => {
  const { sockets, seed } = parameters();
  const t = await startTarget({ target: { handshakeTimeoutMs: 500 } });
  const host = await TcpInitiator.attach({ port: t.port, subnqn: NQN, hostnqn: HOSTNQN });
  const r = new Rand(seed ^ 0x55);
  let pdus = 0;
  try {
    await host.createIoQueues(2, 16);
    for (let i = 0; i < sockets; i++) {
      const s = connect({ host: '127.0.0.1', port: t.port });
      s.on('error', () => {});
      const closed = new Promise<void>((res) => s.on('close', () => res()));
      await new Promise<void>((res) => s.on('connect', () => res()));
      if (r.int(2) === 0) {
        s.write(LINUX_ICREQ);
        s.write(linuxConnect(r.int(2) === 0 ? NQN : FUZZ_NQN));
        pdus += 2;
      }
      for (let k = 0; k < 3; k++) {
        s.write(r.bytes(8 + r.int(300)));
        pdus++;
      }
      // Verified I/O goes on meanwhile.
      const data = r.bytes(4096 * (1 + r.int(8)));
      const lba = r.int(1000);
      await host.write(1, lba, data);
      assert.deepEqual(Buffer.from(await host.read(1, lba, data.length / 4096)), data);
      // A session the target keeps (a PDU still incomplete) is ended by us after a moment.
      const to = setTimeout(() => s.destroy(), 250);
      await closed;
      clearTimeout(to);
    }
    console.log(`tcp fuzz (sockets): ${sockets} sessions, ${pdus} PDUs; target connections left: ${t.target.connectionCount}`);
    assert.equal(t.target.listAssociations().length, 1);
  } finally {
    await host.close();
    await t.close();
  }
});

test('fuzz the initiator: a target answering with random and mutated PDUs makes commands fail, never throw or hang', { timeout: 120_000 }, async () => {
  const { sockets, seed } = parameters();
  const r = new Rand(seed ^ 0xa5a5);
  const server = createServer((s) => {
    s.on('error', () => {});
    let greeted = false;
    s.on('data', () => {
      if (!greeted) {
        greeted = true;
        // A valid ICResp (usually), then junk around a plausible answer for CID 0.
        const ic = icResp({ digests: NO_DIGESTS, maxh2cdata: 4096 });
        if (r.int(8) === 0) ic[r.int(16)]! ^= 1 << r.int(8);
        s.write(ic);
        return;
      }
      const parts: Buffer[] = [];
      const kind = r.int(4);
      if (kind === 0) parts.push(capsuleResp(NO_DIGESTS, r.u32(), 0, 0, 0, r.int(3), r.int(2) === 0 ? 0 : r.int(0x8000)));
      else if (kind === 1) {
        const n = 1 + r.int(8192);
        parts.push(dataPdu(PduType.C2H_DATA, NO_DIGESTS, r.int(3), 0, r.int(3) === 0 ? r.int(8192) : 0, n, PduFlag.LAST_PDU | (r.int(2) === 0 ? PduFlag.SUCCESS : 0)), r.bytes(n));
      } else if (kind === 2) parts.push(r2t(NO_DIGESTS, r.int(3), r.int(4), r.int(2) === 0 ? 0 : r.int(10000), r.int(10000)));
      else parts.push(r.bytes(1 + r.int(100)));
      const b = Buffer.concat(parts);
      if (r.int(4) === 0) b[r.int(Math.min(b.length, 24))]! ^= 1 << r.int(8);
      s.write(b);
      if (r.int(3) === 0) s.end();
    });
  });
  const port = await new Promise<number>((res) => server.listen(0, '127.0.0.1', () => res((server.address() as { port: number }).port)));
  let failed = 0;
  let completed = 0;
  try {
    for (let i = 0; i < sockets; i++) {
      const q = new TcpQueue({ host: '127.0.0.1', port, qid: 1, entries: 4, digests: NO_DIGESTS, inCapsuleData: 0, connectTimeoutMs: 500, commandTimeoutMs: 500 });
      try {
        await q.open();
        const cmd = r.int(2) === 0 ? q.execute({ opc: 0x02, nsid: 1 }, { dataInLength: 8192 }) : q.execute({ opc: 0x01, nsid: 1 }, { dataOut: new Uint8Array(8192) });
        // Settles: an answer, a protocol error, a close, or the command timeout.
        const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('initiator hung')), 3000).unref());
        await Promise.race([cmd, timeout]);
        completed++;
      } catch (e) {
        assert.ok(!(e instanceof Error && e.message === 'initiator hung'), 'a command neither completed nor failed');
        failed++;
      } finally {
        q.close();
      }
    }
    console.log(`tcp fuzz (initiator): ${sockets} sessions against a junk target: ${completed} commands completed, ${failed} failed cleanly`);
    assert.equal(completed + failed, sockets);
  } finally {
    await new Promise<void>((res) => server.close(() => res()));
  }
});
