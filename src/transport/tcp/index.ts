// NVMe/TCP: the PDU reader and builders (shared with the host's initiator), the target and its
// subsystem seam.
export { PduReader, PduHeader, ReaderState, READER_STATE_NAMES, type PduSink, type PduReaderOptions, type ReaderFailure } from './pdu-reader.js';
export { icReq, icResp, capsuleCmd, capsuleResp, dataPdu, r2t, termReq, dataDigest, NO_DIGESTS, type Digests } from './pdu-writer.js';
export { crc32c, crc32cUpdate, readDigest, writeDigest } from './digest.js';
export { BufferBudget } from './buffer-budget.js';
export { TcpDataMover } from './tcp-data-mover.js';
export { TargetConnection, ConnState, CONN_STATE_NAMES, CONN_TRANSITIONS, ADMIN_IN_CAPSULE, type ConnectionLimits } from './target-connection.js';
export { TcpTarget, type TcpTargetOptions, type Association } from './tcp-target.js';
export { NamespaceSubsystem, type NamespaceSubsystemOptions, type TcpSubsystem, type AssociationLimits } from './subsystem.js';
