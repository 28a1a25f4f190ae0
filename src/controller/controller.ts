// One NVMe controller: registers, namespaces, features, logs, asynchronous events, and the one
// dispatch path every command takes (parse, execute, one completion). Transport neutral: the
// PCIe-like queue engine (queue-engine.ts) and NVMe/TCP both hand it submission entries and a
// DataMover, and take a status and the result dwords back.
import { type Clock, WallClock } from '../media/index.js';
import { FABRICS_OPCODE, FeatureId, Fuse, statusName } from '../spec/index.js';
import { AsyncEvents } from './async-events.js';
import { type CommandContext, type CommandDef, type CommandResult, CommandTable, DEFERRED, type CommandSet } from './command.js';
import type { DataMover } from './data-mover.js';
import { ErrorLog } from './error-log.js';
import { FeatureStore } from './features.js';
import type { Namespace } from './namespace.js';
import { ControllerRegisters, type RegisterHooks } from './registers.js';
import type { SqeView } from './sqe-view.js';
import { S } from './statuses.js';

export const ALL_NAMESPACES = 0xffffffff;

export interface ControllerConfig {
  /** Identify Controller SN (the original's `serial`). */
  readonly serial: string;
  readonly model: string;
  readonly firmware: string;
  /** PCI vendor and subsystem vendor IDs (0x1D1D: CNEX Labs, which Linux's LightNVM quirk matches). */
  readonly vid: number;
  readonly ssvid: number;
  readonly ieeeOui: number;
  readonly cntlid: number;
  /** Max data transfer: 2^mdts pages of CAP.MPSMIN (4 KiB); 0 = no limit. */
  readonly mdts: number;
  /** I/O submission (and completion) queues the controller can create. */
  readonly maxIoQueues: number;
  /** Max entries per queue, 0's based (CAP.MQES; the original's `entries`). */
  readonly mqes: number;
  /** Outstanding Asynchronous Event Requests, 0's based (AERL). */
  readonly aerl: number;
  /** Outstanding Abort commands, 0's based (ACL). */
  readonly acl: number;
  /** Error log entries, 0's based (ELPE). */
  readonly elpe: number;
  /** A volatile write cache is present (VWC; the original's `vwc`). */
  readonly vwc: boolean;
  /** NVM subsystem NQN. */
  readonly subnqn: string;
  /** The controller accepts SGL data pointers (SGLS). */
  readonly sgl: boolean;
  /** Identify Controller CNTRLTYPE (1 I/O, 2 discovery). */
  readonly controllerType: number;
  /**
   * Set for a controller reached over NVMe over Fabrics: the capsule sizes Identify reports,
   * and the fabrics rules (no memory-based queues; only Fabrics commands until CC.EN = 1).
   */
  readonly fabrics?: FabricsIdentity;
}

/** What Identify Controller reports of a fabrics controller's capsules. */
export interface FabricsIdentity {
  /** I/O queue command capsule size in 16-byte units (SQE + in-capsule data). */
  readonly ioccsz: number;
  /** I/O queue response capsule size in 16-byte units. */
  readonly iorcsz: number;
}

export const DEFAULT_CONTROLLER_CONFIG: ControllerConfig = {
  serial: 'OCSSD0001',
  model: 'ocssd NVMe controller',
  firmware: '1.0',
  vid: 0x1d1d,
  ssvid: 0x1d1d,
  ieeeOui: 0x00_02_b3, // what the original reports
  cntlid: 1,
  mdts: 10,
  maxIoQueues: 63, // the original's queues=64 counts the admin queue
  mqes: 0x7ff,
  aerl: 3,
  acl: 3,
  elpe: 3,
  vwc: false,
  subnqn: 'nqn.2026-11.io.ocssd:ctrl-1',
  sgl: true,
  controllerType: 1,
};

/** Queue management, provided by a transport that has memory-based queues (PCIe-like). */
export interface QueueAdmin {
  createCq(qid: number, entries: number, base: number, contiguous: boolean, interrupts: boolean, vector: number): number;
  createSq(qid: number, entries: number, base: number, contiguous: boolean, cqid: number, priority: number): number;
  deleteSq(qid: number): number;
  deleteCq(qid: number): number;
  /** Aborts command `cid` of `sqid` if it has not started; true when aborted. */
  abort(sqid: number, cid: number): boolean;
}

/** SMART / Health counters (Log 0x02). Data units are thousands of 512-byte units. */
export interface SmartCounters {
  dataUnitsRead: number;
  dataUnitsWritten: number;
  hostReadCommands: number;
  hostWriteCommands: number;
  mediaErrors: number;
  controllerBusyMinutes: number;
  powerCycles: number;
  unsafeShutdowns: number;
  /** The exact 512-byte unit totals behind the data unit counts, so rounding up stays exact. */
  units512Read: number;
  units512Written: number;
}

