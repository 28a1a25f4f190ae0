// The NVMe/TCP target: listens (127.0.0.1:4420 by default, and the discovery port 8009), accepts
// connections, and owns the associations: an admin Connect makes a Controller through the
// subsystem (dynamic controller IDs), I/O Connects join it, Keep Alive is watched with the KATO
// the host asked for, and the end of the admin queue ends the association. A discovery
// controller (nqn.2014-08.org.nvmexpress.discovery) answers on every listener with the
// Discovery log listing every subsystem this host may reach.
import { createServer, type Server, type Socket } from 'node:net';
import {
  CommandTable,
  Controller,
  FABRICS_COMMANDS,
  INVALID_HOST_REFUSAL,
  S,
  applyConnectKato,
  createDiscoveryCommands,
  invalidConnectParameter,
  isConnectRefusal,
  keepAliveTimeout,
  parseConnect,
  type DiscoveryRecord,
  type FabricsIdentity,
  type SqeView,
} from '../../controller/index.js';
import {
  AddressFamily,
  CNTLID_DYNAMIC,
  CNTLID_MAX,
  CONNECT_COMMAND,
  CONNECT_DATA,
  ConnectAttr,
  ControllerType,
  DISCOVERY_NQN,
  NVME_TCP_DISCOVERY_PORT,
  NVME_TCP_PORT,
  SubsystemType,
  TcpSecType,
  TransportType,
  Treq,
} from '../../spec/index.js';
import { ADMIN_IN_CAPSULE, type ConnectionHost, type ConnectionLimits, TargetConnection } from './target-connection.js';
import type { TcpSubsystem } from './subsystem.js';

export interface TcpTargetOptions {
  readonly subsystems: readonly TcpSubsystem[];
  /** Listen address (default 127.0.0.1: only this machine). */
  readonly host?: string;
  /** I/O port (default 4420; 0 = any free port). */
  readonly port?: number;
  /** Discovery port (default 8009; 0 = any free port; null = no separate discovery listener). */
  readonly discoveryPort?: number | null;
  /** The address the discovery log advertises (default: host, or 127.0.0.1 for a wildcard host). */
  readonly advertiseAddress?: string;
  readonly maxH2CData?: number;
  /** In-capsule data bytes on I/O queues (IOCCSZ = (64 + this) / 16). */
  readonly inCapsuleData?: number;
  /** Most entries per queue the target accepts at Connect (SQSIZE + 1). */
  readonly maxQueueEntries?: number;
  /** Most I/O queues per association. */
  readonly maxIoQueues?: number;
  readonly maxConnections?: number;
  /** Data buffer bytes per connection. */
  readonly bufferBudget?: number;
  /** Most bytes one command may transfer. */
  readonly maxTransfer?: number;
  readonly handshakeTimeoutMs?: number;
  /** Unsent answer bytes (beyond bufferBudget) at which a connection stops reading until the peer reads. */
  readonly sendBacklog?: number;
  readonly log?: (message: string) => void;
}

const DEFAULTS = {
  maxH2CData: 128 * 1024,
  inCapsuleData: 8192,
  maxQueueEntries: 128,
  maxIoQueues: 16,
  maxConnections: 256,
  bufferBudget: 8 * 1024 * 1024,
  maxTransfer: 4 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  sendBacklog: 1024 * 1024,
} as const;

/** Controller, host and queues of one association. */
export interface Association {
  readonly cntlid: number;
  readonly subnqn: string;
  readonly hostnqn: string;
  readonly hostid: Uint8Array;
  readonly ctrl: Controller;
  readonly subsystem: TcpSubsystem | undefined;
  readonly queues: Map<number, TargetConnection>;
  keepAlive: NodeJS.Timeout | undefined;
}

interface Listener {
  readonly server: Server;
  readonly discovery: boolean;
  port: number;
}

function check(name: string, v: number, min: number, max: number, extra = ''): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`TcpTarget option ${name} = ${v}: allowed ${min}..${max}${extra}`);
  return v;
}

export class TcpTarget implements ConnectionHost {
  readonly limits: ConnectionLimits;
  readonly host: string;
  private readonly subsystems = new Map<string, TcpSubsystem>();
  private readonly associations = new Map<string, Map<number, Association>>();
  private readonly connections = new Set<TargetConnection>();
  /** Every accepted socket until it closes (a connection that sent a TermReq lingers a moment to flush it). */
  private readonly sockets = new Set<Socket>();
  private readonly listeners: Listener[] = [];
  private readonly maxQueueEntries: number;
  private readonly maxIoQueues: number;
  private readonly maxConnections: number;
  private readonly fabrics: FabricsIdentity;
  private nextConnId = 1;
  private genctr = 1;
  private readonly logFn: (m: string) => void;

