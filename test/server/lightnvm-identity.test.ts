import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OCSSD20_GEOMETRY, encode } from '../../src/spec/index.js';
import { ApiError, type OcssdServer, readIdentity, renderIdentity, statusText } from '../../src/server/index.js';
import { lightnvmRoutes } from '../../src/server/lightnvm.js';

const geometry20 = () =>
  encode(OCSSD20_GEOMETRY, {
    mjr: 2, mnr: 0, grp_len: 1, pu_len: 3, chk_len: 10, lba_len: 12, mccap: 0x3, wit: 10,
    num_grp: 2, num_pu: 8, num_chk: 1000, clba: 4096, ws_min: 4, ws_opt: 8, mw_cunits: 24, maxoc: 128, maxocpu: 16,
    trdt: 70000, trdm: 100000, twrt: 1900000, twrm: 3500000, tcrst: 3000000, tcrsm: 3000000,
  });

test('a 2.0 geometry renders from the spec table: nvme-cli 1.x lines and fields with the host decoder names', () => {
  const v = renderIdentity(geometry20(), 'nvme0n1');
  assert.equal(v.version, '2.0');
  assert.deepEqual(v.lines, [
    'LightNVM Geometry (OCSSD 2.0)',
    'ver_major     : 0x2',
    'ver_minor     : 0',
    'mccap         : 0x3',
    'wit           : 10',
    'lba format',
    ' grp len      : 1',
    ' pu len       : 3',
    ' chk len      : 10',
    ' clba len     : 12',
    'geometry',
    ' num_grp      : 2',
    ' num_pu       : 8',
    ' num_chk      : 1000',
    ' clba         : 4096',
    'write req',
    ' ws_min       : 4',
    ' ws_opt       : 8',
    ' mw_cunits    : 24',
    ' maxoc        : 128',
    ' maxocpu      : 16',
    'perf metrics',
    ' trdt (ns)    : 70000',
    ' trdm (ns)    : 100000',
    ' twrt (ns)    : 1900000',
    ' twrm (ns)    : 3500000',
    ' tcrst (ns)   : 3000000',
    ' tcrsm (ns)   : 3000000',
  ]);
  assert.deepEqual(v['lbaf'], { grpLen: 1, puLen: 3, chkLen: 10, lbaLen: 12 });
  assert.deepEqual([v['numGrp'], v['numPu'], v['numChk'], v['clba'], v['mwCunits'], v['maxocpu']], [2, 8, 1000, 4096, 24, 16]);
});

test('a 2.0 geometry with -H explains its MCCAP bits', () => {
  const lines = renderIdentity(geometry20(), 'nvme0n1', true).lines;
  assert.deepEqual(lines.slice(3, 7), ['mccap         : 0x3', '           [0]: Vector copy support', '           [1]: Multiple resets support', 'wit           : 10']);
  assert.equal(lines.length, 30);
});

test('an identity of an unknown version is a 409 naming it', () => {
  const buf = new Uint8Array(4096);
  buf[0] = 3;
  assert.throws(
    () => renderIdentity(buf, 'nvme0n1'),
    (e: unknown) => e instanceof ApiError && e.status === 409 && e.message === 'nvme0n1: Open-Channel identity version 3 is not supported (1 is OCSSD 1.2, 2 is OCSSD 2.0)',
  );
});

// Until the 2.0 personality is served (branch ocssd20), its routes run over a stand-in host that
// answers admin 0xE2 with a 2.0 geometry and records every command it is sent.
test('the identity and bbt routes on a 2.0 namespace: geometry lines, and 409 for the bad block table without a command sent', async () => {
  const sent: number[] = [];
  const host = {
    passthrough: async (_q: string, f: { opc: number; nsid?: number }) => {
      sent.push(f.opc);
      return { status: 0, dw0: 0, dw1: 0, data: geometry20() };
    },
  };
  const server = { devices: [{ name: 'nvme0', host, namespaces: [{ name: 'nvme0n1', nsid: 1, kind: 'ocssd20', bytes: 0, lbaSize: 4096, nsze: 0 }] }] } as unknown as OcssdServer;
  const routes = lightnvmRoutes(server);
  const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;
  const req = (query = '', body: Record<string, unknown> = {}) => ({ params: { dev: 'nvme0n1' }, query: new URLSearchParams(query), body });
  const id = (await route('GET', '/api/v1/lnvm/devices/:dev/identity').handler(req())) as { version: string; lines: string[]; numChk: number };
  assert.equal(id.version, '2.0');
  assert.equal(id.lines[0], 'LightNVM Geometry (OCSSD 2.0)');
  assert.equal(id.numChk, 1000);
  assert.deepEqual(sent, [0xe2]);
  for (const [method, r] of [['GET', req('lun=0')], ['PUT', req('', { blk: 0, value: 2 })]] as const) {
    await assert.rejects(
      Promise.resolve(route(method, '/api/v1/lnvm/devices/:dev/bbt').handler(r)),
      (e: unknown) => e instanceof ApiError && e.status === 409 && e.message === 'nvme0n1: OCSSD 2.0 has no bad block table; see the chunk log',
    );
  }
  assert.deepEqual(sent, [0xe2]); // no Get/Set BBT reached the device
  assert.deepEqual(routes.find((r) => r.path === '/api/v1/lnvm/devices')!.handler(req()), [{ name: 'nvme0n1', bmname: 'gennvm', bmversion: [1, 0, 0], kind: 'ocssd20' }]);
});

test('a device that fails admin 0xE2 is a 502 naming its status', async () => {
  const host = { passthrough: async () => ({ status: 0x4002, dw0: 0, dw1: 0 }) } as unknown as Parameters<typeof readIdentity>[0];
  await assert.rejects(readIdentity(host, 1, 'nvme0n1'), (e: unknown) => e instanceof ApiError && e.status === 502 && e.message === 'nvme0n1: Open-Channel identity (admin 0xE2) failed: Invalid Field in Command (SCT 0x0 SC 0x02, DNR)');
  assert.equal(statusText(0x40ff), 'Write Failure (0x40ff)');
});
