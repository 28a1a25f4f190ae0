// Submission entries of the base admin and NVM commands, built from the spec's bit tables.
// Pure functions of their arguments: the data pointer and CID are the driver's business.
import {
  AdminOpcode,
  CREATE_IO_CQ,
  CREATE_IO_SQ,
  DELETE_IO_QUEUE,
  DSM,
  FEAT_NUMBER_OF_QUEUES,
  GET_FEATURES,
  GET_LOG_PAGE,
  IDENTIFY,
  NVM_RW,
  NvmOpcode,
  SET_FEATURES,
  WRITE_ZEROES,
  packBits,
} from '../spec/index.js';
import type { SqeFields } from './initiator.js';

const TWO32 = 2 ** 32;
export const NSID_ALL = 0xffffffff;

const lo32 = (v: number): number => v >>> 0;
const hi32 = (v: number): number => Math.floor(v / TWO32) >>> 0;

export function identify(cns: number, nsid = 0, options: { cntid?: number; csi?: number; cnssid?: number } = {}): SqeFields {
  return {
    opc: AdminOpcode.IDENTIFY,
    nsid,
    cdw10: packBits(IDENTIFY, { cns, cntid: options.cntid ?? 0 }),
    cdw11: packBits(IDENTIFY, { cnssid: options.cnssid ?? 0, csi: options.csi ?? 0 }),
  };
}

export interface LogPageRequest {
  readonly nsid?: number;
  /** Byte offset into the log (dword aligned). */
  readonly offset?: number;
  /** Bytes to read (a multiple of 4). */
  readonly length: number;
  /** Retain Asynchronous Event: reading does not clear the event. */
  readonly rae?: boolean;
  readonly lsp?: number;
  readonly lsi?: number;
  readonly csi?: number;
}

export function getLogPage(lid: number, r: LogPageRequest): SqeFields {
  if (r.length <= 0 || r.length % 4 !== 0) throw new RangeError(`log page length ${r.length}: must be a positive multiple of 4`);
  const offset = r.offset ?? 0;
  if (offset % 4 !== 0) throw new RangeError(`log page offset ${offset}: must be a multiple of 4`);
  const numd = r.length / 4 - 1;
  return {
    opc: AdminOpcode.GET_LOG_PAGE,
    nsid: r.nsid ?? NSID_ALL,
    cdw10: packBits(GET_LOG_PAGE, { lid, lsp: r.lsp ?? 0, rae: r.rae ?? false, numdl: numd & 0xffff }),
    cdw11: packBits(GET_LOG_PAGE, { numdu: numd >>> 16, lsi: r.lsi ?? 0 }),
    cdw12: lo32(offset),
    cdw13: hi32(offset),
    cdw14: packBits(GET_LOG_PAGE, { csi: r.csi ?? 0 }),
  };
}

export function getFeatures(fid: number, options: { sel?: number; nsid?: number; cdw11?: number } = {}): SqeFields {
  return { opc: AdminOpcode.GET_FEATURES, nsid: options.nsid ?? 0, cdw10: packBits(GET_FEATURES, { fid, sel: options.sel ?? 0 }), cdw11: options.cdw11 ?? 0 };
}

export interface SetFeatureOptions {
  readonly nsid?: number;
  /** Save across power cycles (SV). */
  readonly save?: boolean;
  readonly cdw12?: number;
  readonly cdw13?: number;
  readonly cdw14?: number;
  readonly cdw15?: number;
}

export function setFeatures(fid: number, value: number, o: SetFeatureOptions = {}): SqeFields {
  return {
    opc: AdminOpcode.SET_FEATURES,
    nsid: o.nsid ?? 0,
    cdw10: packBits(SET_FEATURES, { fid, sv: o.save ?? false }),
    cdw11: value >>> 0,
    cdw12: o.cdw12 ?? 0,
    cdw13: o.cdw13 ?? 0,
    cdw14: o.cdw14 ?? 0,
    cdw15: o.cdw15 ?? 0,
  };
}