  constructor(private readonly options: TcpTargetOptions) {
    const o = options;
    this.host = o.host ?? '127.0.0.1';
    for (const s of o.subsystems) {
      if (s.nqn === DISCOVERY_NQN) throw new RangeError(`subsystem NQN ${s.nqn}: reserved for the discovery controller`);
      if (this.subsystems.has(s.nqn)) throw new RangeError(`subsystem NQN ${s.nqn} is given twice`);
      this.subsystems.set(s.nqn, s);
    }
    const maxH2CData = check('maxH2CData', o.maxH2CData ?? DEFAULTS.maxH2CData, 4096, 16 * 1024 * 1024);
    if (maxH2CData % 4 !== 0) throw new RangeError(`TcpTarget option maxH2CData = ${maxH2CData}: must be a multiple of 4`);
    const inCapsuleData = check('inCapsuleData', o.inCapsuleData ?? DEFAULTS.inCapsuleData, 0, 65536);
    if (inCapsuleData % 16 !== 0) throw new RangeError(`TcpTarget option inCapsuleData = ${inCapsuleData}: must be a multiple of 16`);
    this.maxQueueEntries = check('maxQueueEntries', o.maxQueueEntries ?? DEFAULTS.maxQueueEntries, 2, 4096);
    this.maxIoQueues = check('maxIoQueues', o.maxIoQueues ?? DEFAULTS.maxIoQueues, 0, 1024);
    this.maxConnections = check('maxConnections', o.maxConnections ?? DEFAULTS.maxConnections, 1, 65536);
    const bufferBudget = check('bufferBudget', o.bufferBudget ?? DEFAULTS.bufferBudget, 64 * 1024, 2 ** 31);
    const maxTransfer = check('maxTransfer', o.maxTransfer ?? DEFAULTS.maxTransfer, 4096, bufferBudget, ' (at most bufferBudget)');
    // Every queue slot may hold an in-capsule buffer while the budget still serves one whole transfer.
    if (inCapsuleData > 0 && bufferBudget < maxTransfer) throw new RangeError(`TcpTarget option bufferBudget = ${bufferBudget}: must be >= maxTransfer = ${maxTransfer}`);
    this.limits = {
      maxH2CData,
      inCapsuleData,
      maxC2HData: Math.min(maxTransfer, 1024 * 1024),
      bufferBudget,
      maxTransfer,
      handshakeTimeoutMs: check('handshakeTimeoutMs', o.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs, 1, 600_000),
      sendBacklog: check('sendBacklog', o.sendBacklog ?? DEFAULTS.sendBacklog, 0, 2 ** 30),
    };
    this.fabrics = { ioccsz: (64 + inCapsuleData) / 16, iorcsz: 1 };
    this.logFn = o.log ?? ((m) => process.stderr.write(`ocssd nvme-tcp: ${m}\n`));
  }

  /** Starts the listeners; resolves with the bound ports. */
  async listen(): Promise<{ port: number; discoveryPort: number | undefined }> {
    const port = await this.open(this.options.port ?? NVME_TCP_PORT, false);
    const dp = this.options.discoveryPort === undefined ? NVME_TCP_DISCOVERY_PORT : this.options.discoveryPort;
    const discoveryPort = dp === null ? undefined : await this.open(dp, true);
    return { port, discoveryPort };
  }

  get port(): number {
    return this.listeners.find((l) => !l.discovery)?.port ?? 0;
  }

  get discoveryPort(): number | undefined {
    return this.listeners.find((l) => l.discovery)?.port;
  }

