// One emulated controller as `ocssd serve` runs it: its blueprint (namespaces shared by every
// controller of the subsystem), the server's own host attachment through the in-process
// transport (what `ocssd lnvm`, pblk targets and NBD exports of conventional namespaces use,
// exactly as a kernel would), and the controllers NVMe/TCP associations get.
import { NamespaceSubsystem } from '../transport/index.js';
import { NvmeHost } from '../host/index.js';
import { InProcessTransport } from '../transport/index.js';
import { type DeviceBlueprint, inProcessDevice } from './blueprint.js';

export type DeviceKind = 'nvme' | 'ocssd12' | 'ocssd20';

export interface BuiltDevice {
  readonly kind: DeviceKind;
  readonly blueprint: DeviceBlueprint;
  /** Subsystem NQN it is served under over NVMe/TCP. */
  readonly nqn: string;
}

export interface NamespaceInfo {
  /** Linux-style block device name: nvme0n1. */
  readonly name: string;
  readonly nsid: number;
  readonly kind: string;
  readonly bytes: number;
  readonly lbaSize: number;
  readonly nsze: number;
}

export class ServedDevice {
  private closed = false;

  private constructor(
    /** nvme0, nvme1, ... in the order the devices were given. */
    readonly name: string,
    readonly line: string,
    readonly built: BuiltDevice,
    readonly host: NvmeHost,
    readonly namespaces: readonly NamespaceInfo[],
  ) {}

  static async open(name: string, line: string, built: BuiltDevice): Promise<ServedDevice> {
    const transport = await InProcessTransport.local((bp: DeviceBlueprint, env) => inProcessDevice(bp, env, false), built.blueprint);
    let host: NvmeHost | undefined;
    try {
      host = await NvmeHost.attach(transport);
      await host.createIoQueues(4, 256);
      const namespaces: NamespaceInfo[] = [];
      for (const ns of built.blueprint.namespaces) {
        const id = await host.identifyNamespace(ns.nsid);
        namespaces.push({ name: `${name}n${ns.nsid}`, nsid: ns.nsid, kind: ns.kind, bytes: id.nsze * id.lbaSize, lbaSize: id.lbaSize, nsze: id.nsze });
      }
      return new ServedDevice(name, line, built, host, namespaces);
    } catch (e) {
      if (host !== undefined) await host.close();
      else await transport.close();
      built.blueprint.close();
      throw e;
    }
  }

  get kind(): DeviceKind {
    return this.built.kind;
  }

  get nqn(): string {
    return this.built.nqn;
  }

  /** The subsystem NVMe/TCP serves: one controller per association over the same namespaces. */
  tcpSubsystem(allowedHosts: readonly string[], log: (line: string) => void): NamespaceSubsystem {
    const c = this.built.blueprint.controller;
    return new NamespaceSubsystem({
      nqn: this.nqn,
      ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
      namespaces: this.built.blueprint.namespaces,
      admin: c.admin,
      io: c.io,
      config: c.config,
      ...(c.clock !== undefined ? { clock: c.clock } : {}),
      log,
    });
  }

  namespace(name: string): NamespaceInfo | undefined {
    return this.namespaces.find((n) => n.name === name);
  }

  /** Shuts the host's controller down cleanly (flushing), then closes the namespaces. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.host.close(); // shutdown notification first: namespaces flush
    } finally {
      this.built.blueprint.close();
    }
  }
}
