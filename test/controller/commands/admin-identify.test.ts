import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDENTIFY_CONTROLLER, IDENTIFY_NAMESPACE, POWER_STATE_DESCRIPTOR, decode } from '../../../src/spec/index.js';
import { CommandTable } from '../../../src/controller/command.js';
import { Direction } from '../../../src/controller/data-mover.js';
import { S } from '../../../src/controller/statuses.js';
import { createAdminCommands } from '../../../src/controller/commands/admin.js';
import { IDENTIFY_NAMESPACE_INDEPENDENT } from '../../../src/controller/commands/admin-identify.js';
import { BufferMover, ZNS_IO, fakeNamespace, makeController, u32, type TestController } from './admin-helpers.js';

const IDENTIFY = 0x06;
const ALL = 0xffffffff;

function identify(t: TestController, cns: number, nsid = 0, cdw11 = 0, mover = new BufferMover()) {
  const r = t.run({ opc: IDENTIFY, nsid, cdw10: cns, cdw11 }, mover);
  return { status: r.status, data: mover.out, mover };
}

test('CNS 1: Identify Controller carries the configuration, the fixed identity and what the tables advertise', () => {
  const t = makeController({ namespaces: [fakeNamespace(1), fakeNamespace(5)], config: { serial: 'SN-42', model: 'ocssd test', firmware: '2.1', mdts: 7, cntlid: 9 } });
  const { status, data, mover } = identify(t, 1);
  assert.equal(status, 0);
  assert.deepEqual(mover.prepared, { length: 4096, dir: Direction.TO_HOST });
  const id = decode(IDENTIFY_CONTROLLER, data);
  assert.equal(id.vid, 0x1d1d);
  assert.equal(id.ssvid, 0x1d1d);
  assert.equal(id.sn, 'SN-42');
  assert.equal(id.mn, 'ocssd test');
  assert.equal(id.fr, '2.1');
  assert.equal(data[4 + 5], 0x20, 'SN is space padded');
  assert.equal(id.rab, 6);
  assert.deepEqual([...(id.ieee as Uint8Array)], [0xb3, 0x02, 0x00], 'OUI 00-02-B3, least significant byte first');
  assert.equal(id.mdts, 7);
  assert.equal(id.cntlid, 9);
  assert.equal(id.ver, 0x00010400);
  assert.equal(id.oaes, 0x100, 'namespace attribute notices');
  assert.equal(id.cntrltype, 1);
  assert.equal(id.oacs, 0x2, 'Format NVM');
  assert.equal(id.acl, 3);
  assert.equal(id.aerl, 3);
  assert.equal(id.frmw, 0x0f);
  assert.equal(id.lpa, 0x06, 'effects log and extended data');
  assert.equal(id.elpe, 3);
  assert.equal(id.npss, 0);
  assert.equal(id.wctemp, 0x14d);
  assert.equal(id.cctemp, 0x175);
  assert.equal(id.kas, 10);
  assert.equal(id.sqes, 0x66);
  assert.equal(id.cqes, 0x44);
  assert.equal(id.maxcmd, 0x800);
  assert.equal(id.nn, 5);
  assert.equal(id.oncs, 0x0c | 0x10 | 0x40, 'DSM + Write Zeroes from the namespace table, save/select, timestamp');
  assert.equal(id.fuses, 0);
  assert.equal(id.fna, 0);
  assert.equal(id.vwc, 0x06, 'no cache; Flush takes NSID 0xFFFFFFFF');
  assert.equal(id.sgls, 0x10001, 'SGLs without alignment, bit bucket');
  assert.equal(Buffer.from(id.subnqn as Uint8Array).toString('utf8').replace(/\0+$/, ''), 'nqn.2026-11.io.ocssd:ctrl-1');
  assert.equal(data[768 + 'nqn.2026-11.io.ocssd:ctrl-1'.length], 0, 'SUBNQN is NUL terminated');
  const psd0 = decode(POWER_STATE_DESCRIPTOR, data, IDENTIFY_CONTROLLER.offset.psd0);
  assert.deepEqual([psd0.mp, psd0.enlat, psd0.exlat], [0x9c4, 0x10, 0x4]);
  assert.ok(data.subarray(IDENTIFY_CONTROLLER.offset.psd1).every((b) => b === 0), 'one power state');
});

