// The in-process transport alone, in both modes, driven by hand (no host library): registers,
// the admin queue in shared memory, doorbells, interrupts, close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AQA, CAP, CC, CSTS, REGISTERS, getBits, getBits64, packBits, sqTailDoorbell, cqHeadDoorbell, IDENTIFY_CONTROLLER, decode } from '../../../src/spec/index.js';
import { type PciTransport, TransportClosedError } from '../../../src/transport/index.js';
import { MODES } from './modes.js';

const R = REGISTERS.offset;

/** Enables the controller by hand with a 4-entry admin queue pair; returns the rings. */
async function enableByHand(t: PciTransport) {
  const sq = t.memory.allocate(4 * 64);
  const cq = t.memory.allocate(4 * 16);
  await t.writeRegister32(R.aqa, packBits(AQA, { asqs: 3, acqs: 3 }));
  await t.writeRegister64(R.asq, BigInt(sq.addr));
  await t.writeRegister64(R.acq, BigInt(cq.addr));
  await t.writeRegister32(R.cc, packBits(CC, { en: 1, iosqes: 6, iocqes: 4 }));
  return { sq, cq };
}

for (const [mode, open] of Object.entries(MODES)) {
  test(`${mode}: registers read device state; CC.EN makes CSTS.RDY; the admin queue lives in shared memory`, { timeout: 20_000 }, async () => {
    const t = await open();
    try {
      const cap = await t.readRegister64(R.cap);
      assert.equal(getBits64(cap, CAP.mqes), 0x7ff);
      assert.equal(await t.readRegister32(R.vs), 0x00010400);
      assert.equal(await t.readRegister32(R.cap + 4), Number(cap >> 32n), 'the high dword of CAP read on its own');
      assert.equal(getBits(await t.readRegister32(R.csts), CSTS.rdy), 0);
      const { sq, cq } = await enableByHand(t);
      assert.equal(getBits(await t.readRegister32(R.csts), CSTS.rdy), 1);
      assert.equal(await t.readRegister64(R.asq), BigInt(sq.addr), 'a 64-bit register above 4 GiB round-trips');

      // Identify Controller, by hand: the SQE in the ring, data into a DMA buffer.
      const data = t.memory.allocate(4096);
      const dv = new DataView(sq.bytes.buffer, sq.bytes.byteOffset, 64);
      dv.setUint8(0, 0x06);
      dv.setUint16(2, 0x1234, true);
      dv.setBigUint64(24, BigInt(data.addr), true);
      dv.setUint32(40, 1, true);
      let fired = 0;
      t.onInterrupt(0, () => fired++);
      const irq = t.waitInterrupt(0);
      let sync = true;
      t.onInterrupt(0, () => assert.equal(sync, false, 'interrupts never arrive inside ringDoorbell'));
      t.ringDoorbell(sqTailDoorbell(0), 1);
      sync = false;
      await irq;
      const cqe = new DataView(cq.bytes.buffer, cq.bytes.byteOffset, 16);
      assert.equal(cqe.getUint16(12, true), 0x1234, 'CID');
      assert.equal(cqe.getUint16(14, true), 1, 'success with phase 1');
      assert.equal(cqe.getUint16(8, true), 1, 'SQ head moved past the entry');
      const id = decode(IDENTIFY_CONTROLLER, data.bytes);
      assert.equal(id.sn, 'OCSSD0001');
      assert.equal(id.sqes, 0x66);
      t.ringDoorbell(cqHeadDoorbell(0), 1);
      assert.equal(fired, 1);

      // A second command with a bad opcode completes with its status, still through the ring.
      const dv2 = new DataView(sq.bytes.buffer, sq.bytes.byteOffset + 64, 64);
      dv2.setUint8(0, 0xbf);
      dv2.setUint16(2, 7, true);
      const irq2 = t.waitInterrupt(0);
      t.ringDoorbell(sqTailDoorbell(0), 2);
      await irq2;
      const cqe2 = new DataView(cq.bytes.buffer, cq.bytes.byteOffset + 16, 16);
      assert.equal(cqe2.getUint16(12, true), 7);
      assert.equal(cqe2.getUint16(14, true) >> 1, 0x4001, 'Invalid Command Opcode, DNR');

      // EN 1 -> 0 is a reset: RDY drops.
      await t.writeRegister32(R.cc, 0);
      assert.equal(getBits(await t.readRegister32(R.csts), CSTS.rdy), 0);
    } finally {
      await t.close();
    }
    assert.equal(t.closed, true);
    await assert.rejects(t.readRegister32(R.csts), TransportClosedError);
    assert.throws(() => t.ringDoorbell(sqTailDoorbell(0), 0), TransportClosedError);
    await assert.rejects(t.waitInterrupt(0), TransportClosedError);
  });

  test(`${mode}: close() is idempotent and tells onClose listeners once, without an error`, { timeout: 20_000 }, async () => {
    const t = await open();
    const seen: (Error | undefined)[] = [];
    t.onClose((e) => seen.push(e));
    await Promise.all([t.close(), t.close()]);
    await t.close();
    assert.deepEqual(seen, [undefined]);
    assert.equal(t.failure, undefined);
  });

  test(`${mode}: a device that cannot close cleanly makes close() reject with its reason`, { timeout: 20_000 }, async () => {
    const t = await open({ failClose: true });
    await assert.rejects(t.close(), /could not flush/);
  });
}
