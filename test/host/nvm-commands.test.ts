// Every NVM command and its error paths as a host sees them: through the host library and the
// in-process transport, on the conventional NVMe device `ocssd probe` builds (server/), with the
// statuses checked by SCT/SC.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FeatureId, GenericStatus as G, LogPage, MediaStatus as M, NvmOpcode, SCT, CommandSpecificStatus as CS, SMART_LOG, scOf, sctOf } from '../../src/spec/index.js';
import { NvmeHost, NvmeStatusError, nvmeCommands as C } from '../../src/host/index.js';
import { InProcessTransport } from '../../src/transport/index.js';
import { NVME_DEVICE_MODULE, createNvmeDevice, parseNvmeDevice } from '../../src/server/nvme-device.js';
import { tempDir } from '../media/helpers.js';

async function attach(t: TestContext, line: string, worker = false): Promise<NvmeHost> {
  const config = parseNvmeDevice(line);
  const transport = worker
    ? await InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice', args: config })
    : await InProcessTransport.local(createNvmeDevice, config);
  const host = await NvmeHost.attach(transport);
  t.after(() => host.close());
  await host.createIoQueues(2, 64);
  return host;
}

/** Blocks whose bytes name their LBA and a generation. */
function pattern(slba: number, nlb: number, lba: number, gen = 1): Uint8Array {
  const b = new Uint8Array(nlb * lba);
  for (let i = 0; i < b.length; i++) b[i] = ((slba * lba + i) * 31 + gen * 17 + (i >> 9)) & 0xff;
  return b;
}

async function rejectsWith(p: Promise<unknown>, sct: number, sc: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof NvmeStatusError, String(e));
    assert.deepEqual([e.sct, e.sc], [sct, sc], e.message);
    return true;
  });
}

const statusOf = (st: number): [number, number] => [sctOf(st), scOf(st)];

test('read and write round trip at 512 B and 4 KiB formats, across MDTS splits, on two namespaces', async (t) => {
  for (const lbaIndex of [0, 3]) {
    const host = await attach(t, `nvme,size=64M,namespaces=2,lba_index=${lbaIndex},mdts=2`);
    const lba = lbaIndex === 0 ? 512 : 4096;
    const nsze = (await host.identifyNamespace(1)).nsze;
    for (const [slba, nlb] of [[0, 1], [7, 3], [100, 40], [nsze - 5, 5]] as const) {
      const data = pattern(slba, nlb, lba);
      await host.write(1, slba, data);
      assert.deepEqual(await host.read(1, slba, nlb), data, `LBA ${slba} x ${nlb}`);
    }
    assert.deepEqual(await host.read(2, 7, 3), new Uint8Array(3 * lba), 'namespace 2 is untouched');
  }
});

test('metadata travels through MPTR (separate) and inline (extended), and survives with the data', async (t) => {
  const sep = await attach(t, 'nvme,size=16M,nlbaf=4,lba_index=2,meta=8');
  const data = pattern(3, 4, 512);
  const meta = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
  const w = await sep.passthrough('io', C.readWrite(NvmOpcode.WRITE, 1, 3, 4), { dataOut: data, metaOut: meta });
  assert.equal(w.status, 0);
  const r = await sep.passthrough('io', C.readWrite(NvmOpcode.READ, 1, 3, 4), { dataInLength: data.length, metaInLength: meta.length });
  assert.equal(r.status, 0);
  assert.deepEqual(r.data, data);
  assert.deepEqual(r.meta, meta);
  assert.equal(await sep.compare(1, 3, data, { meta }), true);
  const otherMeta = meta.slice();
  otherMeta[31] ^= 1;
  assert.equal(await sep.compare(1, 3, data, { meta: otherMeta }), false, 'a metadata difference is a Compare Failure');

  const ext = await attach(t, 'nvme,size=16M,nlbaf=4,lba_index=2,meta=8,extended=1');
  const id = await ext.identifyNamespace(1);
  assert.equal(id.extendedMetadata, true);
  const blocks = new Uint8Array(2 * 520).map((_, i) => (i * 13) & 0xff);
  assert.equal((await ext.passthrough('io', C.readWrite(NvmOpcode.WRITE, 1, 9, 2), { dataOut: blocks })).status, 0);
  const back = await ext.passthrough('io', C.readWrite(NvmOpcode.READ, 1, 9, 2), { dataInLength: blocks.length });
  assert.deepEqual(back.data, blocks);
});

test('compare matches, and fails with Compare Failure on one differing byte', async (t) => {
  const host = await attach(t, 'nvme,size=16M,lba_index=0');
  const data = pattern(50, 8, 512);
  await host.write(1, 50, data);
  assert.equal(await host.compare(1, 50, data), true);
  const other = data.slice();
  other[4095] ^= 0x80;
  assert.equal(await host.compare(1, 50, other), false);
});