export interface ControllerOptions {
  readonly config?: Partial<ControllerConfig>;
  /** Admin command sets: the base admin set plus personality extensions (OCSSD 0xE2, ...). */
  readonly admin: readonly CommandSet<Controller>[];
  /** I/O table for commands that name no single namespace (Flush to all). */
  readonly io: CommandTable;
  readonly clock?: Clock;
  /** Where emulator bugs (a handler that threw) are reported. */
  readonly log?: (message: string) => void;
}

export class Controller implements RegisterHooks {
  readonly config: ControllerConfig;
  readonly registers: ControllerRegisters;
  readonly admin: CommandTable<Controller>;
  readonly io: CommandTable;
  readonly namespaces = new Map<number, Namespace>();
  readonly features: FeatureStore;
  readonly errors: ErrorLog;
  readonly events: AsyncEvents;
  readonly clock: Clock;
  readonly smart: SmartCounters = { dataUnitsRead: 0, dataUnitsWritten: 0, hostReadCommands: 0, hostWriteCommands: 0, mediaErrors: 0, controllerBusyMinutes: 0, powerCycles: 1, unsafeShutdowns: 0, units512Read: 0, units512Written: 0 };
  /** Namespaces changed since the Changed Namespace List log was last read. */
  readonly changedNamespaces = new Set<number>();
  /** Set by the transport that owns memory-based queues. */
  queues: QueueAdmin | undefined;
  /** Set by the transport: completes a command that returned DEFERRED. */
  onDeferredComplete: (sqid: number, cid: number, status: number, dw0: number, dw1: number) => void = () => {};
  /** Set by the transport: controller reset / shutdown hooks beyond the controller's own state. */
  transportHooks: Partial<RegisterHooks> = {};
  /** Emulated time of the last Keep Alive (or any admin command, which also counts). */
  lastKeepAlive = 0;
  /** I/O queues granted by Set Features Number of Queues (0's based NSQA, NCQA); undefined until set. */
  grantedQueues: { sq: number; cq: number } | undefined;

  private readonly log: (message: string) => void;
  private readonly result: CommandResult = { dw0: 0, dw1: 0, completesAt: 0 };
  private readonly ctx: { sqe: SqeView; sqid: number; data: DataMover; result: CommandResult; ns: Namespace | undefined; ctrl: Controller };

  constructor(options: ControllerOptions) {
    this.config = { ...DEFAULT_CONTROLLER_CONFIG, ...options.config };
    this.clock = options.clock ?? new WallClock();
    this.log = options.log ?? ((m) => process.stderr.write(`ocssd controller: ${m}\n`));
    this.admin = new CommandTable('admin', options.admin);
    this.io = options.io;
    this.registers = new ControllerRegisters({ mqes: this.config.mqes, mpsmin: 0, mpsmax: 4, timeout: 0x0f }, this);
    this.features = new FeatureStore(
      new Map([
        [FeatureId.ARBITRATION, 0x1f0f0706 & ~0x7], // the original's default, arbitration burst 1
        [FeatureId.TEMPERATURE_THRESHOLD, 0x14d], // 333 K over-temperature threshold
        [FeatureId.VOLATILE_WRITE_CACHE, this.config.vwc ? 1 : 0],
        [FeatureId.NUMBER_OF_QUEUES, ((this.config.maxIoQueues - 1) | ((this.config.maxIoQueues - 1) << 16)) >>> 0],
      ]),
    );
    this.errors = new ErrorLog(this.config.elpe + 1);
    this.events = new AsyncEvents(this.config.aerl + 1, (cid, dw0) => this.onDeferredComplete(0, cid, 0, dw0, 0));
    this.ctx = { sqe: undefined as unknown as SqeView, sqid: 0, data: undefined as unknown as DataMover, result: this.result, ns: undefined, ctrl: this };
  }

  // ---- namespaces ----

  attachNamespace(ns: Namespace): void {
    if (!Number.isInteger(ns.nsid) || ns.nsid < 1 || ns.nsid >= ALL_NAMESPACES) throw new RangeError(`nsid ${ns.nsid}: allowed 1..4294967294`);
    if (this.namespaces.has(ns.nsid)) throw new Error(`namespace ${ns.nsid} is already attached`);
    this.namespaces.set(ns.nsid, ns);
    this.changedNamespaces.add(ns.nsid);
  }

  /** Active NSIDs in increasing order. */
  activeNsids(): number[] {
    return [...this.namespaces.keys()].sort((a, b) => a - b);
  }

