import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceOptionError, deviceLineFromJson, readConfigFile, resolveDeviceLine } from '../../src/server/index.js';
import { tempDir } from '../media/helpers.js';

test('path options are made absolute, other values are left alone', () => {
  assert.equal(resolveDeviceLine('nvme,drive=img,serial=abc,lbbtable=bb,lmetadata=/abs/m', '/base'), 'nvme,drive=/base/img,serial=abc,lbbtable=/base/bb,lmetadata=/abs/m');
});

test('a JSON device object becomes a device line with the QEMU names', () => {
  assert.equal(deviceLineFromJson({ drive: 'x', lver: 1, vwc: true, sgl: false }, 'here'), 'nvme,drive=x,lver=1,vwc=1,sgl=0');
  assert.equal(deviceLineFromJson({ model: 'nvme', serial: 's' }, 'here'), 'nvme,serial=s');
  assert.throws(() => deviceLineFromJson([1], 'here'), /here: a device must be an object/);
  assert.throws(() => deviceLineFromJson({ drive: { a: 1 } }, 'here'), /option drive must be a number, string or boolean/);
  assert.throws(() => deviceLineFromJson({ serial: 'a,b' }, 'here'), /commas are not allowed/);
});

test('a config file: devices, listeners, relative paths against its folder; every mistake named', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'ocssd.json');
  writeFileSync(file, JSON.stringify({ devices: [{ drive: 'blknvme', serial: 'abc' }], data_dir: 'state', listen: '127.0.0.1', tcp_port: 0, nbd_port: -1, allowed_hosts: ['nqn.h'] }));
  const c = readConfigFile(file);
  assert.deepEqual(c.devices, [`nvme,drive=${join(dir, 'blknvme')},serial=abc`]);
  assert.equal(c.dataDir, join(dir, 'state'));
  assert.equal(c.tcpPort, 0);
  assert.equal(c.nbdPort, -1);
  assert.deepEqual(c.allowedHosts, ['nqn.h']);
  const bad = (text: string, re: RegExp) => {
    writeFileSync(file, text);
    assert.throws(() => readConfigFile(file), (e: unknown) => e instanceof DeviceOptionError && re.test(e.message));
  };
  bad('{"devices": [', /config .*ocssd\.json: /);
  bad('[]', /must be a JSON object/);
  bad('{"device": []}', /unknown key 'device': allowed devices, data_dir/);
  bad('{"tcp_port": 70000}', /tcp_port=70000: allowed an integer -1\.\.65535/);
  bad('{"devices": {}}', /"devices" must be an array/);
  bad('{"allowed_hosts": [1]}', /"allowed_hosts" must be an array of host NQN strings/);
  assert.throws(() => readConfigFile(join(dir, 'missing.json')), /ENOENT/);
});
