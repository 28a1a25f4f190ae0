import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { TcpInitiator } from '../../../../src/host/index.js';
import { FUZZ_NQN, InProcessFuzzer, Rand } from './tcp-fuzz.js';
import { HOSTNQN, NQN, startTarget } from '../helpers.js';
import { LINUX_ICREQ, linuxConnect } from '../fixtures.js';

function parameters(): { count: number; sockets: number; seed: number } {
  const count = Number(process.env['OCSSD_TCP_FUZZ_COUNT'] ?? 20_000);
  const seed = Number(process.env['OCSSD_FUZZ_SEED'] ?? 0x7c9);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`OCSSD_TCP_FUZZ_COUNT=${process.env['OCSSD_TCP_FUZZ_COUNT']}: allowed a positive integer`);
  return { count, sockets: Math.max(20, Math.min(400, Math.floor(count / 2500))), seed };
}

test('fuzz: random and mutated PDUs into the target in-process: no throw, no hang', { timeout: 600_000 }, () => {
  const { count, seed } = parameters();
  const f = new InProcessFuzzer(new Rand(seed));
  const t0 = performance.now();
  try {
    const c = f.run(count);
    const s = (performance.now() - t0) / 1000;
    console.log(`tcp fuzz (in-process): ${c.pdus} PDUs, ${c.bytes} bytes in ${c.deliveries} deliveries, ${c.sessions} sessions, ${c.closedByTarget} closed by the target, ${s.toFixed(1)} s (${Math.round(c.pdus / s)} PDUs/s)`);
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
      const to = setTimeout(() => s.destroy(), 2000);
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
