// The ocssd side of the e2e test: the emulator's NVMe/TCP target on host loopback, and the view
// of it the guest session needs. Today the target runs inside the driver process (TcpTarget over
// in-memory namespaces); `startServeTarget` in serve-target.ts is the same contract with a
// spawned `ocssd serve` child, so switching is one line in the test.

import { ConventionalNamespace, type Namespace } from '../../src/controller/index.js';
import { MemoryStore } from '../../src/media/index.js';
import { NamespaceSubsystem, TcpTarget } from '../../src/transport/index.js';
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
  close(): void;
}

// Conventional: two namespaces of different sizes and LBA formats (lba_index 3 = 4 KiB, 0 = 512 B).
function conventional(): BuiltSubsystem {
  const serial = 'E2ENVM0001';
  const sizes = [{ bytes: 64 << 20, lbaIndex: 3 }, { bytes: 16 << 20, lbaIndex: 0 }];
  const store = new MemoryStore(sizes.reduce((a, s) => a + s.bytes, 0));
  let offset = 0;
  const namespaces: ConventionalNamespace[] = [];
  const views: NamespaceView[] = [];
  sizes.forEach((s, i) => {
    const ns = new ConventionalNamespace({ nsid: i + 1, store, offset, bytes: s.bytes, lbaIndex: s.lbaIndex, serial });
    namespaces.push(ns);
    // The region keeps a header and the block state map, so NSZE is what the namespace says.
    views.push({ kind: 'nvm', nsid: i + 1, lbaBytes: ns.lbaSize, blocks: ns.nsze, patternOffset: 1 << 20 });
    offset += s.bytes;
  });
  const nqn = NQN_PREFIX + 'nvm';
  return {
    view: { label: 'nvm', nqn, namespaces: views },
    subsystem: new NamespaceSubsystem({ nqn, namespaces, config: { serial, model: E2E_MODEL } }),
    namespaces,
    store,
    close: () => {
      for (const ns of namespaces) ns.close();
      store.close();
    },
  };
}

/** Starts the emulator's TcpTarget in this process on 127.0.0.1 (ephemeral ports). */
export async function startInProcessTarget(): Promise<RunningTarget> {
  const built = [conventional()];
  const log: string[] = [];
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
    view: { addr: GUEST_FWD_ADDR, ioPort: GUEST_IO_PORT, discoveryPort: GUEST_DISCOVERY_PORT, subsystems: built.map((b) => b.view) },
    forwards: [
      { guestPort: GUEST_IO_PORT, hostPort: port },
      { guestPort: GUEST_DISCOVERY_PORT, hostPort: discoveryPort },
    ],
    log,
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
