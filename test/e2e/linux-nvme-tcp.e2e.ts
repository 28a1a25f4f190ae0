// The real-Linux end-to-end test (issue 6, "Proof with a real host"): Debian's kernel under
// QEMU attaches over NVMe/TCP with nvme-cli. Each suite boots the guest once and runs a whole
// scripted session; each test asserts one part of the guest's output.
//   1. harness + reference: nvme-cli runs; the guest reaches a probe on host loopback (exact
//      ICReq and Connect); the session passes against Linux's own nvmet target in the guest.
//   2. ocssd: the same session against the emulator's NVMe/TCP target on host loopback, once with
//      TcpTarget in this process and once with a spawned `ocssd serve` (OCSSD_E2E_TARGET).
// Run with `npm run test:e2e` (not part of `npm test`). Logs of the last runs: .e2e-cache/runs/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CACHE_DIR, ensureGuest, runGuest, type GuestForward, type GuestImage, type GuestRun } from './guest.js';
import { parseSession, sessionArchive, type GuestStep, type SessionResult, type StepResult } from './session.js';
import { connectDataString, startProbeListener, type ProbeListener } from './probe-listener.js';
import { describeRun, describeStep } from './report.js';
import { md5, nvmeSessionSteps, passthruOutcome, SESSION_LIB, sessionData, stepHex, stepJson, stepValue, type NvmNamespaceView, type OcssdNamespaceView, type SessionTarget, type SubsystemView } from './nvme-session.js';
import { referenceTarget } from './reference-target.js';
import { E2E_MODEL, startInProcessTarget, type RunningTarget } from './ocssd-target.js';
import { startServeTarget } from './serve-target.js';
import { decodeIdentity } from './e2e-devices.js';
import { Ocssd20ChunkState } from '../../src/spec/index.js';

const HOSTNQN = 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001';
const DISCOVERY_NQN = 'nqn.2014-08.org.nvmexpress.discovery';
const PROBE_PORT = 4499; // guest-side port of the probe listener

let image: GuestImage | undefined;
const guestImage = (): GuestImage => (image ??= ensureGuest());

/** One booted session: its run, parsed log, and the data the guest was given. */
class Booted {
  constructor(
    readonly target: SessionTarget,
    readonly run: GuestRun,
    readonly session: SessionResult,
    readonly expected: Map<string, Buffer>,
    readonly steps: readonly GuestStep[],
    readonly targetLog: readonly string[] = [],
  ) {}
  step(name: string): { s: StepResult | undefined; why: string } {
    const s = this.session.steps.get(name);
    const tlog = this.targetLog.length ? `\n--- target log (tail) ---\n${this.targetLog.slice(-20).join('\n')}` : '';
    return { s, why: `${describeStep(s, name)}\n${describeRun(this.run, this.session)}${tlog}` };
  }
  /** The step, asserted to have exited 0. */
  ok(name: string): { s: StepResult; why: string } {
    const r = this.step(name);
    assert.equal(r.s?.rc, 0, r.why);
    return { s: r.s!, why: r.why };
  }
  json(name: string): { j: any; why: string } {
    const { s, why } = this.ok(name);
    let j: unknown;
    try {
      j = stepJson(s);
    } catch (e) {
      assert.fail(`step ${name}: output is not JSON (${(e as Error).message})\n${why}`);
    }
    assert.ok(j !== undefined, `step ${name}: no JSON in the output\n${why}`);
    return { j, why };
  }
}

async function boot(label: string, target: SessionTarget, forwards: readonly GuestForward[], before: GuestStep[] = [], targetLog: readonly string[] = []): Promise<Booted> {
  const { files, expected } = sessionData(target);
  const steps = [...before, ...nvmeSessionSteps(target)];
  const workDir = join(DEFAULT_CACHE_DIR, 'runs', label);
  rmSync(workDir, { recursive: true, force: true });
  const run = await runGuest({ image: guestImage(), files: sessionArchive(steps, [SESSION_LIB, ...files]), forwards, timeoutMs: 240_000, workDir });
  return new Booted(target, run, parseSession(run.session), expected, steps, targetLog);
}

