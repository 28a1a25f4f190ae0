// `ocssd serve` as an object: the devices of the configuration, each with the server's own host
// attachment, and the control API. The NVMe/TCP target, the NBD server and pblk targets plug
// in here as they arrive. start() either brings everything up or closes what it opened and
// throws; stop() flushes and closes every device, whatever state the rest is in.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type BlockVolume, NamespaceVolume } from '../host/index.js';
import { NbdServer } from '../nbd/index.js';
import { TcpTarget } from '../transport/index.js';
import { parseNbdServerOptions } from './nbd-options.js';
import { ControlApi } from './control-api.js';
import { apiRoutes } from './api-routes.js';
import { buildDevice } from './devices.js';
import { ServedDevice } from './served-device.js';
import type { ServeConfig } from './serve-config.js';

export interface ServerListeners {
  control?: AddressInfo;
  nvmeTcp?: AddressInfo;
  discovery?: AddressInfo;
  nbd?: AddressInfo;
}

export class OcssdServer {
  readonly devices: ServedDevice[] = [];
  readonly listeners: ServerListeners = {};
  readonly startedAt = Date.now();
  private control: ControlApi | undefined;
  private tcp: TcpTarget | undefined;
  /** The NBD server: conventional namespaces and pblk targets are its exports. */
  nbd: NbdServer | undefined;
  /** Volumes over conventional namespaces the server exports (closed after the NBD server). */
  private readonly volumes: BlockVolume[] = [];
  private stopping: Promise<void> | undefined;
  /** Resolves when stop() has finished (for `serve`, which waits on it). */
  readonly stopped: Promise<void>;
  private markStopped!: () => void;

  private constructor(
    readonly config: ServeConfig,
    readonly log: (line: string) => void,
  ) {
    this.stopped = new Promise((ok) => (this.markStopped = ok));
  }

  static async start(config: ServeConfig, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<OcssdServer> {
    const server = new OcssdServer(config, log);
    try {
      mkdirSync(config.dataDir, { recursive: true });
      for (const [i, line] of config.devices.entries()) {
        const name = `nvme${i}`;
        server.devices.push(await ServedDevice.open(name, line, buildDevice(line, { name, log })));
      }
      if (config.tcpPort >= 0) {
        const tcp = new TcpTarget({
          subsystems: server.devices.map((d) => d.tcpSubsystem(config.allowedHosts, (l) => log(`nvme-tcp ${d.nqn}: ${l}`))),
          host: config.host,
          port: config.tcpPort,
          discoveryPort: config.discoveryPort >= 0 ? config.discoveryPort : null,
          log: (l) => log(`nvme-tcp: ${l}`),
        });
        server.tcp = tcp;
        const ports = await tcp.listen();
        server.listeners.nvmeTcp = { address: config.host, family: 'IPv4', port: ports.port };
        if (ports.discoveryPort !== undefined) server.listeners.discovery = { address: config.host, family: 'IPv4', port: ports.discoveryPort };
      }
      if (config.nbdPort >= 0) {
        const nbd = new NbdServer({ ...parseNbdServerOptions(`host=${config.host},port=${config.nbdPort}`), log: (l) => log(`nbd: ${l}`) });
        server.nbd = nbd;
        for (const d of server.devices)
          for (const ns of d.namespaces.filter((n) => n.kind === 'nvm')) {
            const volume = await NamespaceVolume.open(d.host, ns.nsid, { name: ns.name });
            server.volumes.push(volume);
            nbd.addExport(volume, { description: `conventional namespace ${ns.nsid} of ${d.name}` });
          }
        server.listeners.nbd = { address: config.host, family: 'IPv4', port: await nbd.listen() };
      }
      if (config.controlPort >= 0) {
        server.control = new ControlApi(apiRoutes(server));
        server.listeners.control = await server.control.listen(config.host, config.controlPort);
      }
      return server;
    } catch (e) {
      await server.stop();
      throw e;
    }
  }

  namespace(name: string): { device: ServedDevice; nsid: number } | undefined {
    for (const device of this.devices) {
      const ns = device.namespace(name);
      if (ns !== undefined) return { device, nsid: ns.nsid };
    }
    return undefined;
  }

  /** Closes listeners, then every device (flushing its state). Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const errors: unknown[] = [];
      const attempt = async (f: () => Promise<void>) => {
        try {
          await f();
        } catch (e) {
          errors.push(e);
        }
      };
      if (this.control !== undefined) await attempt(() => this.control!.close());
      if (this.tcp !== undefined) await attempt(() => this.tcp!.close());
      if (this.nbd !== undefined) await attempt(() => this.nbd!.close());
      for (const v of this.volumes) await attempt(() => v.close());
      for (const d of this.devices) await attempt(() => d.close());
      this.markStopped();
      if (errors.length > 0) this.log(`ocssd: while stopping: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
    })();
    return this.stopping;
  }
}
