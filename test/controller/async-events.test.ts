import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncEvents, AsyncEventType, asyncEventDw0 } from '../../src/controller/async-events.js';

test('events complete parked requests; a type stays masked until its log is read', () => {
  const done: [number, number][] = [];
  const ev = new AsyncEvents(2, (cid, dw0) => done.push([cid, dw0]));
  const smart = { type: AsyncEventType.SMART, info: 1, logPage: 2 };
  ev.post(smart); // queued: nobody waits
  assert.equal(done.length, 0);
  assert.ok(ev.request(10));
  assert.deepEqual(done, [[10, asyncEventDw0(smart)]]);
  assert.equal(asyncEventDw0(smart), 0x020101);
  ev.request(11);
  ev.post(smart);
  assert.equal(done.length, 1, 'masked until log 2 is read');
  ev.logRead(2);
  assert.deepEqual(done[1], [11, asyncEventDw0(smart)]);
});

test('the request limit is enforced and reset forgets everything', () => {
  const ev = new AsyncEvents(1, () => {});
  assert.ok(ev.request(1));
  assert.ok(!ev.request(2));
  assert.equal(ev.outstanding, 1);
  ev.reset();
  assert.equal(ev.outstanding, 0);
});
