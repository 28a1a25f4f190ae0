// Completions that the device times (a media latency) are posted at their time: from a timer in
// the same-thread mode, from the device loop's timed wait in worker mode; on a virtual clock the
// transport moves time to the next completion instead of waiting for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NvmeHost } from '../../../src/host/index.js';
import { MODES } from './modes.js';

for (const [mode, open] of Object.entries(MODES)) {
  test(`${mode}: wall-clock latency: no completion arrives before its emulated time`, { timeout: 20_000 }, async () => {
    const host = await NvmeHost.attach(await open({ blocks: 256, latencyNs: 4e6 }));
    try {
      await host.createIoQueues(2, 4);
      await host.write(1, 0, new Uint8Array(512)); // learn the format first
      const took = await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const t0 = performance.now();
          await host.write(1, i, new Uint8Array(512).fill(i));
          return performance.now() - t0;
        }),
      );
      for (const ms of took) assert.ok(ms >= 3.9, `a 4 ms write completed after ${ms.toFixed(2)} ms`);
      assert.equal((await host.read(1, 23, 1))[0], 23);
    } finally {
      await host.close();
    }
  });

  test(`${mode}: virtual clock: 10 s of emulated latency per command passes in no real time`, { timeout: 20_000 }, async () => {
    const host = await NvmeHost.attach(await open({ blocks: 256, latencyNs: 10e9, virtualClock: true }));
    try {
      await host.createIoQueues(2, 4);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 24 }, (_, i) => host.write(1, i, new Uint8Array(512).fill(i + 1))));
      const all = await host.read(1, 0, 24);
      for (let i = 0; i < 24; i++) assert.equal(all[i * 512], i + 1);
      assert.ok(performance.now() - t0 < 5000, 'virtual time did not wait in real time');
    } finally {
      await host.close();
    }
  });
}