test('write zeroes with and without DEAC, dataset management deallocate, NUSE follows', async (t) => {
  const host = await attach(t, 'nvme,size=16M,lba_index=0');
  await host.write(1, 0, pattern(0, 64, 512));
  assert.equal((await host.identifyNamespace(1)).nuse, 64);
  await host.writeZeroes(1, 10, 5);
  assert.deepEqual(await host.read(1, 10, 5), new Uint8Array(5 * 512));
  assert.equal((await host.identifyNamespace(1)).nuse, 64, 'zeroed blocks stay mapped');
  await host.writeZeroes(1, 20, 4, { deac: true });
  assert.equal((await host.identifyNamespace(1)).nuse, 60, 'DEAC deallocates');
  await host.deallocate(1, [{ slba: 30, nlb: 2 }, { slba: 40, nlb: 8 }]);
  assert.equal((await host.identifyNamespace(1)).nuse, 50);
  assert.deepEqual(await host.read(1, 40, 8), new Uint8Array(8 * 512), 'deallocated blocks read as zeroes');
  assert.deepEqual(await host.read(1, 48, 16), pattern(0, 64, 512).subarray(48 * 512), 'the rest is intact');
  const nsze = (await host.identifyNamespace(1)).nsze;
  await rejectsWith(host.deallocate(1, [{ slba: 0, nlb: 1 }, { slba: nsze - 1, nlb: 2 }]), SCT.GENERIC, G.LBA_OUT_OF_RANGE);
  assert.deepEqual(await host.read(1, 0, 1), pattern(0, 1, 512), 'a failing range list deallocates nothing');
});

test('write uncorrectable: reads and verify fail until the blocks are written again; SMART counts it', async (t) => {
  const host = await attach(t, 'nvme,size=16M,lba_index=0');
  await host.write(1, 100, pattern(100, 4, 512));
  await host.verify(1, 100, 4);
  await host.writeUncorrectable(1, 101, 2);
  await rejectsWith(host.read(1, 100, 4), SCT.MEDIA, M.UNRECOVERED_READ_ERROR);
  await rejectsWith(host.verify(1, 102, 1), SCT.MEDIA, M.UNRECOVERED_READ_ERROR);
  assert.deepEqual(await host.read(1, 100, 1), pattern(100, 1, 512), 'a neighbour still reads');
  await host.write(1, 101, pattern(101, 2, 512, 2));
  assert.deepEqual(await host.read(1, 101, 2), pattern(101, 2, 512, 2));
  const log = await host.getLogPage(LogPage.SMART, { length: 512 });
  const counter = (at: number) => new DataView(log.buffer, log.byteOffset).getUint32(at, true);
  assert.equal(counter(SMART_LOG.offset.mediaErrors), 2, 'two unrecovered reads');
  assert.equal(counter(SMART_LOG.offset.hostWriteCommands), 3, 'write, write uncorrectable, write');
  assert.equal(counter(SMART_LOG.offset.hostReadCommands), 3, 'successful ones only (as QEMU counts): verify, read, read');
});

test('DULBE: with Error Recovery bit 16 set, unwritten blocks fail reads; cleared, they read as zeroes', async (t) => {
  const host = await attach(t, 'nvme,size=16M,lba_index=0');
  assert.equal((await host.identifyNamespace(1)).nsfeat & 4, 4, 'NSFEAT says DULBE is supported');
  await host.setFeature(FeatureId.ERROR_RECOVERY, 1 << 16, { nsid: 1 });
  await rejectsWith(host.read(1, 5, 1), SCT.MEDIA, M.DEALLOCATED_OR_UNWRITTEN_BLOCK);
  await rejectsWith(host.verify(1, 5, 1), SCT.MEDIA, M.DEALLOCATED_OR_UNWRITTEN_BLOCK);
  await host.write(1, 5, pattern(5, 1, 512));
  assert.deepEqual(await host.read(1, 5, 1), pattern(5, 1, 512));
  await host.setFeature(FeatureId.ERROR_RECOVERY, 0, { nsid: 1 });
  assert.deepEqual(await host.read(1, 6, 1), new Uint8Array(512));
});

