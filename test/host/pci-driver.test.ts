// The PCI driver against the test device in the same thread: the enable and shutdown register
// sequences, back-pressure, data pointers (PRP lists, SGL), statuses as values, timeouts,
// resets with commands in flight, and that DMA memory is given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CC, CSTS, REGISTERS, Shn, getBits } from '../../src/spec/index.js';
import { InProcessTransport, type PciTransport, RegionDmaAllocator } from '../../src/transport/index.js';
import { CommandAbortedError, NvmeHost, NvmeStatusError, NvmeTimeoutError, PciDriver, nvmeCommands as C } from '../../src/host/index.js';
import { MODES } from '../transport/in-process/modes.js';
import { TestOpcode, createTestDevice } from '../transport/in-process/test-device.js';

const R = REGISTERS.offset;
const NAMES: Record<number, string> = { [R.cap]: 'CAP', [R.cc]: 'CC', [R.csts]: 'CSTS', [R.aqa]: 'AQA', [R.asq]: 'ASQ', [R.acq]: 'ACQ', [R.vs]: 'VS' };

/** Records register accesses (not doorbells) on their way through. */
function recording(t: PciTransport): { t: PciTransport; log: string[] } {
  const log: string[] = [];
  const name = (o: number) => NAMES[o] ?? `0x${o.toString(16)}`;
  const rec: PciTransport = {
    get memory() {
      return t.memory;
    },
    get closed() {
      return t.closed;
    },
    get failure() {
      return t.failure;
    },
    async readRegister32(o) {
      const v = await t.readRegister32(o);
      log.push(`r ${name(o)}=${v.toString(16)}`);
      return v;
    },
    async readRegister64(o) {
      const v = await t.readRegister64(o);
      log.push(`r ${name(o)}`);
      return v;
    },
    writeRegister32: (o, v) => (log.push(`w ${name(o)}=${v.toString(16)}`), t.writeRegister32(o, v)),
    writeRegister64: (o, v) => (log.push(`w ${name(o)}`), t.writeRegister64(o, v)),
    ringDoorbell: (o, v) => t.ringDoorbell(o, v),
    onInterrupt: (v, h) => t.onInterrupt(v, h),
    waitInterrupt: (v) => t.waitInterrupt(v),
    onClose: (h) => t.onClose(h),
    close: () => t.close(),
  };
  return { t: rec, log };
}

test('enable follows specs.md 3.10: CAP, EN=0 and RDY=0, AQA/ASQ/ACQ, CC with IOSQES 6 / IOCQES 4, RDY=1; shutdown sets SHN and waits for SHST', async () => {
  const { t, log } = recording(await MODES.local());
  const driver = new PciDriver(t, { adminQueueEntries: 16 });
  await driver.enable();
  const cc = packedCc(log);
  assert.deepEqual(log.map((l) => l.split('=')[0]), ['r CAP', 'r CC', 'r CSTS', 'w AQA', 'w ASQ', 'w ACQ', 'w CC', 'r CSTS']);
  assert.equal(log[3], `w AQA=${(0x000f000f).toString(16)}`);
  assert.equal(getBits(cc, CC.en), 1);
  assert.equal(getBits(cc, CC.iosqes), 6);
  assert.equal(getBits(cc, CC.iocqes), 4);
  assert.equal(getBits(cc, CC.mps), 0);
  assert.equal(getBits(cc, CC.css), 0);
  assert.equal(getBits(Number.parseInt(log[7]!.split('=')[1]!, 16), CSTS.rdy), 1);

  // Enabling again from enabled: EN is cleared first and RDY = 0 awaited.
  log.length = 0;
  await driver.enable();
  assert.deepEqual(log.slice(0, 5).map((l) => l.split('=')[0]), ['r CAP', 'r CC', 'r CSTS', 'w CC', 'r CSTS']);
  assert.equal(getBits(Number.parseInt(log[3]!.split('=')[1]!, 16), CC.en), 0);

  log.length = 0;
  await driver.shutdown();
  const shn = log.find((l) => l.startsWith('w CC'))!;
  assert.equal(getBits(Number.parseInt(shn.split('=')[1]!, 16), CC.shn), Shn.NORMAL);
  assert.match(log[log.length - 1]!, /^r CSTS=9$/, 'RDY with SHST = complete (10b)');
  await driver.close();
});

function packedCc(log: string[]): number {
  return Number.parseInt(log.find((l) => l.startsWith('w CC'))!.split('=')[1]!, 16);
}

test('a queue of 2 entries runs 1 command at a time: 50 concurrent commands all complete, in order', async () => {
  const host = await NvmeHost.attach(await MODES.local({ blocks: 64 }));
  try {
    await host.createIoQueues(1, 2);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => host.write(1, i, new Uint8Array(512).fill(i)).then(() => order.push(i))));
    assert.deepEqual(order, Array.from({ length: 50 }, (_, i) => i), 'FIFO back-pressure keeps submission order');
    const all = await host.read(1, 0, 50);
    for (let i = 0; i < 50; i++) assert.equal(all[i * 512 + 100], i);
  } finally {
    await host.close();
  }
});

