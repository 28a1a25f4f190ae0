import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCT, status } from '../../../src/spec/index.js';
import { OCSSD12_STATUS_NAMES, Ocssd12Status } from '../../../src/spec/ocssd/index.js';

test('1.2 statuses are Linux NVM_RSP_* in the 15-bit raw form', () => {
  assert.deepEqual(Ocssd12Status, {
    SUCCESS: 0,
    NOT_CHANGEABLE: 0x0001,
    FAIL_WRITE: 0x40ff,
    EMPTY_PAGE: 0x42ff,
    FAIL_ECC: 0x4281,
    FAIL_CRC: 0x4004,
    WARN_HIGH_ECC: 0x4700,
  });
});

test('each value is the DNR/SCT/SC its comment names', () => {
  assert.equal(Ocssd12Status.NOT_CHANGEABLE, status(SCT.GENERIC, 0x01));
  assert.equal(Ocssd12Status.FAIL_WRITE, status(SCT.GENERIC, 0xff, { dnr: true }));
  assert.equal(Ocssd12Status.EMPTY_PAGE, status(SCT.MEDIA, 0xff, { dnr: true }));
  assert.equal(Ocssd12Status.FAIL_ECC, status(SCT.MEDIA, 0x81, { dnr: true }));
  assert.equal(Ocssd12Status.FAIL_CRC, status(SCT.GENERIC, 0x04, { dnr: true }));
  assert.equal(Ocssd12Status.WARN_HIGH_ECC, status(SCT.VENDOR, 0x00, { dnr: true }));
});

test('every status has a distinct name', () => {
  const names = Object.values(Ocssd12Status).map((v) => OCSSD12_STATUS_NAMES[v]);
  assert.ok(names.every((n) => typeof n === 'string' && n.length > 0));
  assert.equal(new Set(names).size, names.length);
  assert.equal(Object.keys(OCSSD12_STATUS_NAMES).length, names.length);
});
