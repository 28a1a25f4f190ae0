// The controller layer's public face: what transports, servers and tests above may use.
export { QueueEngine, type QueueEngineOptions } from './queue-engine.js';
export { type HostMemory, RegionHostMemory } from './host-memory.js';
export { Controller, ALL_NAMESPACES, DEFAULT_CONTROLLER_CONFIG, type ControllerConfig, type ControllerOptions, type QueueAdmin, type SmartCounters } from './controller.js';
export { CommandTable, DEFERRED, Effect, type CommandSet, type CommandDef, type CommandContext, type CommandResult, type Handler, type NsidUse } from './command.js';
export { Direction, type DataMover } from './data-mover.js';
export { HostDataMover, type HostDataMoverOptions } from './data-pointer.js';
export { SqeView } from './sqe-view.js';
export { S } from './statuses.js';
export type { Namespace, NamespaceKind } from './namespace.js';
export { ControllerPhase, CONTROLLER_PHASE_NAMES } from './registers.js';
export { AsyncEventType, type AsyncEvent } from './async-events.js';
export { ADMIN_COMMANDS, createAdminCommands, BASE_LOG_PAGES, sliceLog, type AdminExtensions, type LogPageDef, type LogRequest, type ControllerCsiFiller } from './commands/admin.js';
export { NVM_COMMANDS, NVM_IO, NvmStatus, type BlockNamespace, type NvmControllerView, type NvmSmartCounters } from './commands/nvm.js';
export { ConventionalNamespace, type ConventionalNamespaceOptions } from './conventional-namespace.js';
export { Ocssd12Namespace, DEFAULT_OCSSD12_SETTINGS, type Ocssd12NamespaceOptions, type Ocssd12Settings, type Ocssd12BbtStore } from './ocssd12-namespace.js';
export { OCSSD12_ADMIN_COMMANDS, OCSSD12_IO_COMMANDS, OCSSD12_IO } from './commands/ocssd12.js';
export { Ocssd12Errors } from './ocssd12-status.js';
export { Ppa12Codec, PpaProblem, PPA_PROBLEM_NAMES, Bitmap64, type Ppa12 } from './ocssd12-address.js';
export { Ocssd20Namespace, DEFAULT_OCSSD20_TIMING, WNU_KIND, type Ocssd20NamespaceOptions, type Ocssd20Timing, type ChunkAddress, type ChunkOverride, type Ocssd20FaultSpec, type Ocssd20FaultRule } from './ocssd20-namespace.js';
export { Ocssd20CommandStatus } from './ocssd20-chunk-io.js';
export { ChunkNotifications, MAX_CHUNK_NOTIFICATIONS, type ChunkNotification } from './ocssd20-notifications.js';
export { ocssd20AdminCommands, ocssd20IoCommands, ocssd20IoTable, CHUNK_INFORMATION_LOG, CHUNK_NOTIFICATION_LOG, MEDIA_FEEDBACK_FEATURE, type Ocssd20ControllerView } from './commands/ocssd20.js';
export { featureHandlers, type FeatureDef, type FeatureOps } from './commands/admin-features.js';
export { type FabricsIdentity } from './controller.js';
export {
  FABRICS_COMMANDS,
  FABRICS_TYPES,
  ConnectStatus,
  INVALID_HOST_REFUSAL,
  NQN_MAX,
  NQN_MIN,
  applyConnectKato,
  fctypeOf,
  invalidConnectParameter,
  isConnectRefusal,
  keepAliveTimeout,
  parseConnect,
  type ConnectRefusal,
  type ConnectRequest,
  type FabricsCommandDef,
} from './commands/fabrics.js';
export { createDiscoveryCommands, encodeDiscoveryLog, type DiscoveryLog, type DiscoveryRecord, type DiscoverySource } from './commands/discovery.js';
