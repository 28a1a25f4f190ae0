// ocssd serve's NVMe/TCP listeners: every device of the configuration is a subsystem a host
// discovers and connects to, and what a host writes over TCP is what the server's own host
// (the one lnvm and pblk use) reads, because both controllers share the namespaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NvmeHost, Ocssd20Host, TcpInitiator, discover } from '../../src/host/index.js';
import { OcssdServer } from '../../src/server/index.js';
import { tempDir } from '../media/helpers.js';

const HOSTNQN = 'nqn.2014-08.org.nvmexpress:uuid:ocssd-test-host';

test('serve exports every device over NVMe/TCP with discovery; TCP and the in-process host see the same blocks', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const s = await OcssdServer.start(
    {
      devices: [`nvme,drive=${join(dir, 'c.img')},size=16M,serial=conv`, `nvme,drive=${join(dir, 'o2.img')},lver=2,num_grp=1,num_pu=2,num_chk=4,clba=64,serial=oc20`],
      dataDir: dir,
      host: '127.0.0.1',
      controlPort: -1,
      tcpPort: 0,
      discoveryPort: 0,
      nbdPort: -1,
      allowedHosts: [],
    },
    () => {},
  );
  let host: NvmeHost | undefined;
  try {
    const tcp = s.listeners.nvmeTcp!;
    const { entries: records } = await discover({ port: s.listeners.discovery!.port, hostnqn: HOSTNQN });
    assert.deepEqual(records.map((r) => r.subnqn).sort(), ['nqn.2026-11.io.ocssd:nvme0', 'nqn.2026-11.io.ocssd:nvme1']);
    assert.ok(records.every((r) => Number(r.trsvcid) === tcp.port));

    host = await TcpInitiator.attach({ port: tcp.port, subnqn: 'nqn.2026-11.io.ocssd:nvme0', hostnqn: HOSTNQN });
    assert.equal(host.controller!.sn.trim(), 'conv');
    await host.createIoQueues(2, 32);
    const data = new Uint8Array(8192).map((_, i) => (i * 7) & 0xff);
    await host.write(1, 100, data);
    await host.flush(1);
    assert.deepEqual(await s.devices[0]!.host.read(1, 100, 2), data, 'the in-process host reads what the TCP host wrote');
    await host.close();

    host = await TcpInitiator.attach({ port: tcp.port, subnqn: 'nqn.2026-11.io.ocssd:nvme1', hostnqn: HOSTNQN });
    await host.createIoQueues(1, 32);
    const oc = await Ocssd20Host.open(host, 1);
    assert.equal(oc.geometry.numPu, 2);
    const lba = oc.pack({ grp: 0, pu: 1, chk: 2, sec: 0 });
    const w = await oc.vectorWrite([lba, lba + 1, lba + 2, lba + 3], new Uint8Array(4 * 4096).fill(0x5a));
    assert.equal(w.status, 0);
    const local = await Ocssd20Host.open(s.devices[1]!.host, 1);
    assert.equal((await local.chunk({ grp: 0, pu: 1, chk: 2 })).wp, 4, 'the chunk log the server sees moved with the TCP write');
  } finally {
    await host?.close();
    await s.stop();
  }
});