interface Expectations {
  /** Identify Controller MN (trailing spaces trimmed), per subsystem label. */
  model: (label: string) => RegExp;
}

/** The checks every target must pass: the list, for every subsystem and conventional namespace. */
function sessionTests(get: () => Booted, expect: Expectations): void {
  const nvmOf = (sub: SubsystemView) => sub.namespaces.filter((n): n is NvmNamespaceView => n.kind === 'nvm');

  test('the guest boots, runs every step and powers off', () => {
    const b = get();
    const why = describeRun(b.run, b.session);
    assert.equal(b.run.timedOut, false, why);
    assert.equal(b.session.ready, true, why);
    assert.match(b.session.kernel ?? '', /^\d+\.\d+\.\d+-\d+-amd64$/, why);
    for (const st of b.steps) assert.ok(b.session.steps.get(st.name)?.rc !== undefined, `step ${st.name} did not finish\n${b.step(st.name).why}`);
    assert.equal(b.session.exitRc, 0, why);
  });

  test('nvme discover lists every subsystem', () => {
    const b = get();
    const { j, why } = b.json('discover');
    const recs: any[] = j.records ?? [];
    for (const sub of b.target.subsystems) {
      const rec = recs.find((r) => r.subnqn === sub.nqn);
      assert.ok(rec, `no discovery record for ${sub.nqn}: ${JSON.stringify(recs.map((r) => r.subnqn))}\n${why}`);
      assert.equal(rec.trtype, 'tcp', why);
      assert.equal(rec.adrfam, 'ipv4', why);
      assert.equal(rec.subtype, 'nvme subsystem', why);
      assert.match(String(rec.trsvcid), /^\d+$/, why);
    }
    for (const r of b.target.refused ?? []) {
      assert.ok(!recs.some((x) => x.subnqn === r.nqn), `discovery lists ${r.nqn}, which refuses this host\n${why}`);
    }
  });

  test('a subsystem whose allowed hosts leave this host out refuses the Connect', (c) => {
    const b = get();
    if (!(b.target.refused ?? []).length) return c.skip('the target has no such subsystem');
    for (const r of b.target.refused!) {
      const { s, why } = b.ok(`${r.label}-refused`);
      assert.notEqual(stepValue(s, 'connect-rc'), '0', `nvme connect to ${r.nqn} must fail\n${why}`);
      assert.equal(stepValue(s, 'remaining'), 'none', why);
      // Connect Invalid Host (SCT 1 / SC 0x84), which the kernel reports in these words.
      assert.match(s.output, new RegExp(`Connect for subsystem ${r.nqn.replace(/[.]/g, '\\.')} is not allowed`), why);
    }
  });

  test('nvme connect creates a TCP controller per subsystem, with the block devices', () => {
    const b = get();
    for (const sub of b.target.subsystems) {
      const { s, why } = b.ok(`${sub.label}-connect`);
      const j = JSON.parse(s.output.slice(s.output.indexOf('{'), s.output.indexOf('}') + 1));
      assert.match(j.device, /^nvme\d+$/, why);
      assert.equal(stepValue(s, 'ctrl'), j.device, why);
      for (const ns of nvmOf(sub)) {
        assert.match(s.output, new RegExp(`^block nvme\\d+n\\d+ nsid=${ns.nsid} size=${(ns.blocks * ns.lbaBytes) / 512}$`, 'm'), why);
      }
    }
  });

  test('nvme list shows the conventional namespaces with their sizes', () => {
    const b = get();
    const { j, why } = b.json('list');
    const devs: any[] = j.Devices ?? [];
    for (const sub of b.target.subsystems) {
      const ctrl = stepValue(b.step(`${sub.label}-connect`).s, 'ctrl');
      for (const ns of nvmOf(sub)) {
        // DevicePath is the multipath head /dev/nvmeXnY; X is the subsystem instance, so match by size and NSID.
        const d = devs.find((x) => x.NameSpace === ns.nsid && x.PhysicalSize === ns.blocks * ns.lbaBytes);
        assert.ok(d, `nvme list has no ${ns.blocks * ns.lbaBytes}-byte namespace ${ns.nsid} (${sub.label}, ${ctrl})\n${why}`);
        assert.equal(d.SectorSize, ns.lbaBytes, why);
        assert.equal(d.MaximumLBA, ns.blocks, why);
        assert.match(d.ModelNumber, expect.model(sub.label), why);
      }
    }
  });

  test('nvme id-ctrl answers with each subsystem identity', () => {
    const b = get();
    for (const sub of b.target.subsystems) {
      const { j, why } = b.json(`${sub.label}-id-ctrl`);
      assert.match(String(j.mn).trimEnd(), expect.model(sub.label), why);
      assert.equal(j.subnqn, sub.nqn, why);
      assert.equal(j.cntrltype, 1, `CNTRLTYPE 1: I/O controller\n${why}`);
      assert.ok(j.ver >= 0x10300, `VER ${j.ver} below 1.3\n${why}`);
      assert.ok(j.nn >= Math.max(...sub.namespaces.map((n) => n.nsid)), `NN ${j.nn}\n${why}`);
      assert.ok(j.ioccsz >= 4, `IOCCSZ ${j.ioccsz} (16-byte units, at least the SQE)\n${why}`);
      assert.ok(j.sgls !== 0, `SGLS: fabrics needs SGL support\n${why}`);
    }
  });

  test('nvme id-ns reports size and LBA format of the conventional namespaces', () => {
    const b = get();
    for (const sub of b.target.subsystems) {
      for (const ns of nvmOf(sub)) {
        const { j, why } = b.json(`${sub.label}-ns${ns.nsid}-id-ns`);
        assert.equal(j.nsze, ns.blocks, why);
        assert.equal(j.ncap, ns.blocks, why);
        const lbaf = j.lbafs[j.flbas & 0xf];
        assert.equal(lbaf.ds, Math.log2(ns.lbaBytes), why);
        assert.equal(lbaf.ms, 0, why);
      }
    }
  });

  test('dd writes a known pattern with O_DIRECT and reads it back', () => {
    const b = get();
    for (const sub of b.target.subsystems) {
      for (const ns of nvmOf(sub)) {
        const { s, why } = b.ok(`${sub.label}-ns${ns.nsid}-dd`);
        assert.equal(stepValue(s, 'cmp'), 'ok', why);
        assert.equal(stepValue(s, 'md5'), md5(b.expected.get(`${sub.label}/${ns.nsid}`)!), why);
      }
    }
  });

  test('a connection with header and data digests (CRC32C) carries the dd pattern', () => {
    const b = get();
    const { s, why } = b.ok('digests');
    const sub = b.target.subsystems.find((x) => x.namespaces.some((n) => n.kind === 'nvm'))!;
    const ns = nvmOf(sub)[0]!;
    assert.equal(stepValue(s, 'cmp'), 'ok', why);
    assert.equal(stepValue(s, 'md5'), md5(b.expected.get(`${sub.label}/${ns.nsid}`)!), why);
    assert.equal(stepValue(s, 'disconnect-rc'), '0', why);
    assert.equal(stepValue(s, 'remaining'), 'none', why);
  });

  test('nvme disconnect ends every association cleanly', () => {
    const b = get();
    for (const sub of b.target.subsystems) {
      const { s, why } = b.ok(`${sub.label}-disconnect`);
      assert.match(s.output, /disconnected 1 controller\(s\)/, why);
      assert.equal(stepValue(s, 'rc'), '0', why);
      assert.equal(stepValue(s, 'remaining'), 'none', why);
    }
    // From the first session controller on, the kernel logged no error.
    const d = b.step('dmesg');
    const log = d.s?.output ?? '';
    const from = Math.min(...b.target.subsystems.map((sub) => log.indexOf(`new ctrl: NQN "${sub.nqn}"`)));
    assert.ok(from >= 0, `dmesg has no "new ctrl" line for every subsystem\n${d.why}`);
    // The refusals the session asked for are expected: "... is not allowed" and the Connect status 0x4184 (DNR, Invalid Host).
    const rest = log
      .slice(from)
      .split('\n')
      .filter((l) => !/Connect for subsystem \S+ is not allowed|failed to connect queue: 0 ret=16772/.test(l))
      .join('\n');
    assert.doesNotMatch(rest, /timeout|error|failed|reset|ctrl_loss/i, d.why);
  });
}