test('CNS 1: VWC, SGLS and ONCS follow the configuration and every attached table', () => {
  const flushOne = new CommandTable('io', [{ name: 'one', queue: 'io', commands: [{ opcode: 0, name: 'Flush', nsid: 'active', effects: 0, handler: () => 0 }] }]);
  const t = makeController({ config: { vwc: true, sgl: false }, io: flushOne });
  let id = decode(IDENTIFY_CONTROLLER, identify(t, 1).data);
  assert.equal(id.vwc, 0x05, 'cache present; Flush does not take NSID 0xFFFFFFFF');
  assert.equal(id.sgls, 0);
  assert.equal(id.oncs, 0x0c | 0x50);
  t.ctrl.attachNamespace(fakeNamespace(2, { csi: 2 }));
  id = decode(IDENTIFY_CONTROLLER, identify(t, 1).data);
  assert.equal(id.oncs, 0x0d | 0x50, 'Compare of the zoned namespace joins in');
});

test('CNS 0: active, inactive and invalid NSIDs', () => {
  const t = makeController({ namespaces: [fakeNamespace(1, { nsze: 777 }), fakeNamespace(5)] });
  const active = identify(t, 0, 1);
  assert.equal(active.status, 0);
  assert.equal(decode(IDENTIFY_NAMESPACE, active.data).nsze, 777n);
  const inactive = identify(t, 0, 3);
  assert.equal(inactive.status, 0);
  assert.equal(inactive.data.length, 4096);
  assert.ok(inactive.data.every((b) => b === 0), 'an inactive NSID up to NN reads as zeros');
  for (const nsid of [0, 6, ALL]) assert.equal(identify(t, 0, nsid).status, 0x400b, `NSID ${nsid.toString(16)}`);
});

test('CNS 2: active NSIDs above CDW1.NSID, at most 1024', () => {
  const t = makeController({ namespaces: [fakeNamespace(1), fakeNamespace(5), fakeNamespace(9)] });
  const list = (after: number) => {
    const r = identify(t, 2, after);
    assert.equal(r.status, 0);
    const out: number[] = [];
    for (let i = 0; i < 1024 && u32(r.data, 4 * i) !== 0; i++) out.push(u32(r.data, 4 * i));
    assert.ok(r.data.subarray(4 * out.length).every((b) => b === 0));
    return out;
  };
  assert.deepEqual(list(0), [1, 5, 9]);
  assert.deepEqual(list(1), [5, 9]);
  assert.deepEqual(list(9), []);
  assert.equal(identify(t, 2, 0xfffffffe).status, S.INVALID_NAMESPACE);
  assert.equal(identify(t, 2, ALL).status, S.INVALID_NAMESPACE);
  const many = makeController({ namespaces: Array.from({ length: 1030 }, (_, i) => fakeNamespace(i + 1)) });
  const r = identify(many, 2, 0).data;
  assert.equal(u32(r, 0), 1);
  assert.equal(u32(r, 4 * 1023), 1024, 'the list is full at 1024 entries');
});

test('CNS 3: descriptors for EUI64, NGUID and CSI; zero identifiers are left out', () => {
  const nguid = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const eui64 = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const t = makeController({ namespaces: [fakeNamespace(1, { nguid, eui64 }), fakeNamespace(2, { csi: 2, nguid: new Uint8Array(16), eui64 }), fakeNamespace(4)] });
  const one = identify(t, 3, 1).data;
  assert.deepEqual([...one.subarray(0, 12)], [1, 8, 0, 0, ...eui64]);
  assert.deepEqual([...one.subarray(12, 32)], [2, 16, 0, 0, ...nguid]);
  assert.deepEqual([...one.subarray(32, 37)], [4, 1, 0, 0, 0]);
  assert.ok(one.subarray(37).every((b) => b === 0), 'a zero NIDT ends the list');
  const two = identify(t, 3, 2).data;
  assert.deepEqual([...two.subarray(12, 17)], [4, 1, 0, 0, 2], 'no NGUID; CSI 2');
  assert.equal(identify(t, 3, 3).status, S.INVALID_FIELD, 'an inactive namespace has nothing to describe');
  assert.equal(identify(t, 3, 0).status, S.INVALID_NAMESPACE);
  assert.equal(identify(t, 3, 5).status, S.INVALID_NAMESPACE, 'above NN');
});

