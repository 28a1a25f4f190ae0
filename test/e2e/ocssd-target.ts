// The ocssd side of the e2e test: the emulator's NVMe/TCP target on host loopback, and the view
// of it the guest session needs. Today the target runs inside the driver process (TcpTarget over
// in-memory namespaces); `startServeTarget` in serve-target.ts is the same contract with a
// spawned `ocssd serve` child, so switching is one line in the test.

import {
  ConventionalNamespace,
  OCSSD12_ADMIN_COMMANDS,
  createAdminCommands,
  ocssd20AdminCommands,
  type Controller,
  type Namespace,
} from '../../src/controller/index.js';
import { MemoryStore, WallClock } from '../../src/media/index.js';
import { NamespaceSubsystem, TcpTarget } from '../../src/transport/index.js';
import { openOcssd20Namespace, parseNvmeDevice, parseOcssd20Device } from '../../src/server/index.js';
import { createOcssd12Controller } from '../../src/server/ocssd12-device.js';
import { parseOcssd12Device } from '../../src/server/ocssd12-options.js';
import { OCSSD20_CHUNK_DESCRIPTOR, OCSSD20_CHUNK_DESCRIPTOR_SIZE, decode } from '../../src/spec/index.js';
import { NVM_LINE, OCSSD12_LINE, OCSSD20_LINE, OCSSD20_TEST_CHUNK, ocssdView } from './e2e-devices.js';
import type { GuestForward } from './guest.js';
import { GUEST_FWD_ADDR } from './guest.js';
import type { NamespaceView, SessionTarget, SubsystemView } from './nvme-session.js';

/** Ports the guest uses at 10.0.2.100; the host side is ephemeral. */
export const GUEST_IO_PORT = 4420;
export const GUEST_DISCOVERY_PORT = 8009;

/** A target the session can run against: the guest's view, the forwards it needs, and how to stop it. */
export interface RunningTarget {
  readonly view: SessionTarget;
  readonly forwards: readonly GuestForward[];
  /** Target-side log lines (connections, associations, refusals), printed on failure. */
  readonly log: string[];
  /** Target-side state of the OCSSD namespace after the session (2.0: the test chunk's descriptor), for the driver to assert. */
  ocssdState?(label: string): Record<string, number | bigint> | undefined;
  /** Whether `bytes` are stored, contiguous, in the backing store of subsystem `label` (the guest's writes landed in the emulator). */
  storeHolds?(label: string, bytes: Uint8Array): boolean;
  close(): Promise<void>;
}

export const E2E_MODEL = 'ocssd e2e';
export const NQN_PREFIX = 'nqn.2026-12.io.ocssd:e2e-';

interface BuiltSubsystem {
  view: SubsystemView;
  subsystem: NamespaceSubsystem;
  namespaces: Namespace[];
  store?: MemoryStore;
  state?(): Record<string, number | bigint>;
  close(): void;
}

function identityOf(ns: Namespace): Buffer {
  const buf = Buffer.alloc(4096);
  if (ns.ocssdIdentity === undefined) throw new Error(`namespace ${ns.nsid} has no Open-Channel identity`);
  ns.ocssdIdentity(buf);
  return buf;
}

// Conventional: the namespaces of NVM_LINE over one memory store, as createNvmeDevice lays them out.
function conventional(): BuiltSubsystem {
  const cfg = parseNvmeDevice(NVM_LINE);
  if (cfg.lver !== 0) throw new Error(`NVM_LINE is not a conventional device: ${NVM_LINE}`);
  const store = new MemoryStore(cfg.size);
  const namespaces: ConventionalNamespace[] = [];
  const views: NamespaceView[] = [];
  let offset = 0;
  cfg.namespaceBytes.forEach((bytes: number, i: number) => {
    const ns = new ConventionalNamespace({ nsid: i + 1, store, offset, bytes, nlbaf: cfg.nlbaf, lbaIndex: cfg.lbaIndex, ms: cfg.meta, extended: cfg.extended, serial: cfg.serial });
    namespaces.push(ns);
    // The region keeps a header and the block state map, so NSZE is what the namespace says.
    views.push({ kind: 'nvm', nsid: ns.nsid, lbaBytes: ns.lbaSize, blocks: ns.nsze, patternOffset: 1 << 20 });
    offset += bytes;
  });
  const nqn = NQN_PREFIX + 'nvm';
  return {
    view: { label: 'nvm', nqn, namespaces: views },
    subsystem: new NamespaceSubsystem({ nqn, namespaces, config: { serial: cfg.serial, model: E2E_MODEL } }),
    namespaces,
    store,
    close: () => {
      for (const ns of namespaces) ns.close();
      store.close();
    },
  };
}