test('large transfers: PRP lists across list pages, SGL data blocks, and splitting at MDTS', async () => {
  // MDTS 9 = 2 MiB: a 3 MiB read is split in two commands; 2 MiB needs two chained PRP list pages.
  const transport = await MODES.local({ blocks: 16384, mdts: 9 });
  const host = await NvmeHost.attach(transport);
  try {
    await host.createIoQueues(2, 4);
    const big = new Uint8Array(3 << 20);
    for (let i = 0; i < big.length; i += 4096) big.fill((i >> 12) & 0xff, i, i + 4096);
    await host.write(1, 100, big);
    assert.deepEqual(await host.read(1, 100, big.length / 512), big);

    const driver = host.initiator as PciDriver;
    const r = await driver.execute(1, C.readWrite(0x02, 1, 100, 24), { dataInLength: 24 * 512, sgl: true });
    assert.equal(r.status, 0);
    assert.deepEqual(r.data, big.subarray(0, 24 * 512));
    const w = await driver.execute(2, C.readWrite(0x01, 1, 5000, 3), { dataOut: new Uint8Array(1536).fill(0xab), sgl: true });
    assert.equal(w.status, 0);
    assert.deepEqual(await host.read(1, 5000, 3), new Uint8Array(1536).fill(0xab));
  } finally {
    await host.close();
  }
  assert.equal((transport.memory as RegionDmaAllocator).allocations, 0, 'every DMA buffer was freed');
});

test('statuses are values in passthrough and NvmeStatusError with the spec name in helpers', async () => {
  const host = await NvmeHost.attach(await MODES.local({ blocks: 16 }));
  try {
    await host.createIoQueues(1, 4);
    const r = await host.passthrough('admin', { opc: 0xbf });
    assert.equal(r.status, 0x4001);
    const io = await host.passthrough('io', { opc: 0x02, nsid: 7, cdw12: 0 }, { dataInLength: 512 });
    assert.equal(io.status, 0x400b, 'Invalid Namespace or Format, DNR');
    await assert.rejects(host.write(1, 16, new Uint8Array(512)), (e: unknown) => {
      assert.ok(e instanceof NvmeStatusError);
      assert.equal(e.status, 0x4080);
      assert.equal(e.dnr, true);
      assert.match(e.message, /^Write nsid 1 slba 16 nlb 1 failed: LBA Out of Range \(SCT 0x0 SC 0x80, DNR\)$/);
      return true;
    });
    await assert.rejects(host.write(1, 0, new Uint8Array(100)), /whole 512-byte blocks/);
    // NSID past NN is Invalid Namespace; an unused NSID below it reads as all zeros.
    await assert.rejects(host.read(9, 0, 1), /not an active namespace|Invalid Namespace or Format/);
  } finally {
    await host.close();
  }
});

test('a command without completion times out; a reset aborts what is in flight and the host goes on', async () => {
  const host = await NvmeHost.attach(await MODES.local({ blocks: 4096 }), { commandTimeoutMs: 100 });
  try {
    await host.createIoQueues(2, 4);
    await assert.rejects(host.passthrough('admin', { opc: TestOpcode.HANG }), NvmeTimeoutError);
    await host.write(1, 0, new Uint8Array(512)); // the namespace format is known: writes submit at once
    // 40 writes in flight on depth-4 queues (most wait for a slot) while the controller resets.
    const writes = Array.from({ length: 40 }, (_, i) => host.write(1, i * 8, new Uint8Array(4096).fill(i + 1)));
    const reset = host.reset();
    const outcomes = await Promise.allSettled(writes);
    await reset;
    const aborted = outcomes.filter((o) => o.status === 'rejected');
    for (const o of aborted) assert.ok((o as PromiseRejectedResult).reason instanceof CommandAbortedError, String((o as PromiseRejectedResult).reason));
    assert.ok(aborted.length > 0, 'some writes were still queued at the reset');
    assert.deepEqual(host.ioQueues, [1, 2]);
    await host.write(1, 0, new Uint8Array(512).fill(0x77));
    assert.equal((await host.read(1, 0, 1))[0], 0x77);
  } finally {
    await host.close();
  }
});

test('closing the transport under a pending command rejects it instead of hanging', async () => {
  const transport = await MODES.local();
  const host = await NvmeHost.attach(transport);
  const hung = host.passthrough('admin', { opc: TestOpcode.HANG });
  await transport.close();
  await assert.rejects(hung, /closed/);
  await assert.rejects(host.identifyController(), /closed/);
});

test('DMA memory exhaustion waits for other commands instead of failing them', async () => {
  // 256 KiB of host memory: rings take some; 64 concurrent 16 KiB writes cannot all be staged at once.
  const transport = await InProcessTransport.local(createTestDevice, { blocks: 4096 }, { memoryBytes: 256 << 10 });
  const host = await NvmeHost.attach(transport, { adminQueueEntries: 4 });
  try {
    await host.createIoQueues(2, 64);
    await Promise.all(Array.from({ length: 64 }, (_, i) => host.write(1, i * 32, new Uint8Array(16384).fill(i))));
    for (let i = 0; i < 64; i += 9) assert.equal((await host.read(1, i * 32 + 31, 1))[511], i);
  } finally {
    await host.close();
  }
});
