// The per-LBA state map against a plain array model: random set() runs over page boundaries,
// scan() and mapped agree with the model, the store holds the documented bitmap, and a reload
// from the store gives the same states (what survives a restart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStore } from '../../src/media/index.js';
import { BlockState, BlockStateMap, PAGE_LBAS, SeenState } from '../../src/controller/block-state-map.js';

const LBAS = 3 * PAGE_LBAS + 123;
const STATES = [BlockState.DEALLOCATED, BlockState.MAPPED, BlockState.UNCORRECTABLE] as const;

const op = fc.record({ slba: fc.integer({ min: 0, max: LBAS - 1 }), len: fc.integer({ min: 1, max: 2 * PAGE_LBAS }), s: fc.constantFrom(...STATES) });

test('set / get / scan / mapped follow a plain array model, and a reload from the store agrees', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const store = new MemoryStore(1 << 20);
      const map = new BlockStateMap(store, 100, LBAS);
      map.load();
      const model = new Uint8Array(LBAS);
      for (const { slba, len, s } of ops) {
        const n = Math.min(len, LBAS - slba);
        map.set(slba, n, s);
        model.fill(s, slba, slba + n);
      }
      assert.equal(map.mapped, model.reduce((a, s) => a + (s & 1), 0));
      for (const { slba, len } of ops.slice(0, 10)) {
        const n = Math.min(len, LBAS - slba);
        let seen = 0;
        for (let i = slba; i < slba + n; i++) seen |= 1 << model[i]!;
        assert.equal(map.scan(slba, n), seen, `scan ${slba} x ${n}`);
      }
      const bitmap = new Uint8Array(BlockStateMap.bitmapBytes(LBAS));
      store.read(bitmap, 100);
      for (let i = 0; i < LBAS; i += 997) assert.equal((bitmap[i >> 2]! >> (2 * (i & 3))) & 3, model[i], `LBA ${i} on disk`);
      const again = new BlockStateMap(store, 100, LBAS);
      again.load();
      assert.equal(again.mapped, map.mapped);
      for (let i = 0; i < LBAS; i += 313) assert.equal(again.get(i), model[i], `LBA ${i} after reload`);
    }),
    { numRuns: 60 },
  );
});

test('uniform pages stay compact; clear() deallocates everything on disk too', () => {
  const store = new MemoryStore(1 << 20);
  const map = new BlockStateMap(store, 0, LBAS);
  map.load();
  assert.equal(map.isClear(), true);
  map.set(0, LBAS, BlockState.MAPPED);
  assert.equal(map.mapped, LBAS);
  assert.ok(map.residentBytes < 64, `a fully written map keeps no page bits: ${map.residentBytes}`);
  map.set(5, 1, BlockState.UNCORRECTABLE);
  assert.equal(map.scan(0, 10), SeenState.MAPPED | (1 << BlockState.UNCORRECTABLE));
  map.clear();
  assert.equal(map.mapped, 0);
  const reloaded = new BlockStateMap(store, 0, LBAS);
  reloaded.load();
  assert.equal(reloaded.isClear(), true);
});
