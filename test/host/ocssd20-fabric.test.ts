// The OCSSD 2.0 inline layout end to end, over an initiator that behaves like a fabric: it hands
// the controller the command's data as buffers (as NVMe/TCP in-capsule / H2C / C2H data would)
// and offers no host memory, so neither LBAL lists nor MPTR can be used (specs.md 2.8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Direction, NVM_IO, SqeView, type DataMover } from '../../src/controller/index.js';
import { NvmeHost, Ocssd20Host, type CommandBuffers, type CommandResult, type NvmeInitiator, type SqeFields } from '../../src/host/index.js';
import { ocssd20AdminCommands } from '../../src/controller/index.js';
import { openOcssd20Namespace, parseOcssd20Device } from '../../src/server/index.js';
import { DNR, Ocssd20Status } from '../../src/spec/index.js';
import { oobFor, sectors } from './ocssd20-helpers.js';

/** Data in one buffer each way, exactly as long as the host said; no metadata pointer, no host memory. */
class CapsuleMover implements DataMover {
  out: Uint8Array = new Uint8Array(0);
  in: Uint8Array = new Uint8Array(0);
  constructor(private readonly b: CommandBuffers) {}
  prepare(_sqe: SqeView, length: number, dir: Direction): number {
    if (dir === Direction.FROM_HOST) return length === (this.b.dataOut?.length ?? 0) ? 0 : 0x400f;
    if (dir === Direction.TO_HOST) {
      if (length !== (this.b.dataInLength ?? 0)) return 0x400f;
      this.in = new Uint8Array(length);
    }
    return 0;
  }
  toHost(src: Uint8Array, srcOff: number, at: number, len: number): number {
    this.in.set(src.subarray(srcOff, srcOff + len), at);
    return 0;
  }
  fromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number {
    dst.set(this.b.dataOut!.subarray(at, at + len), dstOff);
    return 0;
  }
  prepareMeta(_sqe: SqeView, length: number): number {
    return length === 0 ? 0 : 0x4002;
  }
  metaToHost(): number {
    return 0x4002;
  }
  metaFromHost(): number {
    return 0x4002;
  }
}

class FabricInitiator implements NvmeInitiator {
  readonly minPageSize = 4096;
  readonly maxQueueEntries = 128;
  ioQueues: number[] = [];
  commands = 0;
  constructor(private readonly ctrl: Controller) {}
  async enable(): Promise<void> {}
  async execute(qid: number, cmd: SqeFields, b: CommandBuffers = {}): Promise<CommandResult> {
    if (b.lists !== undefined || b.metaOut !== undefined || b.metaInLength !== undefined) throw new Error('a fabric cannot carry host-memory lists or MPTR metadata');
    this.commands++;
    const bytes = new Uint8Array(64);
    const dv = new DataView(bytes.buffer);
    bytes[0] = cmd.opc;
    bytes[1] = 0x40; // SGL, as fabrics hosts set
    dv.setUint32(4, cmd.nsid ?? 0, true);
    [cmd.cdw10, cmd.cdw11, cmd.cdw12, cmd.cdw13, cmd.cdw14, cmd.cdw15].forEach((v, i) => dv.setUint32(40 + 4 * i, (v ?? 0) >>> 0, true));
    const mover = new CapsuleMover(b);
    const status = this.ctrl.execute(qid, new SqeView().attach(bytes), mover);
    const r = this.ctrl.lastResult;
    if (b.dataIn !== undefined) b.dataIn.set(mover.in.subarray(0, b.dataIn.length));
    return { status, dw0: r.dw0, dw1: r.dw1, sqhd: 0, ...(b.dataInLength !== undefined ? { data: b.dataIn ?? mover.in } : {}) };
  }
  async createIoQueues(count: number): Promise<number[]> {
    this.ioQueues = Array.from({ length: count }, (_, i) => i + 1);
    return this.ioQueues;
  }
  async deleteIoQueues(): Promise<void> {}
  async reset(): Promise<void> {}
  async shutdown(): Promise<void> {}
  async close(): Promise<void> {
    this.ctrl.close();
  }
}

