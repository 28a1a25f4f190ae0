// host/: the NVMe host library. NvmeHost over an NvmeInitiator; the PCI driver is the initiator
// for memory-based queues over a PciTransport (the in-process transport today).
export { NvmeHost, type IoOptions, type ReadOptions, type WriteOptions, type LbaRange } from './nvme-host.js';
export { PciDriver, type PciDriverOptions, type DmaIo } from './pci-driver.js';
export type { NvmeInitiator, SqeFields, CommandBuffers, Completion, CommandResult, HostList } from './initiator.js';
export type { DmaRegion } from './data-pointer.js';
export { NvmeStatusError, CommandAbortedError, NvmeTimeoutError, ControllerStateError } from './errors.js';
export { decodeIdentifyController, decodeIdentifyNamespace, decodeNsidList, type IdentifyController, type IdentifyNamespace, type LbaFormat } from './identify.js';
export * as nvmeCommands from './commands.js';
export { NSID_ALL, type LogPageRequest, type SetFeatureOptions, type RwFlags } from './commands.js';
export { type BlockVolume, VolumeNoSpaceError, VolumeRangeError, checkVolumeRange } from './block-volume.js';
export { Ocssd12Device, decodeOcssd12Identity, ocssd12StatusName, type Ocssd12Identity, type Ocssd12Bbt, type VectorResult, type VectorOptions } from './ocssd12.js';
export { Ocssd20Host, Ocssd20Addressing, decodeOcssd20Geometry, decodeChunkDescriptor, encodeLbaList, ocssd20StatusName, type Ocssd20Geometry, type ChunkDescriptor, type ChunkNotificationEntry, type Ocssd20VectorResult } from './ocssd20.js';
export { TcpInitiator, type TcpInitiatorOptions } from './tcp-initiator.js';
export { TcpQueue, TcpTransportError, type TcpQueueOptions } from './tcp-queue.js';
export { discover, type DiscoverOptions, type DiscoveryEntry, type DiscoveryResult } from './tcp-discovery.js';
export { NamespaceVolume, type NamespaceVolumeOptions } from './namespace-volume.js';
