// Unit tests of the e2e harness pieces that run without QEMU: the newc cpio writer and the
// guest session script/log format. (The guest test itself is linux-nvme-tcp.e2e.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeCpio, encodeCpio } from './cpio.js';
import { parseSession, sessionArchive } from './session.js';

test('cpio: newc archive round-trips files, adds parent directories and a trailer', () => {
  const bin = Uint8Array.from({ length: 4099 }, (_, i) => (i * 7) & 0xff);
  const buf = encodeCpio([
    { path: 'test.sh', data: 'echo hi\n' },
    { path: 'e2e/sub/pattern.bin', data: bin, mode: 0o644 },
  ]);
  assert.equal(buf.length % 4, 0);
  assert.equal(buf.toString('ascii', 0, 6), '070701');
  assert.ok(buf.includes(Buffer.from('TRAILER!!!\0')));
  const files = decodeCpio(buf);
  assert.deepEqual(files.map((f) => [f.path, f.mode]), [['test.sh', 0o755], ['e2e/sub/pattern.bin', 0o644]]);
  assert.equal(files[0]!.data.toString(), 'echo hi\n');
  assert.deepEqual(new Uint8Array(files[1]!.data), bin);
  // Directory entries precede the file: e2e, e2e/sub.
  const names = [...buf.toString('latin1').matchAll(/070701[0-9a-f]{104}([^\0]+)\0/g)].map((m) => m[1]);
  assert.deepEqual(names, ['test.sh', 'e2e', 'e2e/sub', 'e2e/sub/pattern.bin', 'TRAILER!!!']);
  assert.throws(() => encodeCpio([{ path: '/abs', data: '' }]), /must be relative/);
  assert.throws(() => encodeCpio([{ path: 'a/../b', data: '' }]), /must be relative/);
});

test('cpio: the host cpio tool lists the archive (when installed)', (t) => {
  const r = spawnSync('cpio', ['-it', '--quiet'], { input: encodeCpio([{ path: 'a/b.txt', data: 'x' }]) });
  if (r.error) return t.skip('cpio not installed');
  assert.equal(r.status, 0, r.stderr.toString());
  assert.deepEqual(r.stdout.toString().trim().split('\n'), ['a', 'a/b.txt']);
});

test('session: the script runs steps in order, with timeouts, required and always flags', () => {
  const entries = sessionArchive([
    { name: 'one', script: 'echo 1', timeoutSec: 5, required: true },
    { name: 'two', script: 'echo 2\n', timeoutSec: 7 },
    { name: 'last', script: 'dmesg', timeoutSec: 3, always: true },
  ]);
  assert.deepEqual(entries.map((e) => e.path), ['test.sh', 'e2e/00-one.sh', 'e2e/01-two.sh', 'e2e/02-last.sh']);
  const sh = String(entries[0]!.data);
  assert.match(sh, /^run 00-one\.sh one 5 1 0$/m);
  assert.match(sh, /^run 01-two\.sh two 7 0 0$/m);
  assert.match(sh, /^run 02-last\.sh last 3 0 1$/m);
  assert.equal(entries[1]!.data, 'echo 1\n');
  assert.throws(() => sessionArchive([{ name: 'Bad Name', script: '', timeoutSec: 1 }]), /\[a-z0-9-\] only/);
  assert.throws(() => sessionArchive([{ name: 'a', script: '', timeoutSec: 1 }, { name: 'a', script: '', timeoutSec: 1 }]), /used twice/);
  assert.throws(() => sessionArchive([{ name: 'a', script: '', timeoutSec: 0 }]), /positive integer/);
});

test('session: the generated script behaves as parsed (run by the host sh)', (t) => {
  const entries = sessionArchive([
    { name: 'ok', script: 'echo out-ok', timeoutSec: 5 },
    { name: 'fails', script: 'echo bad; exit 3', timeoutSec: 5, required: true },
    { name: 'skipped', script: 'echo never', timeoutSec: 5 },
    { name: 'cleanup', script: 'echo clean', timeoutSec: 5, always: true },
  ]);
  // Run on the host with /e2e/ moved into a temp dir: the format, not busybox, is under test.
  const dir = mkdtempSync(join(tmpdir(), 'ocssd-e2e-session-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const e of entries) {
    mkdirSync(dirname(join(dir, e.path)), { recursive: true });
    writeFileSync(join(dir, e.path), String(e.data).replaceAll('/e2e/', `${dir}/e2e/`));
  }
  const r = spawnSync('sh', [join(dir, 'test.sh')], { timeout: 20_000 });
  assert.equal(r.status, 1, 'a failed required step makes test.sh exit 1');
  const s = parseSession('@@E2E ready uptime=2.1 kernel=6.1.0-57-amd64\n' + r.stdout.toString() + '@@E2E exit rc=1 uptime=3\n');
  assert.equal(s.ready, true);
  assert.equal(s.kernel, '6.1.0-57-amd64');
  assert.equal(s.exitRc, 1);
  assert.deepEqual([...s.steps.values()].map((x) => [x.name, x.rc, x.skipped, x.output]), [
    ['ok', 0, false, 'out-ok'],
    ['fails', 3, false, 'bad'],
    ['skipped', undefined, true, ''],
    ['cleanup', 0, false, 'clean'],
  ]);
});

test('session: parse tolerates CR LF and a log cut off inside a step', () => {
  const s = parseSession('junk\r\n@@E2E step a\r\nline1\r\n@@E2E end a rc=0\r\n@@E2E step b\r\npartial');
  assert.equal(s.ready, false);
  assert.equal(s.exitRc, undefined);
  assert.deepEqual(s.steps.get('a'), { name: 'a', rc: 0, skipped: false, output: 'line1' });
  assert.deepEqual(s.steps.get('b'), { name: 'b', rc: undefined, skipped: false, output: 'partial' });
});
