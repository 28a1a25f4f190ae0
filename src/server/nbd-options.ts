// The NBD server's options in the same `key=value,...` form as the device lines (for a
// `--nbd host=127.0.0.1,port=10809` switch of `ocssd serve`), declared once as a table and
// turned into NbdServerOptions. Ranges match the limits NbdServer itself checks.
import { NBD_DEFAULT_LIMITS, type NbdServerOptions } from '../nbd/index.js';
import { NBD_DEFAULT_PORT } from '../spec/index.js';
import { type OptionSpec, optionError, parseDeviceLine } from './device-options.js';

export const NBD_SERVER_OPTIONS: readonly OptionSpec[] = [
  { name: 'host', kind: 'string', default: '127.0.0.1', min: 1, max: 255, help: 'listen address (NBD has no authentication: keep it on loopback unless the network is trusted)' },
  { name: 'port', kind: 'uint', default: NBD_DEFAULT_PORT, min: 0, max: 65535, help: 'listen port (0: any free port)' },
  { name: 'default_export', kind: 'string', min: 1, max: 4096, help: 'export served for the empty name (default: the only export, if there is one)' },
  { name: 'max_inflight', kind: 'uint', default: NBD_DEFAULT_LIMITS.maxInFlight, min: 1, max: 65536, help: 'requests executing at once per connection' },
  { name: 'max_buffered', kind: 'size', default: NBD_DEFAULT_LIMITS.maxBufferedBytes, min: 1 << 16, max: 2 ** 40, help: 'payload, read data and unsent reply bytes held per connection before it is paused' },
  { name: 'max_payload', kind: 'size', default: NBD_DEFAULT_LIMITS.maxPayload, min: 4096, max: 2 ** 31, help: 'largest read or write (advertised maximum block size)' },
  { name: 'max_connections', kind: 'uint', default: 256, min: 1, max: 65536, help: 'clients at once' },
];

/** Parses `host=...,port=...` (an optional leading word `nbd`) into NbdServerOptions. */
export function parseNbdServerOptions(line: string): NbdServerOptions {
  const v = parseDeviceLine(line, NBD_SERVER_OPTIONS);
  if (v['model'] !== undefined && v['model'] !== 'nbd') optionError('model', v['model'], "allowed 'nbd'");
  const d = v['default_export'] as string | undefined;
  return {
    host: v['host'] as string,
    port: v['port'] as number,
    ...(d !== undefined ? { defaultExport: d } : {}),
    maxInFlight: v['max_inflight'] as number,
    maxBufferedBytes: v['max_buffered'] as number,
    maxPayload: v['max_payload'] as number,
    maxConnections: v['max_connections'] as number,
  };
}