describe('harness and reference: Linux nvmet-tcp inside the guest', { timeout: 600_000 }, () => {
  let probe: ProbeListener;
  let b: Booted;
  before(async () => {
    probe = await startProbeListener();
    b = await boot('reference', referenceTarget(), [{ guestPort: PROBE_PORT, hostPort: probe.port }], [
      { name: 'nvme-version', script: 'nvme version', timeoutSec: 10, required: true },
      // The probe answers ICResp and refuses the Connect (Invalid Host): discover fails at once.
      { name: 'probe-discover', script: `modprobe nvme-tcp; nvme discover -t tcp -a 10.0.2.100 -s ${PROBE_PORT}; echo "discover-rc=$?"`, timeoutSec: 30 },
    ]);
  });
  after(async () => {
    await probe?.close();
  });

  test('nvme-cli runs in the guest', () => {
    const { s, why } = b.ok('nvme-version');
    assert.match(s.output, /^nvme version \d+\.\d+/m, why);
  });

  test('nvme discover reaches a listener on host loopback (exact ICReq, Connect to the discovery NQN)', () => {
    const { s, why } = b.ok('probe-discover');
    assert.match(s.output, /discover-rc=[1-9]/, `the probe refuses the Connect, so discover must fail\n${why}`);
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
    const d = b.step('dmesg');
    assert.match(d.s?.output ?? '', new RegExp(`Connect for subsystem ${DISCOVERY_NQN} is not allowed`), d.why);
  });

  sessionTests(() => b, { model: () => /^Linux$/ });
});

