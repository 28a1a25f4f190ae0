import { test } from 'node:test';
import { NVM_COMMANDS } from '../../../src/controller/index.js';
import { describe, fuzz, fuzzParameters } from './fuzz-engine.js';
import { nvmSeeds } from './seeds.js';

test('fuzz: random and mutated NVM commands all complete with a status, no handler throws', { timeout: 300_000 }, () => {
  const { count, seed } = fuzzParameters();
  console.log(describe(fuzz('nvm', { set: NVM_COMMANDS, seeds: nvmSeeds }, count, seed)));
});
