// The discovery controller: the Discovery log (LID 0x70) as `nvme discover` reads it, per host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConventionalNamespace } from '../../../src/controller/index.js';
import { MemoryStore } from '../../../src/media/index.js';
import { DISCOVERY_NQN, LogPage, SubsystemType, TransportType } from '../../../src/spec/index.js';
import { NvmeHost, TcpInitiator, discover } from '../../../src/host/index.js';
import { NamespaceSubsystem, TcpTarget } from '../../../src/transport/index.js';
import { HOSTNQN } from './helpers.js';

test('discovery lists every subsystem this host may reach, on the I/O port; the discovery controller is CNTRLTYPE 2, NN 0', { timeout: 10_000 }, async () => {
  const store = new MemoryStore(1 << 20);
  const ns = new ConventionalNamespace({ nsid: 1, store, offset: 0, bytes: store.size, nlbaf: 1, lbaIndex: 0, ms: 0, extended: false, serial: 'D1' });
  const open = new NamespaceSubsystem({ nqn: 'nqn.2026-11.io.ocssd:open', namespaces: [ns] });
  const closed = new NamespaceSubsystem({ nqn: 'nqn.2026-11.io.ocssd:closed', namespaces: [ns], allowedHosts: ['nqn.2026-11.io.ocssd:somebody-else'] });
  const mine = new NamespaceSubsystem({ nqn: 'nqn.2026-11.io.ocssd:mine', namespaces: [ns], allowedHosts: [HOSTNQN] });
  const target = new TcpTarget({ subsystems: [open, closed, mine], port: 0, discoveryPort: 0, log: () => {} });
  const { port, discoveryPort } = await target.listen();
  try {
    const r = await discover({ port: discoveryPort!, hostnqn: HOSTNQN });
    assert.deepEqual(
      r.entries.map((e) => [e.subnqn, e.trtype, e.adrfam, e.subtype, e.traddr, e.trsvcid, e.cntlid, e.portid]),
      [
        ['nqn.2026-11.io.ocssd:open', TransportType.TCP, 1, SubsystemType.NVME, '127.0.0.1', String(port), 0xffff, 1],
        ['nqn.2026-11.io.ocssd:mine', TransportType.TCP, 1, SubsystemType.NVME, '127.0.0.1', String(port), 0xffff, 1],
      ],
    );
    // The same discovery NQN answers on the I/O port too, and another host sees one record fewer.
    const other = await discover({ port, hostnqn: 'nqn.2026-11.io.ocssd:somebody-else' });
    assert.deepEqual(other.entries.map((e) => e.subnqn), ['nqn.2026-11.io.ocssd:open', 'nqn.2026-11.io.ocssd:closed']);

    // Through NvmeHost: Identify, and log reads at odd offsets and lengths (libnvme reads 20 bytes first).
    const host = new NvmeHost(new TcpInitiator({ port: discoveryPort!, subnqn: DISCOVERY_NQN, hostnqn: HOSTNQN, katoMs: 0 }));
    await host.enable();
    try {
      const id = host.controller!;
      assert.equal(Number(id.fields.cntrltype), 2);
      assert.equal(id.nn, 0);
      const head = await host.getLogPage(LogPage.DISCOVERY, { length: 20 });
      assert.equal(new DataView(head.buffer).getBigUint64(8, true), 2n, 'NUMREC');
      const second = await host.getLogPage(LogPage.DISCOVERY, { offset: 2048 + 256, length: 28 });
      assert.equal(Buffer.from(second).toString().replace(/\0+$/, ''), 'nqn.2026-11.io.ocssd:mine');
      // I/O queues do not exist on a discovery controller.
      await assert.rejects(host.createIoQueues(1, 8));
    } finally {
      await host.close();
    }
  } finally {
    await target.close();
    ns.close();
    store.close();
  }
});
