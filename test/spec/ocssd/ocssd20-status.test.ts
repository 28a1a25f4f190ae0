import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCT, dnrOf, scOf, sctOf, status, statusName } from '../../../src/spec/index.js';
import { DNR, OCSSD20_MEDIA_STATUS_NAMES, OCSSD20_STATUS_NAMES, Ocssd20Status } from '../../../src/spec/ocssd/index.js';

test('2.0 statuses are SCT 2 codes without DNR', () => {
  assert.deepEqual(Ocssd20Status, {
    OFFLINE_CHUNK: 0x02c0,
    INVALID_RESET: 0x02c1,
    WRITE_FAIL_WRITE_NEXT_UNIT: 0x02f0,
    WRITE_FAIL_CHUNK_EARLY_CLOSE: 0x02f1,
    OUT_OF_ORDER_WRITE: 0x02f2,
    HIGH_ECC: 0x02d0,
    WRITE_FAULT: 0x0280,
    UNRECOVERED_READ_ERROR: 0x0281,
    DEALLOCATED_OR_UNWRITTEN: 0x0287,
  });
  for (const [k, v] of Object.entries(Ocssd20Status)) {
    assert.equal(sctOf(v), SCT.MEDIA, k);
    assert.equal(dnrOf(v), false, k);
  }
});

test('DNR is bit 14: QEMU sends 0x42C0 for an offline chunk', () => {
  assert.equal(DNR, 0x4000);
  assert.equal(Ocssd20Status.OFFLINE_CHUNK | DNR, 0x42c0);
  assert.equal(Ocssd20Status.OUT_OF_ORDER_WRITE | DNR, status(SCT.MEDIA, 0xf2, { dnr: true }));
});

test('every status has a distinct name, and statusName finds the OCSSD ones', () => {
  const names = Object.values(Ocssd20Status).map((v) => OCSSD20_STATUS_NAMES[v]);
  assert.ok(names.every((n) => typeof n === 'string' && n.length > 0));
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(Object.keys(OCSSD20_MEDIA_STATUS_NAMES).map(Number).sort((a, b) => a - b), [0xc0, 0xc1, 0xd0, 0xf0, 0xf1, 0xf2]);
  for (const [sc, name] of Object.entries(OCSSD20_MEDIA_STATUS_NAMES)) assert.equal(OCSSD20_STATUS_NAMES[0x0200 | Number(sc)], name);
  assert.equal(statusName(0x42c0, { media: OCSSD20_MEDIA_STATUS_NAMES }), 'Offline Chunk (SCT 0x2 SC 0xC0, DNR)');
  assert.equal(scOf(Ocssd20Status.DEALLOCATED_OR_UNWRITTEN), 0x87);
});
