// A target over conventional namespaces in memory, on free ports of 127.0.0.1, for the NVMe/TCP tests.
import { ConventionalNamespace } from '../../../src/controller/index.js';
import { MemoryStore } from '../../../src/media/index.js';
import { NamespaceSubsystem, TcpTarget, type TcpTargetOptions } from '../../../src/transport/index.js';

export const NQN = 'nqn.2026-11.io.ocssd:test';
export const HOSTNQN = 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001';

export interface TestTarget {
  readonly target: TcpTarget;
  readonly port: number;
  readonly discoveryPort: number;
  readonly subsystem: NamespaceSubsystem;
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startTarget(o: { blocks?: number; lbaIndex?: number; allowedHosts?: string[]; target?: Partial<TcpTargetOptions>; mdts?: number } = {}): Promise<TestTarget> {
  const lbaSize = 4096;
  const blocks = o.blocks ?? 2048;
  const store = new MemoryStore(blocks * lbaSize + 256 * 1024);
  const ns = new ConventionalNamespace({ nsid: 1, store, offset: 0, bytes: store.size, nlbaf: 5, lbaIndex: o.lbaIndex ?? 3, ms: 0, extended: false, serial: 'TCP0001' });
  const subsystem = new NamespaceSubsystem({ nqn: NQN, namespaces: [ns], config: { serial: 'TCP0001', mdts: o.mdts ?? 5, mqes: 127, maxIoQueues: 8 }, ...(o.allowedHosts !== undefined ? { allowedHosts: o.allowedHosts } : {}) });
  const logs: string[] = [];
  const target = new TcpTarget({ subsystems: [subsystem], port: 0, discoveryPort: 0, log: (m) => logs.push(m), ...o.target });
  const { port, discoveryPort } = await target.listen();
  return {
    target,
    port,
    discoveryPort: discoveryPort!,
    subsystem,
    logs,
    async close() {
      await target.close();
      ns.close();
      store.close();
    },
  };
}