test('error paths: LBA range edge, invalid namespace, invalid opcode, refused fields, MDTS, bad pointers', async (t) => {
  const host = await attach(t, 'nvme,size=16M,lba_index=0,mdts=1,namespaces=2');
  const nsze = (await host.identifyNamespace(1)).nsze;
  await host.write(1, nsze - 1, pattern(0, 1, 512));
  await rejectsWith(host.write(1, nsze - 1, pattern(0, 2, 512)), SCT.GENERIC, G.LBA_OUT_OF_RANGE);
  await rejectsWith(host.read(1, nsze, 1), SCT.GENERIC, G.LBA_OUT_OF_RANGE);
  await rejectsWith(host.writeZeroes(1, nsze, 1), SCT.GENERIC, G.LBA_OUT_OF_RANGE);
  const io = (cmd: Parameters<NvmeHost['passthrough']>[1], b = {}) => host.passthrough('io', cmd, b).then((r) => statusOf(r.status));
  assert.deepEqual(await io(C.readWrite(NvmOpcode.READ, 3, 0, 1), { dataInLength: 512 }), [SCT.GENERIC, G.INVALID_NAMESPACE_OR_FORMAT]);
  assert.deepEqual(await io(C.readWrite(NvmOpcode.READ, 0, 0, 1), { dataInLength: 512 }), [SCT.GENERIC, G.INVALID_NAMESPACE_OR_FORMAT]);
  assert.deepEqual(await io({ opc: 0x7f, nsid: 1 }), [SCT.GENERIC, G.INVALID_OPCODE]);
  const prinfo = { ...C.readWrite(NvmOpcode.READ, 1, 0, 1), cdw12: 1 << 26 };
  assert.deepEqual(await io(prinfo, { dataInLength: 512 }), [SCT.GENERIC, G.INVALID_FIELD], 'PRINFO without protection information');
  // mdts=1: 8 KiB. The host library splits; a raw 16 KiB read is refused.
  assert.deepEqual(await io(C.readWrite(NvmOpcode.READ, 1, 0, 32), { dataInLength: 32 * 512 }), [SCT.GENERIC, G.INVALID_FIELD]);
  assert.equal((await host.read(1, 0, 64)).length, 64 * 512, 'the library splits at MDTS');
  assert.deepEqual(await host.read(1, nsze - 1, 1), pattern(0, 1, 512), 'the controller still serves after the errors');
});

test('flush with and without a write cache, to one namespace and to all; effects log and ONCS from the table', async (t) => {
  for (const vwc of [0, 1]) {
    const host = await attach(t, `nvme,size=16M,namespaces=2,vwc=${vwc}`);
    assert.equal(host.controller!.vwc & 1, vwc);
    await host.write(1, 0, pattern(0, 1, 4096), { fua: true });
    await host.flush(1);
    await host.flush(C.NSID_ALL);
    await rejectsWith(host.flush(9), SCT.GENERIC, G.INVALID_NAMESPACE_OR_FORMAT);
    // Compare 0, Write Uncorrectable 1, DSM 2, Write Zeroes 3, Verify 7 (Save/Select 4, Timestamp 6 are admin-side).
    for (const bit of [0, 1, 2, 3, 7]) assert.equal((host.controller!.oncs >> bit) & 1, 1, `ONCS bit ${bit}`);
    const effects = await host.getLogPage(LogPage.COMMANDS_SUPPORTED_AND_EFFECTS, { length: 4096 });
    const iocs = (opc: number) => new DataView(effects.buffer, effects.byteOffset).getUint32(1024 + 4 * opc, true);
    for (const opc of [NvmOpcode.FLUSH, NvmOpcode.WRITE, NvmOpcode.READ, NvmOpcode.WRITE_UNCORRECTABLE, NvmOpcode.COMPARE, NvmOpcode.WRITE_ZEROES, NvmOpcode.DATASET_MANAGEMENT, NvmOpcode.VERIFY]) {
      assert.equal(iocs(opc) & 1, 1, `opcode ${opc} supported`);
    }
    assert.equal(iocs(NvmOpcode.WRITE) & 2, 2, 'Write changes logical block content (LBCC)');
    assert.equal(iocs(NvmOpcode.READ) & 2, 0);
    assert.equal(iocs(0x7f), 0, 'an unknown opcode is not listed');
  }
});

test('worker mode, image file: data, deallocation, uncorrectable marks and a Format NVM survive a restart', async (t) => {
  const drive = join(tempDir(t), 'nvm.img');
  const line = `nvme,drive=${drive},size=16M,lba_index=0`;
  {
    const host = await NvmeHost.attach(await InProcessTransport.worker({ module: NVME_DEVICE_MODULE, exportName: 'createNvmeDevice', args: parseNvmeDevice(line) }));
    await host.createIoQueues(1, 16);
    await host.write(1, 0, pattern(0, 16, 512));
    await host.deallocate(1, [{ slba: 4, nlb: 2 }]);
    await host.writeUncorrectable(1, 8, 1);
    await host.close();
  }
  {
    const host = await attach(t, line, true);
    assert.deepEqual(await host.read(1, 0, 4), pattern(0, 4, 512));
    assert.equal((await host.identifyNamespace(1)).nuse, 14, 'an uncorrectable block is still allocated');
    await rejectsWith(host.read(1, 8, 1), SCT.MEDIA, M.UNRECOVERED_READ_ERROR);
    // Format NVM to LBA format 3 (4 KiB): every block deallocated, the new format remembered.
    const st = await host.passthrough('admin', { opc: 0x80, nsid: 1, cdw10: 3 });
    assert.equal(st.status, 0);
    assert.equal((await host.identifyNamespace(1)).lbaSize, 4096);
    const bad = await host.passthrough('admin', { opc: 0x80, nsid: 1, cdw10: 9 });
    assert.deepEqual(statusOf(bad.status), [SCT.COMMAND_SPECIFIC, CS.INVALID_FORMAT]);
  }
  const host = await attach(t, line, true);
  const id = await host.identifyNamespace(1);
  assert.deepEqual([id.formatIndex, id.lbaSize, id.nuse], [3, 4096, 0], 'the format survived the restart, all blocks deallocated');
});
