// The host library end to end over the in-process transport, the same scenario in both modes:
// enable, identify, 4 I/O queue pairs, many concurrent writes and reads on several queues (more
// than the queue depth: back-pressure and CQ phase wrap), flush, deallocate, write zeroes, a
// controller reset in the middle, shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSTS, REGISTERS, Shst, getBits } from '../../src/spec/index.js';
import { NvmeHost, NvmeStatusError, type PciDriver } from '../../src/host/index.js';
import { MODES } from '../transport/in-process/modes.js';
import { TestOpcode } from '../transport/in-process/test-device.js';

const LBA = 512;
const BLOCKS = 8192;

/** Block content naming its LBA and a generation, so misplaced or stale data is caught. */
function blocks(slba: number, nlb: number, gen: number): Uint8Array {
  const b = new Uint8Array(nlb * LBA);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < nlb; k++) for (let i = 0; i < LBA; i += 4) dv.setUint32(k * LBA + i, ((slba + k) * 0x9e3779b1 + gen * 0x85ebca77 + i) >>> 0, true);
  return b;
}

/** Deterministic pseudo-random extents that do not overlap: [slba, nlb]. */
function extents(count: number, seed: number): [number, number][] {
  const out: [number, number][] = [];
  let s = seed;
  let at = 0;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const nlb = 1 + (s % 24); // up to 12 KiB: one page, two pages, PRP lists
    const gap = (s >>> 8) % 5;
    at += gap;
    out.push([at, nlb]);
    at += nlb;
  }
  assert.ok(at < BLOCKS);
  return out;
}

async function writeAll(host: NvmeHost, list: [number, number][], gen: number): Promise<void> {
  await Promise.all(list.map(([slba, nlb], i) => host.write(1, slba, blocks(slba, nlb, gen), { qid: 1 + (i % 4) })));
}

async function verifyAll(host: NvmeHost, list: [number, number][], gen: number): Promise<void> {
  const got = await Promise.all(list.map(([slba, nlb], i) => host.read(1, slba, nlb, { qid: 1 + ((i + 1) % 4) })));
  list.forEach(([slba, nlb], i) => assert.deepEqual(got[i], blocks(slba, nlb, gen), `extent ${i} at LBA ${slba} x ${nlb}`));
}

for (const [mode, open] of Object.entries(MODES)) {
  test(`${mode}: the host library end to end`, { timeout: 20_000 }, async () => {
    const transport = await open({ blocks: BLOCKS, lbaSize: LBA });
    const host = await NvmeHost.attach(transport);
    try {
      const id = host.controller!;
      assert.equal(id.sn, 'OCSSD0001');
      assert.equal(id.sqes, 0x66);
      assert.equal(id.cqes, 0x44);
      assert.equal(id.mdts, 10);
      assert.deepEqual(await host.activeNamespaces(), [1]);
      const ns = await host.identifyNamespace(1);
      assert.equal(ns.nsze, BLOCKS);
      assert.equal(ns.lbaSize, LBA);

      // Depth 8: 7 commands per queue at once; 300 commands in flight wrap each CQ many times.
      assert.deepEqual(await host.createIoQueues(4, 8), [1, 2, 3, 4]);
      const list = extents(300, 7);
      await writeAll(host, list, 1);
      await verifyAll(host, list, 1);
      await host.flush(1);

      // Deallocate every third extent, zero every fifth: they read back as zeros.
      const gone = list.filter((_, i) => i % 3 === 0);
      await host.deallocate(1, gone.map(([slba, nlb]) => ({ slba, nlb })));
      const zeroed = list.filter((_, i) => i % 5 === 1);
      await Promise.all(zeroed.map(([slba, nlb]) => host.writeZeroes(1, slba, nlb)));
      for (const [slba, nlb] of [...gone, ...zeroed]) assert.deepEqual(await host.read(1, slba, nlb), new Uint8Array(nlb * LBA));
      const kept = list.filter((_, i) => i % 3 !== 0 && i % 5 !== 1);
      await verifyAll(host, kept, 1);

      // A controller reset in the middle: queues come back, data stays, I/O goes on.
      await host.reset();
      assert.deepEqual(host.ioQueues, [1, 2, 3, 4]);
      await verifyAll(host, kept, 1);
      await writeAll(host, list, 2);
      await verifyAll(host, list, 2);

      // Errors are the spec's: past the end of the namespace.
      await assert.rejects(host.read(1, BLOCKS - 1, 2), (e: unknown) => e instanceof NvmeStatusError && /LBA Out of Range/.test(e.message));

      await host.shutdown();
      assert.equal(getBits(await transport.readRegister32(REGISTERS.offset.csts), CSTS.shst), Shst.COMPLETE);
    } finally {
      await host.close();
    }
  });
}

for (const [mode, open] of Object.entries(MODES)) {
  test(`${mode}: data and metadata pointers: PRP lists, an SGL data block, MPTR both ways`, { timeout: 20_000 }, async () => {
    const transport = await open();
    const host = await NvmeHost.attach(transport);
    try {
      const data = new Uint8Array(5 * 4096 + 100).map((_, i) => (i * 7) & 0xff);
      const meta = new Uint8Array(72).map((_, i) => 255 - i);
      for (const sgl of [false, true]) {
        const put = await host.passthrough('admin', { opc: TestOpcode.STASH, cdw10: data.length, cdw11: meta.length }, { dataOut: data, metaOut: meta, sgl });
        assert.equal(put.status, 0);
        const got = await host.passthrough('admin', { opc: TestOpcode.UNSTASH }, { dataInLength: data.length, metaInLength: meta.length, sgl });
        assert.equal(got.status, 0);
        assert.deepEqual(got.data, data);
        assert.deepEqual(got.meta, meta);
      }
      // Zero copy: the driver's submit() with regions of DMA memory the caller owns.
      const driver = host.initiator as PciDriver;
      const buf = transport.memory.allocate(data.length);
      const mbuf = transport.memory.allocate(meta.length, 4);
      const c = await driver.submit(0, { opc: TestOpcode.UNSTASH }, { data: { addr: buf.addr, length: data.length }, meta: { addr: mbuf.addr, length: meta.length } });
      assert.equal(c.status, 0);
      assert.deepEqual(buf.bytes, data);
      assert.deepEqual(mbuf.bytes, meta);
      transport.memory.free(buf);
      transport.memory.free(mbuf);
    } finally {
      await host.close();
    }
  });
}