/** Number of Queues value: counts (not 0's based) of I/O SQs and CQs requested. */
export const numberOfQueuesValue = (sqs: number, cqs: number): number => packBits(FEAT_NUMBER_OF_QUEUES, { nsqr: sqs - 1, ncqr: cqs - 1 });

export function createIoCq(qid: number, entries: number, vector: number, interrupts = true): SqeFields {
  return {
    opc: AdminOpcode.CREATE_IO_CQ,
    cdw10: packBits(CREATE_IO_CQ, { qid, qsize: entries - 1 }),
    cdw11: packBits(CREATE_IO_CQ, { pc: 1, ien: interrupts, iv: vector }),
  };
}

export function createIoSq(qid: number, entries: number, cqid: number, priority = 0): SqeFields {
  return {
    opc: AdminOpcode.CREATE_IO_SQ,
    cdw10: packBits(CREATE_IO_SQ, { qid, qsize: entries - 1 }),
    cdw11: packBits(CREATE_IO_SQ, { pc: 1, qprio: priority, cqid }),
  };
}

export const deleteIoSq = (qid: number): SqeFields => ({ opc: AdminOpcode.DELETE_IO_SQ, cdw10: packBits(DELETE_IO_QUEUE, { qid }) });
export const deleteIoCq = (qid: number): SqeFields => ({ opc: AdminOpcode.DELETE_IO_CQ, cdw10: packBits(DELETE_IO_QUEUE, { qid }) });

export interface RwFlags {
  /** Force Unit Access. */
  readonly fua?: boolean;
  /** Limited Retry. */
  readonly lr?: boolean;
}

/** Read or Write of `nlb` blocks (a count, 1..65536) at `slba`. */
export function readWrite(opc: typeof NvmOpcode.READ | typeof NvmOpcode.WRITE, nsid: number, slba: number, nlb: number, f: RwFlags = {}): SqeFields {
  checkRange(slba, nlb);
  return { opc, nsid, cdw10: lo32(slba), cdw11: hi32(slba), cdw12: packBits(NVM_RW, { nlb0: nlb - 1, fua: f.fua ?? false, lr: f.lr ?? false }) };
}

export function writeZeroes(nsid: number, slba: number, nlb: number, f: RwFlags & { deac?: boolean } = {}): SqeFields {
  checkRange(slba, nlb);
  return {
    opc: NvmOpcode.WRITE_ZEROES,
    nsid,
    cdw10: lo32(slba),
    cdw11: hi32(slba),
    cdw12: packBits(WRITE_ZEROES, { nlb0: nlb - 1, deac: f.deac ?? false, fua: f.fua ?? false, lr: f.lr ?? false }),
  };
}

/** Compare, Verify or Write Uncorrectable: an LBA range and no other field. */
export function lbaRange(opc: typeof NvmOpcode.COMPARE | typeof NvmOpcode.VERIFY | typeof NvmOpcode.WRITE_UNCORRECTABLE, nsid: number, slba: number, nlb: number): SqeFields {
  checkRange(slba, nlb);
  return { opc, nsid, cdw10: lo32(slba), cdw11: hi32(slba), cdw12: packBits(NVM_RW, { nlb0: nlb - 1 }) };
}

export const flush = (nsid: number): SqeFields => ({ opc: NvmOpcode.FLUSH, nsid });

/** Dataset Management with `ranges` 16-byte ranges in the data buffer; deallocate sets AD. */
export function datasetManagement(nsid: number, ranges: number, deallocate: boolean): SqeFields {
  if (ranges < 1 || ranges > 256) throw new RangeError(`Dataset Management: ${ranges} ranges, allowed 1..256`);
  return { opc: NvmOpcode.DATASET_MANAGEMENT, nsid, cdw10: packBits(DSM, { nr: ranges - 1 }), cdw11: packBits(DSM, { ad: deallocate }) };
}

function checkRange(slba: number, nlb: number): void {
  if (!Number.isSafeInteger(slba) || slba < 0) throw new RangeError(`slba ${slba}: must be a non-negative integer`);
  if (!Number.isInteger(nlb) || nlb < 1 || nlb > 65536) throw new RangeError(`nlb ${nlb}: allowed 1..65536 blocks per command`);
}