// OCSSD_E2E_TARGET: which ocssd targets get a suite (one guest boot each), comma-separated:
// `inprocess` (TcpTarget in this process) and `serve` (a spawned `ocssd serve`); default both.
const TARGETS = (process.env['OCSSD_E2E_TARGET'] ?? 'inprocess,serve').split(',').map((x) => x.trim());
for (const kind of TARGETS) {
  if (kind !== 'inprocess' && kind !== 'serve') throw new Error(`OCSSD_E2E_TARGET: ${JSON.stringify(kind)} is not inprocess or serve`);
}

for (const kind of TARGETS) ocssdSuite(kind === 'serve');

function ocssdSuite(SERVE: boolean): void {
  describe(`ocssd: the emulator's NVMe/TCP target on host loopback (${SERVE ? 'spawned ocssd serve' : 'TcpTarget in the driver process'})`, { timeout: 600_000 }, () => {
    let t: RunningTarget;
    let b: Booted;
    before(async () => {
      t = SERVE ? await startServeTarget() : await startInProcessTarget();
      b = await boot(SERVE ? 'ocssd-serve' : 'ocssd', t.view, t.forwards, [], t.log);
    });
    after(async () => {
      await t?.close();
    });

    sessionTests(() => b, { model: () => (SERVE ? /^ocssd / : new RegExp(`^${E2E_MODEL}$`)) });

    const ocssd = (kind: 'ocssd12' | 'ocssd20'): { sub: SubsystemView; ns: OcssdNamespaceView; at: (step: string) => string } => {
      for (const sub of b.target.subsystems) {
        const ns = sub.namespaces.find((n): n is OcssdNamespaceView => n.kind === kind);
        if (ns) return { sub, ns, at: (step) => `${sub.label}-ns${ns.nsid}-${step}` };
      }
      assert.fail(`the target has no ${kind} namespace`);
    };

    for (const kind of ['ocssd20', 'ocssd12'] as const) {
      const what = kind === 'ocssd20' ? 'OCSSD 2.0 geometry' : 'OCSSD 1.2 identity';
      test(`${kind}: nvme admin-passthru --opcode=0xe2 returns the ${what}`, () => {
        const { ns, at } = ocssd(kind);
        const { s, why } = b.ok(at('geometry'));
        assert.equal(stepValue(s, 'rc'), '0', why);
        assert.equal(stepValue(s, 'bytes'), '4096', why);
        const bytes = stepHex(s)!;
        const id = decodeIdentity(kind, bytes);
        for (const [field, value] of Object.entries(ns.identity)) assert.equal(id[field], value, `${what} field ${field}\n${why}`);
        assert.equal(bytes.toString('hex'), ns.identityBytes.toString('hex'), `the guest got other bytes than the namespace answers target-side\n${why}`);
      });

      const addr = kind === 'ocssd20' ? 'single-LBA vector' : 'single-PPA';
      const erase = kind === 'ocssd20' ? 'reset' : 'erase';
      test(`${kind}: nvme io-passthru ${addr} write, read, refused rewrite, ${erase}, write again`, () => {
        const { ns, sub, at } = ocssd(kind);
        for (const st of ['write', 'erase', 'write-after-erase']) {
          const { s, why } = b.ok(at(st));
          assert.equal(stepValue(s, 'rc'), '0', `${st}: nvme io-passthru failed\n${why}`);
          // CQE DW0-DW1: the per-address completion bitmap; bit 0 set would mean the address failed.
          assert.equal(passthruOutcome(s).dw0, 0, `${st}: completion DW0\n${why}`);
        }
        const r = b.ok(at('read'));
        assert.equal(stepValue(r.s, 'rc'), '0', r.why);
        assert.equal(stepValue(r.s, 'cmp'), 'ok', r.why);
        assert.equal(stepValue(r.s, 'md5'), md5(b.expected.get(`${sub.label}/${ns.nsid}`)!), r.why);
        // A programmed sector takes no second write before its chunk/block is erased.
        const w = b.ok(at('rewrite'));
        assert.notEqual(stepValue(w.s, 'rc'), '0', `rewrite before ${erase} must fail\n${w.why}`);
        assert.ok(passthruOutcome(w.s).status !== undefined, `rewrite: no NVMe status in the output\n${w.why}`);
      });
    }

    test('ocssd20: target-side chunk state after the session (open, WP 1)', (c) => {
      if (!t.ocssdState) return c.skip('target has no state access (spawned ocssd serve)');
      const { sub, ns } = ocssd('ocssd20');
      const d = t.ocssdState(sub.label)!;
      assert.equal(d['cs'], Ocssd20ChunkState.OPEN, `chunk state ${d['cs']}`);
      assert.equal(d['wp'], 1n);
      assert.equal(d['slba'], ns.eraseAddress);
    });

    test('the guest\'s dd pattern landed in the emulator\'s store', (c) => {
      if (!t.storeHolds) return c.skip('target has no store access (spawned ocssd serve)');
      for (const sub of b.target.subsystems) {
        for (const ns of sub.namespaces.filter((n) => n.kind === 'nvm')) {
          assert.ok(t.storeHolds(sub.label, b.expected.get(`${sub.label}/${ns.nsid}`)!), `pattern of ${sub.label}/ns${ns.nsid} not found in the store`);
        }
      }
    });
  });
}
