// The seam between NvmeHost and a transport-specific driver. NvmeHost speaks in SQE fields and
// plain byte buffers; a driver moves the bytes its own way: the PCI driver stages them in DMA
// memory and builds PRPs or SGLs, an NVMe/TCP initiator will send them in capsules and H2C/C2H
// data PDUs. Nothing here knows which.

/** The fields of a submission entry the caller chooses. CID and the data pointer are the driver's. */
export interface SqeFields {
  readonly opc: number;
  /** FUSE (bits 1:0 of byte 1); PSDT is set by the driver. */
  readonly fuse?: number;
  readonly nsid?: number;
  readonly cdw2?: number;
  readonly cdw3?: number;
  /** Metadata pointer, only when the driver is not given a metadata buffer. */
  readonly mptr?: number;
  readonly cdw10?: number;
  readonly cdw11?: number;
  readonly cdw12?: number;
  readonly cdw13?: number;
  readonly cdw14?: number;
  readonly cdw15?: number;
}

/** A command's data as byte buffers; at most one direction each for data and metadata. */
export interface CommandBuffers {
  /** Host to controller data. */
  readonly dataOut?: Uint8Array;
  /** Controller to host data: its length, and optionally where to put it (else a new buffer). */
  readonly dataInLength?: number;
  readonly dataIn?: Uint8Array;
  readonly metaOut?: Uint8Array;
  readonly metaInLength?: number;
  readonly metaIn?: Uint8Array;
  /** Describe the data with an SGL instead of PRPs (PCIe; fabrics always use SGLs). */
  readonly sgl?: boolean;
  /**
   * Lists the command names by host address (OCSSD 2.0 LBAL in CDW10-11, DLBAL in CDW14-15): the
   * driver places each in host memory and writes its address into those dwords. Only drivers
   * with `hostMemoryLists` can; over a fabric the list travels in the data instead.
   */
  readonly lists?: readonly HostList[];
}

export interface HostList {
  /** The low dword of the 64-bit address field: 10 (LBAL) or 14 (DLBAL). */
  readonly dword: 10 | 14;
  readonly bytes: Uint8Array;
}

export interface Completion {
  /** 15-bit status (0 = success): DNR<<14 | More<<13 | CRD<<11 | SCT<<8 | SC. */
  readonly status: number;
  readonly dw0: number;
  readonly dw1: number;
  /** SQ head pointer the controller reported. */
  readonly sqhd: number;
}

export interface CommandResult extends Completion {
  /** Data read from the controller (dataIn when one was given). */
  readonly data?: Uint8Array;
  readonly meta?: Uint8Array;
}

export interface NvmeInitiator {
  /** Brings the controller up to the point where admin commands work. */
  enable(): Promise<void>;
  /** Runs one command on queue `qid` (0 = admin) and resolves with its completion; a non-zero status is a value, not an error. */
  execute(qid: number, cmd: SqeFields, buffers?: CommandBuffers): Promise<CommandResult>;
  /** Sets up I/O queues 1..count of `depth` entries (PCIe: Create I/O CQ + SQ); resolves with their ids. */
  createIoQueues(count: number, depth: number): Promise<number[]>;
  deleteIoQueues(): Promise<void>;
  readonly ioQueues: readonly number[];
  /** The controller can read lists from host memory (CommandBuffers.lists): PCIe-like transports. */
  readonly hostMemoryLists?: boolean;
  /** The unit of MDTS in bytes (CAP.MPSMIN page size). */
  readonly minPageSize: number;
  /** Most entries one queue may have (CAP.MQES + 1, or the fabrics SQSIZE limit). */
  readonly maxQueueEntries: number;
  /** Controller reset: outstanding commands fail with CommandAbortedError, I/O queues are gone, admin works again. */
  reset(): Promise<void>;
  /** Orderly shutdown (I/O queues deleted, CC.SHN, wait for SHST complete). */
  shutdown(): Promise<void>;
  /** Shuts down if still up and releases the transport. */
  close(): Promise<void>;
}