  /** Highest NSID the controller may use (Identify Controller NN). */
  get nn(): number {
    return Math.max(1, ...this.namespaces.keys());
  }

  /** Max transfer in bytes (0 = no limit), from MDTS and CAP.MPSMIN (4 KiB). */
  get maxTransfer(): number {
    return this.config.mdts === 0 ? 0 : 2 ** this.config.mdts * 4096;
  }

  writeCacheEnabled(): boolean {
    return this.config.vwc && (this.features.get(FeatureId.VOLATILE_WRITE_CACHE) & 1) === 1;
  }

  /** Feature 0x05 (Error Recovery) DULBE, bit 16, for `nsid`. */
  dulbe(nsid: number): boolean {
    return ((this.features.get(FeatureId.ERROR_RECOVERY, nsid) >>> 16) & 1) === 1;
  }

  // ---- the dispatch path ----

  /**
   * Executes one command. Returns its status (0 = success) or DEFERRED; the result dwords and
   * completion time are in `lastResult` until the next call.
   */
  execute(sqid: number, sqe: SqeView, data: DataMover): number {
    const ctx = this.ctx;
    ctx.sqe = sqe;
    ctx.sqid = sqid;
    ctx.data = data;
    ctx.ns = undefined;
    const r = this.result;
    r.dw0 = 0;
    r.dw1 = 0;
    r.completesAt = this.lastStartedAt = this.clock.now();
    let status: number;
    try {
      status = this.dispatch(ctx);
    } catch (e) {
      this.log(`bug: ${sqid === 0 ? 'admin' : 'I/O'} opcode 0x${sqe.opc.toString(16)} threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      status = S.INTERNAL_ERROR;
    }
    if (status !== 0 && status !== DEFERRED) this.recordError(sqid, sqe, status);
    return status;
  }

  /** When the last command started: a completion not later than this is due at once. */
  lastStartedAt = 0;

  get lastResult(): Readonly<CommandResult> {
    return this.result;
  }

  private dispatch(ctx: CommandContext<Controller>): number {
    const sqe = ctx.sqe;
    const nsid = sqe.nsid;
    let def: CommandDef<Controller> | CommandDef | undefined;
    if (this.config.fabrics !== undefined && sqe.opc !== FABRICS_OPCODE && !this.registers.enabled) return S.COMMAND_SEQUENCE_ERROR;
    if (ctx.sqid === 0) {
      def = this.admin.get(sqe.opc);
      this.lastKeepAlive = this.clock.now();
    } else if (sqe.opc === FABRICS_OPCODE) {
      // Fabrics commands on an I/O queue (Disconnect) go to the admin set's Fabrics table, which knows which queue may send which.
      def = this.admin.get(FABRICS_OPCODE);
    } else {
      ctx.ns = this.namespaces.get(nsid);
      def = (ctx.ns?.io ?? this.io).get(sqe.opc);
    }
    if (def === undefined) return S.INVALID_OPCODE;
    // Fused operations are not supported (FUSES = 0), and PSDT 3 is reserved.
    if (sqe.fuse !== Fuse.NORMAL || sqe.psdt === 3 || (sqe.psdt !== 0 && !this.config.sgl)) return S.INVALID_FIELD;
    switch (def.nsid) {
      case 'active':
        ctx.ns ??= this.namespaces.get(nsid);
        if (ctx.ns === undefined) return S.INVALID_NAMESPACE;
        break;
      case 'active-or-all':
        if (nsid !== ALL_NAMESPACES) {
          ctx.ns ??= this.namespaces.get(nsid);
          if (ctx.ns === undefined) return S.INVALID_NAMESPACE;
        }
        break;
      case 'none':
      case 'handler':
        break;
    }
    return def.handler(ctx);
  }

  private recordError(sqid: number, sqe: SqeView, status: number): void {
    this.errors.record({ sqid, cid: sqe.cid, status, parameterErrorLocation: 0xffff, lba: 0, nsid: sqe.nsid });
  }

  /** Human form of a status, for logs. */
  static describeStatus(status: number): string {
    return statusName(status);
  }

  // ---- register hooks (enable / reset / shutdown) ----

  enable(): boolean {
    this.grantedQueues = undefined;
    return this.transportHooks.enable?.() ?? true;
  }

  reset(): void {
    this.transportHooks.reset?.();
    this.events.reset();
    this.features.reset();
    this.grantedQueues = undefined;
  }

  shutdown(): void {
    this.transportHooks.shutdown?.();
    for (const ns of this.namespaces.values()) ns.flush();
  }

  /** Flushes and closes every namespace (process exit). */
  close(): void {
    for (const ns of this.namespaces.values()) ns.close();
    this.namespaces.clear();
  }
}
