// The real-Linux end-to-end test (issue 6, "Proof with a real host"): Debian's kernel under
// QEMU attaches to the emulator over NVMe/TCP with nvme-cli. One guest boot runs the whole
// scripted session; each test below asserts one part of the guest's output.
// Run with `npm run test:e2e` (not part of `npm test`). Logs of the last run: .e2e-cache/last-run/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CACHE_DIR, ensureGuest, runGuest, type GuestRun } from './guest.js';
import { parseSession, sessionArchive, type GuestStep, type SessionResult } from './session.js';
import { connectDataString, startProbeListener, type ProbeListener } from './probe-listener.js';
import { describeRun, describeStep } from './report.js';

const PROBE_PORT = 4499; // guest-side port of the probe listener
const HOSTNQN = 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001';
const DISCOVERY_NQN = 'nqn.2014-08.org.nvmexpress.discovery';

const steps: GuestStep[] = [
  { name: 'nvme-version', script: 'nvme version', timeoutSec: 10, required: true },
  { name: 'modprobe', script: 'modprobe nvme-tcp && ls /dev/nvme-fabrics', timeoutSec: 10, required: true },
  // The probe answers ICResp and refuses the Connect (Invalid Host): discover fails at once.
  { name: 'probe-discover', script: `nvme discover -t tcp -a 10.0.2.100 -s ${PROBE_PORT}; echo "discover-rc=$?"`, timeoutSec: 30 },
  { name: 'dmesg', script: 'dmesg | grep -i nvme | tail -n 40', timeoutSec: 10, always: true },
];

let probe: ProbeListener;
let run: GuestRun;
let session: SessionResult;

function step(name: string) {
  const s = session.steps.get(name);
  return { s, why: `${describeStep(s, name)}\n${describeRun(run, session)}` };
}

describe('real Linux host over NVMe/TCP (QEMU guest, nvme-cli)', { timeout: 900_000 }, () => {
  before(async () => {
    const image = ensureGuest();
    probe = await startProbeListener();
    const workDir = join(DEFAULT_CACHE_DIR, 'last-run');
    rmSync(workDir, { recursive: true, force: true });
    run = await runGuest({
      image,
      files: sessionArchive(steps),
      forwards: [{ guestPort: PROBE_PORT, hostPort: probe.port }],
      timeoutMs: 180_000,
      workDir,
    });
    session = parseSession(run.session);
  });
  after(async () => {
    await probe?.close();
  });

  test('the guest boots, runs the whole session and powers off', () => {
    const why = describeRun(run, session);
    assert.equal(run.timedOut, false, why);
    assert.equal(session.ready, true, why);
    assert.match(session.kernel ?? '', /^\d+\.\d+\.\d+-\d+-amd64$/, why);
    assert.equal(session.exitRc, 0, why);
    for (const st of steps) assert.ok(session.steps.get(st.name)?.rc !== undefined, `step ${st.name} did not finish\n${why}`);
  });

  test('nvme-cli runs in the guest', () => {
    const { s, why } = step('nvme-version');
    assert.equal(s?.rc, 0, why);
    assert.match(s!.output, /^nvme version \d+\.\d+/m, why);
    assert.equal(step('modprobe').s?.rc, 0, step('modprobe').why);
    assert.match(step('modprobe').s!.output, /^\/dev\/nvme-fabrics$/m, step('modprobe').why);
  });

  test('nvme discover reaches a listener on host loopback (exact ICReq, Connect to the discovery NQN)', () => {
    const { s, why } = step('probe-discover');
    assert.equal(s?.rc, 0, why);
    // The probe drops the connection after ICResp + Connect, so discover itself must fail.
    assert.match(s!.output, /discover-rc=[1-9]/, why);
    assert.ok(probe.connections.length >= 1, `probe saw no connection\n${why}`);
    const c = probe.connections[0]!;
    assert.ok(c.icreq, `probe got no complete ICReq\n${why}`);
    // type 0 ICReq, flags 0, HLEN 128, PDO 0, PLEN 128, PFV 0, HPDA 0, DGST 0, MAXR2T 0.
    const expected = Buffer.alloc(128);
    expected.set([0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00]);
    assert.equal(c.icreq.toString('hex'), expected.toString('hex'));
    assert.ok(c.connect, `probe got no Connect capsule after its ICResp\n${why}`);
    assert.equal(c.connect[0], 0x04, 'CapsuleCmd PDU type');
    assert.equal(c.connect.length, 72 + 1024, 'Connect capsule: 72-byte header + 1024 bytes of in-capsule data');
    assert.equal(c.connect[8], 0x7f, 'Fabrics opcode');
    assert.equal(c.connect[8 + 4], 0x01, 'FCTYPE Connect');
    assert.equal(c.connect.readUInt16LE(8 + 42), 0, 'QID 0 (admin queue)');
    assert.equal(connectDataString(c.connect, 256), DISCOVERY_NQN, 'SUBNQN');
    assert.equal(connectDataString(c.connect, 512), HOSTNQN, 'HOSTNQN (from the guest /etc/nvme/hostnqn)');
    // The kernel understood the probe's CapsuleResp (SCT 1 / SC 0x84, Connect Invalid Host).
    const d = step('dmesg');
    assert.match(d.s?.output ?? '', new RegExp(`Connect for subsystem ${DISCOVERY_NQN} is not allowed`), d.why);
  });
});