function ocssd20(): BuiltSubsystem {
  // One clock for the media and every association's controller: completion times compare across them.
  const clock = new WallClock();
  const ns = openOcssd20Namespace(parseOcssd20Device(OCSSD20_LINE), clock);
  const c = ns.chunkIndex(OCSSD20_TEST_CHUNK);
  const nqn = NQN_PREFIX + 'oc20';
  const view = ocssdView('ocssd20', ns.nsid, identityOf(ns));
  if (view.address !== BigInt(ns.lbaOf(c, 0))) throw new Error(`e2e: test LBA ${view.address} differs from the namespace's own ${ns.lbaOf(c, 0)}`);
  return {
    view: { label: 'oc20', nqn, namespaces: [view] },
    subsystem: new NamespaceSubsystem({ nqn, namespaces: [ns], admin: ocssd20AdminCommands(), clock, config: { serial: 'E2EOC20', model: E2E_MODEL } }),
    namespaces: [ns],
    state: () => decode(OCSSD20_CHUNK_DESCRIPTOR, ns.chunkLog(c * OCSSD20_CHUNK_DESCRIPTOR_SIZE, OCSSD20_CHUNK_DESCRIPTOR_SIZE)) as Record<string, number | bigint>,
    close: () => ns.close(),
  };
}

function ocssd12(): BuiltSubsystem {
  const ctrl: Controller = createOcssd12Controller(parseOcssd12Device(OCSSD12_LINE), { log: () => {} });
  const namespaces = [...ctrl.namespaces.values()];
  const ns = namespaces[0]!;
  const nqn = NQN_PREFIX + 'oc12';
  return {
    view: { label: 'oc12', nqn, namespaces: [ocssdView('ocssd12', ns.nsid, identityOf(ns))] },
    subsystem: new NamespaceSubsystem({ nqn, namespaces, admin: [createAdminCommands(), OCSSD12_ADMIN_COMMANDS], config: { serial: 'E2EOC12', model: E2E_MODEL } }),
    namespaces,
    close: () => ctrl.close(),
  };
}

/** Starts the emulator's TcpTarget in this process on 127.0.0.1 (ephemeral ports). */
export async function startInProcessTarget(): Promise<RunningTarget> {
  const built: BuiltSubsystem[] = [];
  try {
    built.push(conventional(), ocssd20(), ocssd12());
  } catch (e) {
    for (const b of built) b.close();
    throw e;
  }
  const log: string[] = [];
  // A subsystem that admits another host only: the guest must be refused at Connect and not see it in discovery.
  const denyNs = new ConventionalNamespace({ nsid: 1, store: new MemoryStore(8 << 20), offset: 0, bytes: 8 << 20, serial: 'E2EDENY', ownsStore: true });
  const deny = new NamespaceSubsystem({
    nqn: NQN_PREFIX + 'deny',
    allowedHosts: ['nqn.2026-12.io.ocssd:e2e-some-other-host'],
    namespaces: [denyNs],
    config: { serial: 'E2EDENY', model: E2E_MODEL },
  });
  built.push({ view: { label: 'deny', nqn: deny.nqn, namespaces: [] }, subsystem: deny, namespaces: [denyNs], close: () => denyNs.close() });
  const target = new TcpTarget({
    subsystems: built.map((b) => b.subsystem),
    host: '127.0.0.1',
    port: 0,
    discoveryPort: 0,
    log: (m) => void (log.length < 2000 && log.push(m)),
  });
  const { port, discoveryPort } = await target.listen();
  if (discoveryPort === undefined) throw new Error('TcpTarget: no discovery listener');
  return {
    view: {
      addr: GUEST_FWD_ADDR,
      ioPort: GUEST_IO_PORT,
      discoveryPort: GUEST_DISCOVERY_PORT,
      subsystems: built.filter((b) => b.subsystem !== deny).map((b) => b.view),
      refused: [{ label: 'deny', nqn: deny.nqn }],
    },
    forwards: [
      { guestPort: GUEST_IO_PORT, hostPort: port },
      { guestPort: GUEST_DISCOVERY_PORT, hostPort: discoveryPort },
    ],
    log,
    ocssdState(label) {
      return built.find((x) => x.view.label === label)?.state?.();
    },
    storeHolds(label, bytes) {
      const store = built.find((x) => x.view.label === label)?.store;
      if (store === undefined) throw new Error(`storeHolds: subsystem ${label} has no memory store`);
      const all = Buffer.alloc(store.size);
      store.read(all, 0);
      return all.indexOf(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) >= 0;
    },
    async close() {
      await target.close();
      for (const b of built) b.close();
    },
  };
}