test('CNS 5: CSI-specific namespace structures', () => {
  const zoned = fakeNamespace(2, {
    csi: 2,
    identifyCsi: (csi, buf) => {
      if (csi !== 2) return false;
      buf[0] = 0x5a;
      return true;
    },
  });
  const t = makeController({ namespaces: [fakeNamespace(1), zoned, fakeNamespace(5)] });
  const nvm = identify(t, 5, 1, 0 << 24);
  assert.equal(nvm.status, 0);
  assert.ok(nvm.data.every((b) => b === 0), 'NVM-specific structure of zeros');
  assert.equal(identify(t, 5, 2, 2 << 24).data[0], 0x5a);
  assert.equal(identify(t, 5, 2, 0).status, 0, 'a zoned namespace has an NVM view too');
  assert.equal(identify(t, 5, 1, 2 << 24).status, S.INVALID_FIELD, 'not a zoned namespace');
  assert.equal(identify(t, 5, 1, 1 << 24).status, S.INVALID_FIELD, 'unknown CSI');
  assert.equal(identify(t, 5, 4, 2 << 24).status, 0, 'inactive: zeros');
  assert.equal(identify(t, 5, ALL).status, S.INVALID_NAMESPACE);
});

test('CNS 6: CSI-specific controller structures, NVM zeros, others by extension', () => {
  const t = makeController();
  const nvm = identify(t, 6, 0, 0);
  assert.equal(nvm.status, 0);
  assert.ok(nvm.data.every((b) => b === 0));
  assert.equal(identify(t, 6, 0, 2 << 24).status, S.INVALID_FIELD);
  const z = makeController({ admin: [createAdminCommands({ controllerCsi: new Map([[2, (_c, buf: Uint8Array) => void (buf[0] = 7)]]) })] });
  assert.equal(identify(z, 6, 0, 2 << 24).data[0], 7, 'ZASL from the zoned personality');
});

test('CNS 7: active NSIDs of one command set', () => {
  const t = makeController({ namespaces: [fakeNamespace(1), fakeNamespace(2, { csi: 2 }), fakeNamespace(3)] });
  assert.deepEqual([u32(identify(t, 7, 0, 0).data, 0), u32(identify(t, 7, 0, 0).data, 4), u32(identify(t, 7, 0, 0).data, 8)], [1, 3, 0]);
  assert.deepEqual([u32(identify(t, 7, 0, 2 << 24).data, 0), u32(identify(t, 7, 0, 2 << 24).data, 4)], [2, 0]);
  assert.equal(identify(t, 7, 0, 1 << 24).status, S.INVALID_FIELD, 'Key Value is not supported');
  assert.equal(identify(t, 7, 0xfffffffe, 0).status, S.INVALID_NAMESPACE);
});

test('CNS 8: command-set-independent namespace fields come from the namespace', () => {
  const t = makeController({ namespaces: [fakeNamespace(1, { fields: { nsfeat: 0x04, nmic: 1, anagrpid: 3, nvmsetid: 2, endgid: 4 } })] });
  const r = identify(t, 8, 1);
  assert.equal(r.status, 0);
  const d = decode(IDENTIFY_NAMESPACE_INDEPENDENT, r.data);
  assert.deepEqual([d.nsfeat, d.nmic, d.anagrpid, d.nvmsetid, d.endgid, d.nstat], [0x04, 1, 3, 2, 4, 1]);
  assert.ok(r.data.subarray(15).every((b) => b === 0), 'nothing of the NVM structure leaks through');
  assert.ok(identify(t, 8, 2).data.every((b) => b === 0), 'inactive');
  assert.equal(identify(t, 8, 0).status, S.INVALID_NAMESPACE);
});

test('CNS 0x1C: the I/O command set vector', () => {
  const t = makeController();
  const r = identify(t, 0x1c);
  assert.equal(r.status, 0);
  assert.equal(u32(r.data, 0), 1, 'NVM');
  assert.ok(r.data.subarray(4).every((b) => b === 0));
  t.ctrl.attachNamespace(fakeNamespace(2, { csi: 2, io: ZNS_IO }));
  assert.equal(u32(identify(t, 0x1c).data, 0), 0b101, 'NVM and ZNS');
});

test('other CNS values, transfer limits and transfer faults', () => {
  const t = makeController();
  for (const cns of [0x04, 0x09, 0x10, 0x13, 0x1d, 0xff]) assert.equal(identify(t, cns).status, 0x4002, `CNS ${cns}`);
  assert.equal(identify(t, 1, 0, 0, new BufferMover({ maxTransfer: 2048 })).status, S.INVALID_FIELD, 'over MDTS');
  const faulty = new BufferMover();
  faulty.failCopies = S.DATA_TRANSFER_ERROR;
  assert.equal(identify(t, 1, 0, 0, faulty).status, S.DATA_TRANSFER_ERROR);
  assert.equal(t.ctrl.errors.entries()[0]!.status, S.DATA_TRANSFER_ERROR, 'recorded in the error log');
});
