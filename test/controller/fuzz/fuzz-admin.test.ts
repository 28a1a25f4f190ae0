import { test } from 'node:test';
import { ADMIN_COMMANDS } from '../../../src/controller/index.js';
import { describe, fuzz, fuzzParameters } from './fuzz-engine.js';
import { adminSeeds } from './seeds.js';

test('fuzz: random and mutated admin commands all complete with a status, no handler throws', { timeout: 300_000 }, () => {
  const { count, seed } = fuzzParameters();
  console.log(describe(fuzz('admin', { set: ADMIN_COMMANDS, seeds: adminSeeds }, count, seed)));
});
