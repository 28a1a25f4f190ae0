import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceOptionError, NBD_SERVER_OPTIONS, describeOptions, parseNbdServerOptions } from '../../src/server/index.js';
import { NbdServer } from '../../src/nbd/index.js';

test('NBD server options: defaults are 127.0.0.1:10809 and the server limits; values parse with units', () => {
  assert.deepEqual(parseNbdServerOptions(''), { host: '127.0.0.1', port: 10809, maxInFlight: 64, maxBufferedBytes: 64 << 20, maxPayload: 32 << 20, maxConnections: 256 });
  const o = parseNbdServerOptions('nbd,host=localhost,port=0,default_export=mydevice,max_inflight=8,max_buffered=1M,max_payload=64K');
  assert.deepEqual([o.host, o.port, o.defaultExport, o.maxInFlight, o.maxBufferedBytes, o.maxPayload], ['localhost', 0, 'mydevice', 8, 1 << 20, 65536]);
  assert.doesNotThrow(() => new NbdServer({ ...o, log: () => {} }), 'every parsed value is one the server accepts');
  assert.equal(describeOptions(NBD_SERVER_OPTIONS).length, NBD_SERVER_OPTIONS.length);
});

test('bad NBD server options name the option, the value and what is allowed', () => {
  assert.throws(() => parseNbdServerOptions('port=70000'), (e: unknown) => e instanceof DeviceOptionError && /option port=70000: allowed an integer 0\.\.65535/.test(e.message));
  assert.throws(() => parseNbdServerOptions('max_payload=1K'), /option max_payload=1K: allowed a size 4K\.\./);
  assert.throws(() => parseNbdServerOptions('tls=on'), /unknown option 'tls': allowed host, port, default_export/);
  assert.throws(() => parseNbdServerOptions('nvme,port=1'), /option model=nvme: allowed 'nbd'/);
});
