// OCSSD 2.0 over real NVMe/TCP on 127.0.0.1: the target exports a 2.0 namespace, the host library
// attaches with the TCP initiator (no host memory for the controller to read), so every
// multi-LBA vector command and all OOB travel in the inline layout (docs/ocssd20.md "Fabrics").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WallClock } from '../../src/media/index.js';
import { ocssd20AdminCommands } from '../../src/controller/index.js';
import { Ocssd20Host, TcpInitiator, type NvmeHost } from '../../src/host/index.js';
import { NamespaceSubsystem, TcpTarget } from '../../src/transport/index.js';
import { openOcssd20Namespace, parseOcssd20Device } from '../../src/server/index.js';
import { DNR, Ocssd20Status } from '../../src/spec/index.js';
import { oobFor, sectors } from './ocssd20-helpers.js';

const NQN = 'nqn.2026-11.io.ocssd:ocssd20-test';

test('OCSSD 2.0 over NVMe/TCP: geometry, chunk log, vector write / read / copy / reset with OOB, per-LBA bitmap', { timeout: 20_000 }, async () => {
  const clock = new WallClock();
  const ns = openOcssd20Namespace(parseOcssd20Device('nvme,lver=2,num_grp=2,num_pu=2,num_chk=4,clba=16,ws_min=4,ws_opt=8,mw_cunits=0,ms=16,mccap=7'), clock);
  const subsystem = new NamespaceSubsystem({ nqn: NQN, namespaces: [ns], admin: ocssd20AdminCommands(), io: ns.io, clock, config: { serial: 'OC20TCP', mdts: 5 } });
  const target = new TcpTarget({ subsystems: [subsystem], port: 0, discoveryPort: null, log: () => {} });
  const { port } = await target.listen();
  let host: NvmeHost | undefined;
  try {
    host = await TcpInitiator.attach({ port, subnqn: NQN });
    await host.createIoQueues(2, 32);
    const oc = await Ocssd20Host.open(host, 1);
    assert.equal(oc.fabric, true, 'the TCP initiator cannot place lists in host memory');
    assert.deepEqual([oc.geometry.mjr, oc.geometry.numGrp, oc.geometry.numPu, oc.geometry.numChk, oc.geometry.clba], [2, 2, 2, 4, 16]);
    const a = oc.pack({ grp: 1, pu: 1, chk: 3, sec: 0 });
    const lbas = Array.from({ length: 16 }, (_, i) => a + i);
    const data = sectors(lbas, 4096, 9);
    const oob = oobFor(lbas, 16, 9);
    const w = await oc.vectorWrite(lbas, data, oob);
    assert.deepEqual([w.status, w.bitmap], [0, 0n], '16 sectors + OOB + the list in one H2C transfer');
    const r = await oc.vectorRead([a + 15, a + 3, a + 8]);
    assert.equal(r.status, 0);
    assert.deepEqual(r.data, Uint8Array.from([...data.subarray(15 * 4096), ...data.subarray(3 * 4096, 4 * 4096), ...data.subarray(8 * 4096, 9 * 4096)]));
    assert.deepEqual(r.oob, Uint8Array.from([...oob.subarray(240), ...oob.subarray(48, 64), ...oob.subarray(128, 144)]));
    assert.deepEqual((await oc.chunk({ grp: 1, pu: 1, chk: 3 })).state, 'CLOSED');
    const again = await oc.vectorWrite(lbas.slice(0, 4), data.subarray(0, 4 * 4096), oob.subarray(0, 64));
    assert.deepEqual([again.status, again.bitmap], [Ocssd20Status.OUT_OF_ORDER_WRITE | DNR, 0b1111n]);
    const d = oc.pack({ grp: 0, pu: 0, chk: 0, sec: 0 });
    assert.equal((await oc.vectorCopy(lbas.slice(4, 8), [d, d + 1, d + 2, d + 3])).status, 0);
    const one = await oc.vectorRead([d + 2]);
    assert.deepEqual([one.status, one.data, one.oob], [0, data.subarray(6 * 4096, 7 * 4096), oob.subarray(96, 112)]);
    const reset = await oc.vectorReset([a, d], { descriptors: true });
    assert.deepEqual([reset.status, reset.descriptors!.map((x) => [x.state, x.wli])], [0, [['FREE', 0], ['FREE', 0]]]);
    assert.equal((await oc.chunkInfo()).every((c) => c.state === 'FREE'), true);
  } finally {
    await host?.close();
    await target.close();
    ns.close();
  }
});
