// The seam between the NVMe/TCP target and the devices it exports. A subsystem has an NQN, an
// optional list of host NQNs allowed to connect, and makes one Controller per association (Linux
// makes one per host); all of its controllers share the subsystem's namespace objects, so ending
// one association never closes a namespace. `ocssd serve` wires real devices in through this.
import {
  ADMIN_COMMANDS,
  Controller,
  DEFAULT_CONTROLLER_CONFIG,
  FABRICS_COMMANDS,
  NVM_IO,
  type CommandSet,
  type CommandTable,
  type ControllerConfig,
  type FabricsIdentity,
  type Namespace,
} from '../../controller/index.js';
import type { Clock } from '../../media/index.js';

export interface TcpSubsystem {
  readonly nqn: string;
  /** Host NQNs that may connect; undefined = any host. */
  readonly allowedHosts?: readonly string[];
  /**
   * A controller for a new association, with the given controller ID and the fabrics capsule
   * sizes the target uses. It must include FABRICS_COMMANDS in its admin sets and have no
   * memory-based queues.
   */
  createController(cntlid: number, hostnqn: string, fabrics: FabricsIdentity, limits: AssociationLimits): Controller;
  /** The association ended; the controller is not used again (its namespaces stay open). */
  releaseController(ctrl: Controller): void;
}

/** What the target accepts per association; a controller should offer no more (CAP.MQES, Number of Queues). */
export interface AssociationLimits {
  /** Most entries per queue (CAP.MQES + 1). */
  readonly maxQueueEntries: number;
  readonly maxIoQueues: number;
}

export interface NamespaceSubsystemOptions {
  readonly nqn: string;
  readonly allowedHosts?: readonly string[];
  readonly namespaces: readonly Namespace[];
  /** Admin command sets (default: the base admin set); FABRICS_COMMANDS is added. */
  readonly admin?: readonly CommandSet<Controller>[];
  readonly io?: CommandTable;
  /** Controller configuration (serial, model, MDTS ...); cntlid, subnqn and fabrics are set per association. */
  readonly config?: Partial<ControllerConfig>;
  readonly clock?: Clock;
  readonly log?: (message: string) => void;
}

/** A subsystem over a fixed set of namespaces: each association gets its own Controller over them. */
export class NamespaceSubsystem implements TcpSubsystem {
  readonly nqn: string;
  readonly allowedHosts: readonly string[] | undefined;
  readonly live = new Set<Controller>();

  constructor(private readonly options: NamespaceSubsystemOptions) {
    this.nqn = options.nqn;
    this.allowedHosts = options.allowedHosts;
  }

  createController(cntlid: number, _hostnqn: string, fabrics: FabricsIdentity, limits: AssociationLimits): Controller {
    const o = this.options;
    const mqes = Math.min(o.config?.mqes ?? DEFAULT_CONTROLLER_CONFIG.mqes, limits.maxQueueEntries - 1);
    const maxIoQueues = Math.max(1, Math.min(o.config?.maxIoQueues ?? DEFAULT_CONTROLLER_CONFIG.maxIoQueues, limits.maxIoQueues));
    const ctrl = new Controller({
      admin: [...(o.admin ?? [ADMIN_COMMANDS]), FABRICS_COMMANDS],
      io: o.io ?? NVM_IO,
      config: { ...o.config, cntlid, subnqn: o.nqn, fabrics, sgl: true, mqes, maxIoQueues },
      ...(o.clock !== undefined ? { clock: o.clock } : {}),
      ...(o.log !== undefined ? { log: o.log } : {}),
    });
    for (const ns of o.namespaces) ctrl.attachNamespace(ns);
    this.live.add(ctrl);
    return ctrl;
  }

  releaseController(ctrl: Controller): void {
    // Make what this host wrote durable; the namespaces stay open for the other associations.
    for (const ns of ctrl.namespaces.values()) ns.flush();
    this.live.delete(ctrl);
  }
}