async function fabricDevice(line: string): Promise<{ oc: Ocssd20Host; host: NvmeHost }> {
  const config = parseOcssd20Device(line);
  const ctrl = new Controller({ admin: ocssd20AdminCommands(), io: NVM_IO, config: { serial: config.serial } });
  ctrl.attachNamespace(openOcssd20Namespace(config, ctrl.clock));
  const host = new NvmeHost(new FabricInitiator(ctrl));
  await host.enable();
  await host.createIoQueues(1, 32);
  return { host, oc: await Ocssd20Host.open(host, 1) };
}

test('over a fabric-like initiator the host library uses the inline layout for every multi-LBA command and OOB', async (t) => {
  const { host, oc } = await fabricDevice('nvme,lver=2,num_grp=1,num_pu=2,num_chk=4,clba=16,ws_min=4,ws_opt=8,mw_cunits=0,ms=16,mccap=7');
  t.after(() => host.close());
  assert.equal(oc.fabric, true);
  const a = oc.pack({ grp: 0, pu: 1, chk: 2, sec: 0 });
  const lbas = Array.from({ length: 12 }, (_, i) => a + i);
  const data = sectors(lbas, 4096, 2);
  const oob = oobFor(lbas, 16, 2);
  assert.deepEqual(await oc.vectorWrite(lbas, data, oob).then((r) => [r.status, r.bitmap]), [0, 0n]);
  const r = await oc.vectorRead([a + 11, a, a + 5]);
  assert.equal(r.status, 0);
  assert.deepEqual(r.data, Uint8Array.from([...data.subarray(11 * 4096), ...data.subarray(0, 4096), ...data.subarray(5 * 4096, 6 * 4096)]));
  assert.deepEqual(r.oob, Uint8Array.from([...oob.subarray(176), ...oob.subarray(0, 16), ...oob.subarray(80, 96)]));
  const bad = await oc.vectorWrite([a, a + 1, a + 2, a + 3], data.subarray(0, 4 * 4096), oob.subarray(0, 64));
  assert.deepEqual([bad.status, bad.bitmap], [Ocssd20Status.OUT_OF_ORDER_WRITE | DNR, 0b1111n], 'the same rules and bitmap as over PCIe');
  const d = oc.pack({ grp: 0, pu: 0, chk: 0, sec: 0 });
  assert.equal((await oc.vectorCopy(lbas.slice(0, 4), [d, d + 1, d + 2, d + 3])).status, 0);
  const back = await oc.vectorRead([d + 3]);
  assert.deepEqual([back.data, back.oob], [data.subarray(3 * 4096, 4 * 4096), oob.subarray(48, 64)], 'NLB = 0 read: LBA in CDW10-11, OOB after the data');
  const reset = await oc.vectorReset([a, d], { descriptors: true });
  assert.equal(reset.status, 0);
  assert.deepEqual(reset.descriptors!.map((x) => x.state), ['FREE', 'FREE'], 'descriptors come from the chunk log over a fabric');
  assert.deepEqual((await oc.chunkInfo()).filter((c) => c.state !== 'FREE').length, 0);
});

test('over a fabric without the inline layout a multi-LBA command is Invalid Field; an NLB = 0 command is the spec\'s', async (t) => {
  const { host, oc } = await fabricDevice('nvme,lver=2,num_grp=1,num_pu=1,num_chk=2,clba=8,ws_min=1,ws_opt=1,mw_cunits=0,ms=0');
  t.after(() => host.close());
  const one = await host.passthrough('io', { opc: 0x91, nsid: 1, cdw10: 0, cdw12: 0 }, { dataOut: new Uint8Array(4096).fill(7) });
  assert.equal(one.status, 0, 'NLB = 0, no OOB: no extension needed');
  const two = await host.passthrough('io', { opc: 0x92, nsid: 1, cdw10: 0x1000, cdw12: 1 }, { dataInLength: 8192 });
  assert.deepEqual([two.status, two.dw0], [0x4002, 0b11]);
  const r = await oc.vectorRead([0]);
  assert.deepEqual([r.status, r.data], [0, new Uint8Array(4096).fill(7)]);
});
