// The same RunningTarget contract as ocssd-target.ts, served by a spawned `ocssd serve` child:
// the devices come from the same device lines, the ports from the server's control API, and the
// OCSSD namespaces' 0xE2 answers are fetched over NVMe/TCP with ocssd's own initiator (so the
// guest must see the bytes another initiator saw). Select it with OCSSD_E2E_TARGET=serve
// (OCSSD_E2E_BIN picks another bin/ocssd.js). What it needs from `ocssd serve`: docs/e2e.md.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpInitiator } from '../../src/host/index.js';
import { NVM_LINE, OCSSD12_LINE, OCSSD20_LINE, ocssdView } from './e2e-devices.js';
import { GUEST_FWD_ADDR, REPO_ROOT } from './guest.js';
import type { NamespaceView, SubsystemView } from './nvme-session.js';
import { GUEST_DISCOVERY_PORT, GUEST_IO_PORT, type RunningTarget } from './ocssd-target.js';

const DRIVER_HOSTNQN = 'nqn.2026-12.io.ocssd:e2e-driver';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

interface StatusJson {
  listeners?: Record<string, string | null>;
  devices?: { name: string; kind: string; nqn: string; namespaces: { nsid: number; kind?: string; lbaSize: number; nsze: number }[] }[];
}

function getJson(url: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d.length + body.length > 1 << 20 ? '' : d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(new Error(`${url}: not JSON (${(e as Error).message})`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

const portOf = (addr: string | null | undefined): number | undefined => {
  const m = addr?.match(/:(\d+)$/);
  return m ? Number(m[1]) : undefined;
};

/** Waits (bounded) for the "control API: http://host:port/api/v1" line of `ocssd serve`. */
function controlUrl(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => done(new Error(`ocssd serve printed no "control API: http://..." line in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const done = (e: Error | undefined, url?: string) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      if (e) reject(e);
      else resolve(url!);
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/control API: (http:\/\/[^\s/]+)\/api\/v1/);
      if (m) done(undefined, m[1]);
    };
    const onExit = (code: number | null) => done(new Error(`ocssd serve exited (${code}) before it was ready:\n${log.slice(-20).join('\n')}`));
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
  });
}

async function identityOver(port: number, nqn: string, nsid: number): Promise<Buffer> {
  const host = await TcpInitiator.attach({ port, subnqn: nqn, hostnqn: DRIVER_HOSTNQN });
  try {
    const r = await host.passthrough('admin', { opc: 0xe2, nsid }, { dataInLength: 4096 });
    if (r.status !== 0 || r.data === undefined) throw new Error(`0xE2 to ${nqn} nsid ${nsid}: status 0x${r.status.toString(16)}`);
    return Buffer.from(r.data);
  } finally {
    await host.close();
  }
}

/** Spawns `ocssd serve` with the e2e devices on 127.0.0.1 (ephemeral ports, a temp data dir). */
export async function startServeTarget(
  lines: readonly string[] = [NVM_LINE, OCSSD20_LINE, OCSSD12_LINE],
  bin = process.env['OCSSD_E2E_BIN'] ?? join(REPO_ROOT, 'bin', 'ocssd.js'),
): Promise<RunningTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ocssd-e2e-serve-'));
  const args = [bin, 'serve', '--data-dir', dataDir, '--listen', '127.0.0.1', '--control-port', '0', '--tcp-port', '0', '--discovery-port', '0', '--nbd-port', '-1', ...lines.flatMap((l) => ['-d', l])];
  const log: string[] = [`$ node ${args.join(' ')}`];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => {
    for (const l of d.toString().split('\n')) if (l && log.length < 2000) log.push(l);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const base = await controlUrl(child, log);
    const status = (await getJson(`${base}/api/v1/status`, 5000)) as StatusJson;
    const ls = status.listeners ?? {};
    const io = portOf(Object.entries(ls).find(([k]) => /tcp/i.test(k) && !/discovery/i.test(k))?.[1]);
    const disc = portOf(Object.entries(ls).find(([k]) => /discovery/i.test(k))?.[1]);
    if (io === undefined || disc === undefined) {
      throw new Error(`ocssd serve reports no NVMe/TCP listeners in /api/v1/status (listeners: ${JSON.stringify(ls)}); the e2e driver needs "tcp" and "discovery" entries ("127.0.0.1:PORT")`);
    }
    const labels: Record<string, string> = { nvme: 'nvm', ocssd20: 'oc20', ocssd12: 'oc12' };
    const subsystems: SubsystemView[] = [];
    for (const d of status.devices ?? []) {
      const label = labels[d.kind];
      if (label === undefined) throw new Error(`ocssd serve device ${d.name}: unknown kind ${d.kind}`);
      const namespaces: NamespaceView[] = [];
      for (const ns of d.namespaces) {
        if (d.kind === 'nvme') namespaces.push({ kind: 'nvm', nsid: ns.nsid, lbaBytes: ns.lbaSize, blocks: ns.nsze, patternOffset: 1 << 20 });
        else namespaces.push(ocssdView(d.kind as 'ocssd12' | 'ocssd20', ns.nsid, await identityOver(io, d.nqn, ns.nsid)));
      }
      subsystems.push({ label, nqn: d.nqn, namespaces });
    }
    if (subsystems.length !== lines.length) throw new Error(`ocssd serve has ${subsystems.length} devices, the e2e driver started ${lines.length}`);
    return {
      view: { addr: GUEST_FWD_ADDR, ioPort: GUEST_IO_PORT, discoveryPort: GUEST_DISCOVERY_PORT, subsystems },
      forwards: [
        { guestPort: GUEST_IO_PORT, hostPort: io },
        { guestPort: GUEST_DISCOVERY_PORT, hostPort: disc },
      ],
      log,
      close: stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
