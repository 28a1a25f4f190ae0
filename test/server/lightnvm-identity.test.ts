import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OCSSD20_GEOMETRY, encode } from '../../src/spec/index.js';
import { ApiError, readIdentity, renderIdentity, statusText } from '../../src/server/index.js';

const geometry20 = () =>
  encode(OCSSD20_GEOMETRY, {
    mjr: 2, mnr: 0, grp_len: 1, pu_len: 3, chk_len: 10, lba_len: 12, mccap: 0x3, wit: 10,
    num_grp: 2, num_pu: 8, num_chk: 1000, clba: 4096, ws_min: 4, ws_opt: 8, mw_cunits: 24, maxoc: 128, maxocpu: 16,
    trdt: 70000, trdm: 100000, twrt: 1900000, twrm: 3500000, tcrst: 3000000, tcrsm: 3000000,
  });

test('a 2.0 geometry renders through the host decoder: nvme-cli 1.x lines and the decoded fields', () => {
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

test('a device that fails admin 0xE2 is a 502 naming its status', async () => {
  const host = { passthrough: async () => ({ status: 0x4002, dw0: 0, dw1: 0 }) } as unknown as Parameters<typeof readIdentity>[0];
  await assert.rejects(readIdentity(host, 1, 'nvme0n1'), (e: unknown) => e instanceof ApiError && e.status === 502 && e.message === 'nvme0n1: Open-Channel identity (admin 0xE2) failed: Invalid Field in Command (SCT 0x0 SC 0x02, DNR)');
  assert.equal(statusText(0x40ff), 'Write Failure (0x40ff)');
});
