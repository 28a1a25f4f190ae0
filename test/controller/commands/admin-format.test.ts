import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../../src/controller/statuses.js';
import { fakeNamespace, makeController, type TestController } from './admin-helpers.js';

const FORMAT = 0x80;
const ALL = 0xffffffff;
const INVALID_FORMAT = 0x410a;

const format = (t: TestController, nsid: number, f: { lbafl?: number; lbafu?: number; ses?: number; pi?: number; mset?: number; pil?: number } = {}) =>
  t.run({ opc: FORMAT, nsid, cdw10: (f.lbafl ?? 0) | ((f.mset ?? 0) << 4) | ((f.pi ?? 0) << 5) | ((f.pil ?? 0) << 8) | ((f.ses ?? 0) << 9) | ((f.lbafu ?? 0) << 12) }).status;

/** Namespace Attribute Notices on, one AER parked. */
function listening(t: TestController): void {
  assert.equal(t.run({ opc: 0x09, cdw10: 0x0b, cdw11: 1 << 8 }).status, 0);
  assert.equal(t.run({ opc: 0x0c, cid: 9 }).status, -1);
}

test('one namespace: LBA format and secure erase reach it; the change is listed and announced', () => {
  const a = fakeNamespace(1);
  const b = fakeNamespace(2);
  const t = makeController({ namespaces: [a, b] });
  t.ctrl.changedNamespaces.clear();
  listening(t);
  assert.equal(format(t, 2, { lbafl: 1, ses: 1 }), 0);
  assert.deepEqual([a.formats, b.formats], [[], [[1, 1]]]);
  assert.deepEqual([...t.ctrl.changedNamespaces], [2]);
  assert.deepEqual(t.completions, [{ sqid: 0, cid: 9, status: 0, dw0: 0x040002, dw1: 0 }], 'notice, attribute changed, log 0x04');
});

test('NSID 0xFFFFFFFF formats every namespace', () => {
  const nss = [fakeNamespace(1), fakeNamespace(3)];
  const t = makeController({ namespaces: nss });
  t.ctrl.changedNamespaces.clear();
  assert.equal(t.run({ opc: 0x0c, cid: 9 }).status, -1, 'an AER waits, but notices stay off');
  assert.equal(format(t, ALL, { lbafl: 1 }), 0);
  assert.deepEqual(nss.map((n) => n.formats), [[[1, 0]], [[1, 0]]]);
  assert.deepEqual([...t.ctrl.changedNamespaces].sort(), [1, 3]);
  assert.equal(t.completions.length, 0, 'notices are off: listed, not announced');
});

test('NSID checks come from the dispatcher (active or all)', () => {
  const t = makeController({ namespaces: [fakeNamespace(1), fakeNamespace(4)] });
  for (const nsid of [0, 2, 5]) assert.equal(format(t, nsid), S.INVALID_NAMESPACE, `NSID ${nsid}`);
});

test('protection information, secure erase settings and LBAF', () => {
  const ns = fakeNamespace(1);
  const t = makeController({ namespaces: [ns] });
  t.ctrl.changedNamespaces.clear();
  for (const pi of [1, 2, 3, 7]) assert.equal(format(t, 1, { pi }), INVALID_FORMAT, `PI ${pi}`);
  assert.equal(format(t, 1, { ses: 2 }), S.INVALID_FIELD, 'no cryptographic erase');
  assert.equal(format(t, 1, { ses: 3 }), S.INVALID_FIELD, 'reserved');
  assert.equal(format(t, 1, { ses: 7 }), S.INVALID_FIELD, 'reserved');
  assert.equal(format(t, 1, { lbafl: 2, lbafu: 1 }), INVALID_FORMAT, 'LBAF 18: the namespace refuses it');
  assert.deepEqual(ns.formats, []);
  assert.equal(t.ctrl.changedNamespaces.size, 0, 'nothing changed');
  assert.equal(format(t, 1, { lbafl: 1, mset: 1, pil: 1 }), 0, 'MSET and PIL mean nothing without PI and metadata');
  assert.deepEqual(ns.formats, [[1, 0]]);
});

test('a namespace without format() is Invalid Format, and then nothing is formatted', () => {
  const ok = fakeNamespace(1);
  const t = makeController({ namespaces: [ok, fakeNamespace(2, { formattable: false })] });
  t.ctrl.changedNamespaces.clear();
  assert.equal(format(t, 2), INVALID_FORMAT);
  assert.equal(format(t, ALL), INVALID_FORMAT);
  assert.deepEqual(ok.formats, []);
  assert.equal(t.ctrl.changedNamespaces.size, 0);
  assert.equal(format(t, 1), 0);
});
