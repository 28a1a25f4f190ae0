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
import { MemoryStore } from '../../src/media/index.js';
import { NamespaceSubsystem, TcpTarget } from '../../src/transport/index.js';
import { openOcssd20Namespace, parseOcssd20Device } from '../../src/server/index.js';
import { createOcssd12Controller } from '../../src/server/ocssd12-device.js';
import { parseOcssd12Device } from '../../src/server/ocssd12-options.js';
import {
  OCSSD12_GROUP,
  OCSSD12_GROUP_OFFSET,
  OCSSD12_IDENTITY,
  OCSSD20_CHUNK_DESCRIPTOR,
  OCSSD20_CHUNK_DESCRIPTOR_SIZE,
  OCSSD20_GEOMETRY,
  decode,
  encodePpa,
  ppafFromIdentity,
} from '../../src/spec/index.js';
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

/** The device line of each OCSSD subsystem: small, in memory; ws_min=1 and mw_cunits=0 so one LBA is a complete, readable write. */
export const OCSSD20_LINE = 'ocssd,lver=2,serial=E2EOC20,num_grp=2,num_pu=2,num_chk=8,clba=64,lbads=12,ms=0,ws_min=1,ws_opt=1,mw_cunits=0';
export const OCSSD12_LINE = 'nvme,lver=1,serial=E2EOC12,size=16M,lnum_ch=2,lnum_lun=2,lpgs_per_blk=16';

function identityOf(ns: Namespace): Buffer {
  const buf = Buffer.alloc(4096);
  if (ns.ocssdIdentity === undefined) throw new Error(`namespace ${ns.nsid} has no Open-Channel identity`);
  ns.ocssdIdentity(buf);
  return buf;
}

function ocssd20(): BuiltSubsystem {
  const ns = openOcssd20Namespace(parseOcssd20Device(OCSSD20_LINE));
  // The test chunk: group 1, PU 1, chunk 3, so every LBA field is non-zero.
  const chunk = { grp: 1, pu: 1, chk: 3 };
  const c = ns.chunkIndex(chunk);
  const lba = BigInt(ns.lbaOf(c, 0));
  const nqn = NQN_PREFIX + 'oc20';
  return {
    view: {
      label: 'oc20',
      nqn,
      namespaces: [
        {
          kind: 'ocssd20',
          nsid: ns.nsid,
          sectorBytes: 4096,
          address: lba,
          eraseAddress: lba,
          identityBytes: identityOf(ns),
          identity: { mjr: 2, mnr: 0, num_grp: 2, num_pu: 2, num_chk: 8, clba: 64, ws_min: 1, ws_opt: 1, mw_cunits: 0, grp_len: 1, pu_len: 1, chk_len: 3, lba_len: 6 },
        },
      ],
    },
    subsystem: new NamespaceSubsystem({ nqn, namespaces: [ns], admin: ocssd20AdminCommands(), config: { serial: 'E2EOC20', model: E2E_MODEL } }),
    namespaces: [ns],
    state: () => decode(OCSSD20_CHUNK_DESCRIPTOR, ns.chunkLog(c * OCSSD20_CHUNK_DESCRIPTOR_SIZE, OCSSD20_CHUNK_DESCRIPTOR_SIZE)) as Record<string, number | bigint>,
    close: () => ns.close(),
  };
}

function ocssd12(): BuiltSubsystem {
  const ctrl: Controller = createOcssd12Controller(parseOcssd12Device(OCSSD12_LINE), { log: () => {} });
  const namespaces = [...ctrl.namespaces.values()];
  const ns = namespaces[0]!;
  const id = identityOf(ns);
  const fmt = ppafFromIdentity(decode(OCSSD12_IDENTITY, id));
  // Channel 1, LUN 1, block 2, page 0: a free block away from the start.
  const ppa = encodePpa(fmt, { ch: 1, lun: 1, pln: 0, blk: 2, pg: 0, sec: 0 });
  const nqn = NQN_PREFIX + 'oc12';
  return {
    view: {
      label: 'oc12',
      nqn,
      namespaces: [
        {
          kind: 'ocssd12',
          nsid: ns.nsid,
          sectorBytes: 4096,
          address: ppa,
          eraseAddress: ppa,
          identityBytes: id,
          identity: { ver_id: 1, cgrps: 1, 'group0.num_ch': 2, 'group0.num_lun': 2, 'group0.num_pln': 1, 'group0.num_pg': 16, 'group0.fpg_sz': 4096, 'group0.csecs': 4096 },
        },
      ],
    },
    subsystem: new NamespaceSubsystem({ nqn, namespaces, admin: [createAdminCommands(), OCSSD12_ADMIN_COMMANDS], config: { serial: 'E2EOC12', model: E2E_MODEL } }),
    namespaces,
    close: () => ctrl.close(),
  };
}

/** Decodes a 0xE2 answer into the flat field map OcssdNamespaceView.identity uses (1.2 group 0 fields as "group0.<name>"). */
export function decodeIdentity(kind: 'ocssd12' | 'ocssd20', bytes: Uint8Array): Record<string, unknown> {
  if (kind === 'ocssd20') return decode(OCSSD20_GEOMETRY, bytes);
  const top: Record<string, unknown> = { ...decode(OCSSD12_IDENTITY, bytes) };
  for (const [k, v] of Object.entries(decode(OCSSD12_GROUP, bytes, OCSSD12_GROUP_OFFSET))) top[`group0.${k}`] = v;
  return top;
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
  const built: BuiltSubsystem[] = [];
  try {
    built.push(conventional(), ocssd20(), ocssd12());
  } catch (e) {
    for (const b of built) b.close();
    throw e;
  }
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