  private open(port: number, discovery: boolean): Promise<number> {
    const server = createServer((s) => this.accept(s));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        server.on('error', (e) => this.log(`listener error: ${e.message}`));
        const addr = server.address();
        const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
        this.listeners.push({ server, discovery, port: bound });
        resolve(bound);
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= this.maxConnections) {
      this.log(`refusing a connection from ${socket.remoteAddress}: ${this.maxConnections} connections already`);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.connections.add(new TargetConnection(socket, this, this.nextConnId++));
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    for (const c of [...this.connections]) c.close();
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.server.close(() => r()))));
    this.listeners.length = 0;
  }

  log(message: string): void {
    this.logFn(message);
  }

  /** Live associations (for tests and the control API). */
  listAssociations(): Association[] {
    return [...this.associations.values()].flatMap((m) => [...m.values()]);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Live connections (diagnostics, tests). */
  listConnections(): TargetConnection[] {
    return [...this.connections];
  }

  // ---- Connect ----

  connect(conn: TargetConnection, sqe: SqeView, data: Uint8Array | undefined): { status: number; dw0: number } {
    const req = parseConnect(sqe, data, this.maxQueueEntries - 1);
    if (isConnectRefusal(req)) return req;
    const isDiscovery = req.subnqn === DISCOVERY_NQN;
    const subsystem = this.subsystems.get(req.subnqn);
    if (!isDiscovery && subsystem === undefined) return invalidConnectParameter(CONNECT_DATA.offset.subnqn, true);
    if (subsystem?.allowedHosts !== undefined && !subsystem.allowedHosts.includes(req.hostnqn)) {
      this.log(`refusing host ${req.hostnqn} for ${req.subnqn}: not in its allowed hosts`);
      return INVALID_HOST_REFUSAL;
    }
    return req.qid === 0 ? this.connectAdmin(conn, req, subsystem) : this.connectIo(conn, req, isDiscovery);
  }

  private connectAdmin(conn: TargetConnection, req: Exclude<ReturnType<typeof parseConnect>, { status: number }>, subsystem: TcpSubsystem | undefined): { status: number; dw0: number } {
    let byId = this.associations.get(req.subnqn);
    if (byId === undefined) this.associations.set(req.subnqn, (byId = new Map()));
    let cntlid = 1;
    while (byId.has(cntlid) && cntlid <= CNTLID_MAX) cntlid++;
    if (cntlid > CNTLID_MAX) return { status: S.INVALID_FIELD, dw0: 0 };
    let ctrl: Controller;
    try {
      ctrl = subsystem === undefined ? this.discoveryController(cntlid, req.hostnqn) : subsystem.createController(cntlid, req.hostnqn, this.fabrics, { maxQueueEntries: this.maxQueueEntries, maxIoQueues: this.maxIoQueues });
    } catch (e) {
      this.log(`subsystem ${req.subnqn} could not make a controller: ${e instanceof Error ? e.message : String(e)}`);
      return { status: S.INTERNAL_ERROR, dw0: 0 };
    }
    const a: Association = { cntlid, subnqn: req.subnqn, hostnqn: req.hostnqn, hostid: req.hostid, ctrl, subsystem, queues: new Map([[0, conn]]), keepAlive: undefined };
    byId.set(cntlid, a);
    conn.ctrl = ctrl;
    conn.qid = 0;
    conn.entries = req.entries;
    conn.sqFlowControl = (req.cattr & ConnectAttr.DISABLE_SQ_FLOW_CONTROL) === 0;
    conn.association = a;
    applyConnectKato(ctrl, req.kato);
    ctrl.onDeferredComplete = (sqid, cid, st, dw0, dw1) => a.queues.get(sqid)?.completeDeferred(cid, st, dw0, dw1);
    // A controller reset (CC.EN 1 -> 0) deletes the I/O queues: over a fabric, their connections.
    ctrl.transportHooks = {
      reset: () => {
        this.dropIoQueues(a);
        // The reset restores feature defaults after this hook; the KATO of the Connect stays in force.
        queueMicrotask(() => {
          if (keepAliveTimeout(ctrl) === 0) applyConnectKato(ctrl, req.kato);
        });
      },
    };
    this.watchKeepAlive(a, conn);
    this.log(`association ${req.subnqn} cntlid ${cntlid} for ${req.hostnqn}${req.kato > 0 ? `, KATO ${req.kato} ms` : ''}`);
    return { status: 0, dw0: cntlid };
  }

  private connectIo(conn: TargetConnection, req: Exclude<ReturnType<typeof parseConnect>, { status: number }>, isDiscovery: boolean): { status: number; dw0: number } {
    const C = CONNECT_COMMAND.offset;
    if (isDiscovery) return invalidConnectParameter(C.qid, false);
    const a = this.associations.get(req.subnqn)?.get(req.cntlid);
    if (req.cntlid === CNTLID_DYNAMIC || a === undefined) return invalidConnectParameter(CONNECT_DATA.offset.cntlid, true);
    if (a.hostnqn !== req.hostnqn) return invalidConnectParameter(CONNECT_DATA.offset.hostnqn, true);
    if (!a.hostid.every((b, i) => b === req.hostid[i])) return invalidConnectParameter(CONNECT_DATA.offset.hostid, true);
    const ctrl = a.ctrl;
    if (!ctrl.registers.enabled) return { status: S.COMMAND_SEQUENCE_ERROR, dw0: 0 };
    const granted = ctrl.grantedQueues?.sq ?? ctrl.config.maxIoQueues - 1;
    if (req.qid > Math.min(granted + 1, this.maxIoQueues, ctrl.config.maxIoQueues) || a.queues.has(req.qid)) return invalidConnectParameter(C.qid, false);
    if (req.entries > ctrl.config.mqes + 1) return invalidConnectParameter(C.sqsize, false);
    a.queues.set(req.qid, conn);
    conn.ctrl = ctrl;
    conn.qid = req.qid;
    conn.entries = req.entries;
    conn.sqFlowControl = (req.cattr & ConnectAttr.DISABLE_SQ_FLOW_CONTROL) === 0;
    conn.association = a;
    return { status: 0, dw0: a.cntlid };
  }

  private discoveryController(cntlid: number, hostnqn: string): Controller {
    return new Controller({
      admin: [createDiscoveryCommands(() => ({ genctr: this.genctr, records: this.discoveryRecords(hostnqn) })), FABRICS_COMMANDS],
      io: new CommandTable('io', []),
      config: { cntlid, subnqn: DISCOVERY_NQN, controllerType: ControllerType.DISCOVERY, fabrics: { ioccsz: 4, iorcsz: 1 }, maxIoQueues: 1, model: 'ocssd discovery controller' },
      log: (m) => this.log(m),
    });
  }

  /** One record per subsystem this host may reach, on the I/O listener. */
  discoveryRecords(hostnqn: string): DiscoveryRecord[] {
    const traddr = this.options.advertiseAddress ?? (this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host);
    const ipv6 = traddr.includes(':');
    const records: DiscoveryRecord[] = [];
    for (const s of this.subsystems.values()) {
      if (s.allowedHosts !== undefined && !s.allowedHosts.includes(hostnqn)) continue;
      records.push({
        trtype: TransportType.TCP,
        adrfam: ipv6 ? AddressFamily.IPV6 : AddressFamily.IPV4,
        subtype: SubsystemType.NVME,
        treq: Treq.NOT_SPECIFIED | Treq.SQFLOW_DISABLE_SUPPORTED,
        portid: 1,
        cntlid: CNTLID_DYNAMIC,
        asqsz: 32,
        trsvcid: String(this.port),
        subnqn: s.nqn,
        traddr,
        sectype: TcpSecType.NONE,
      });
    }
    return records;
  }

  // ---- association life ----

  private watchKeepAlive(a: Association, admin: TargetConnection): void {
    const kato = keepAliveTimeout(a.ctrl);
    if (kato === 0) return;
    // Checked a few times per KATO; the host sends Keep Alive about every KATO / 2.
    a.keepAlive = setInterval(() => {
      const now = performance.now();
      const k = keepAliveTimeout(a.ctrl);
      if (k > 0 && now - admin.lastCommandAt > k) {
        this.log(`association ${a.subnqn} cntlid ${a.cntlid}: keep-alive timeout (${k} ms); ending it`);
        this.endAssociation(a);
      }
    }, Math.max(50, Math.min(kato / 4, 1000)));
    a.keepAlive.unref();
  }

  private dropIoQueues(a: Association): void {
    for (const [qid, c] of [...a.queues]) if (qid !== 0) c.close();
  }

  private endAssociation(a: Association): void {
    if (a.keepAlive !== undefined) clearInterval(a.keepAlive);
    a.keepAlive = undefined;
    const byId = this.associations.get(a.subnqn);
    if (byId?.get(a.cntlid) !== a) return;
    byId.delete(a.cntlid);
    for (const c of [...a.queues.values()]) c.close();
    try {
      a.subsystem?.releaseController(a.ctrl);
    } catch (e) {
      this.log(`releasing cntlid ${a.cntlid} of ${a.subnqn}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  closed(conn: TargetConnection): void {
    this.connections.delete(conn);
    const a = conn.association as Association | undefined;
    if (a === undefined) return;
    if (a.queues.get(conn.qid) === conn) a.queues.delete(conn.qid);
    // The admin queue's connection carries the association.
    if (conn.qid === 0) this.endAssociation(a);
  }
}

export { ADMIN_IN_CAPSULE };
