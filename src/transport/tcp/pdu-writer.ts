// Builds the NVMe/TCP PDUs both sides send, into small buffers (header + header digest; data and
// its digest are sent as they are, beside the header, so a large transfer is never copied).
// Offsets come from the spec/ layouts.
import {
  C2H_DATA,
  CAPSULE_CMD,
  CAPSULE_RESP,
  DIGEST_SIZE,
  H2C_DATA,
  IC_REQ,
  IC_RESP,
  NVME_TCP_PFV,
  PduFlag,
  PduType,
  R2T,
  TERM_REQ,
  TERM_REQ_MAX_DATA,
} from '../../spec/index.js';
import { crc32c, writeDigest } from './digest.js';

export interface Digests {
  readonly header: boolean;
  readonly data: boolean;
}

export const NO_DIGESTS: Digests = { header: false, data: false };

function common(b: Buffer, type: number, flags: number, hlen: number, pdo: number, plen: number): void {
  b[0] = type;
  b[1] = flags;
  b[2] = hlen;
  b[3] = pdo;
  b.writeUInt32LE(plen, 4);
}

/** Header digest after `hlen` bytes, when enabled. */
function sealHeader(b: Buffer, hlen: number, d: Digests): void {
  if (d.header) writeDigest(b, hlen, crc32c(b, 0, hlen));
}

export function icReq(o: { hpda?: number; digests?: Digests; maxr2t?: number } = {}): Buffer {
  const b = Buffer.alloc(IC_REQ.size);
  common(b, PduType.IC_REQ, 0, IC_REQ.size, 0, IC_REQ.size);
  const d = o.digests ?? NO_DIGESTS;
  b.writeUInt16LE(NVME_TCP_PFV, IC_REQ.offset.pfv);
  b[IC_REQ.offset.hpda] = o.hpda ?? 0;
  b[IC_REQ.offset.dgst] = (d.header ? 1 : 0) | (d.data ? 2 : 0);
  b.writeUInt32LE(o.maxr2t ?? 0, IC_REQ.offset.maxr2t);
  return b;
}

export function icResp(o: { cpda?: number; digests: Digests; maxh2cdata: number }): Buffer {
  const b = Buffer.alloc(IC_RESP.size);
  common(b, PduType.IC_RESP, 0, IC_RESP.size, 0, IC_RESP.size);
  b.writeUInt16LE(NVME_TCP_PFV, IC_RESP.offset.pfv);
  b[IC_RESP.offset.cpda] = o.cpda ?? 0;
  b[IC_RESP.offset.dgst] = (o.digests.header ? 1 : 0) | (o.digests.data ? 2 : 0);
  b.writeUInt32LE(o.maxh2cdata, IC_RESP.offset.maxh2cdata);
  return b;
}

const hd = (d: Digests): number => (d.header ? DIGEST_SIZE : 0);
const flagsOf = (d: Digests, hasData: boolean): number => (d.header ? PduFlag.HDGSTF : 0) | (d.data && hasData ? PduFlag.DDGSTF : 0);

/** CapsuleCmd header for `sqe` (64 bytes) with `dataLength` in-capsule bytes to follow. */
export function capsuleCmd(sqe: Uint8Array, dataLength: number, d: Digests): Buffer {
  const hlen = CAPSULE_CMD.size;
  const b = Buffer.allocUnsafe(hlen + hd(d));
  const pdo = dataLength > 0 ? hlen + hd(d) : 0;
  common(b, PduType.CAPSULE_CMD, flagsOf(d, dataLength > 0), hlen, pdo, hlen + hd(d) + dataLength + (dataLength > 0 && d.data ? DIGEST_SIZE : 0));
  b.set(sqe.subarray(0, 64), CAPSULE_CMD.offset.sqe);
  sealHeader(b, hlen, d);
  return b;
}

/** CapsuleResp with a CQE. */
export function capsuleResp(d: Digests, dw0: number, dw1: number, sqhd: number, sqid: number, cid: number, status: number): Buffer {
  const hlen = CAPSULE_RESP.size;
  const b = Buffer.allocUnsafe(hlen + hd(d));
  common(b, PduType.CAPSULE_RESP, flagsOf(d, false), hlen, 0, hlen + hd(d));
  const q = CAPSULE_RESP.offset.cqe;
  b.writeUInt32LE(dw0 >>> 0, q);
  b.writeUInt32LE(dw1 >>> 0, q + 4);
  b.writeUInt16LE(sqhd, q + 8);
  b.writeUInt16LE(sqid, q + 10);
  b.writeUInt16LE(cid, q + 12);
  // Phase tag is meaningless over a fabric: 0.
  b.writeUInt16LE((status & 0x7fff) << 1, q + 14);
  sealHeader(b, hlen, d);
  return b;
}

/** C2HData / H2CData header for `datal` bytes at `datao` (the data and its digest follow). */
export function dataPdu(type: typeof PduType.C2H_DATA | typeof PduType.H2C_DATA, d: Digests, cccid: number, ttag: number, datao: number, datal: number, extraFlags: number): Buffer {
  const hlen = C2H_DATA.size;
  const b = Buffer.allocUnsafe(hlen + hd(d));
  common(b, type, flagsOf(d, true) | extraFlags, hlen, hlen + hd(d), hlen + hd(d) + datal + (d.data ? DIGEST_SIZE : 0));
  b.writeUInt16LE(cccid, C2H_DATA.offset.cccid);
  b.writeUInt16LE(type === PduType.H2C_DATA ? ttag : 0, H2C_DATA.offset.ttag);
  b.writeUInt32LE(datao, C2H_DATA.offset.datao);
  b.writeUInt32LE(datal, C2H_DATA.offset.datal);
  b.writeUInt32LE(0, 20);
  sealHeader(b, hlen, d);
  return b;
}

export function r2t(d: Digests, cccid: number, ttag: number, r2to: number, r2tl: number): Buffer {
  const hlen = R2T.size;
  const b = Buffer.allocUnsafe(hlen + hd(d));
  common(b, PduType.R2T, flagsOf(d, false), hlen, 0, hlen + hd(d));
  b.writeUInt16LE(cccid, R2T.offset.cccid);
  b.writeUInt16LE(ttag, R2T.offset.ttag);
  b.writeUInt32LE(r2to, R2T.offset.r2to);
  b.writeUInt32LE(r2tl, R2T.offset.r2tl);
  b.writeUInt32LE(0, 20);
  sealHeader(b, hlen, d);
  return b;
}

/** A TermReq (no digests ever) carrying the offending header. */
export function termReq(type: typeof PduType.C2H_TERM_REQ | typeof PduType.H2C_TERM_REQ, fes: number, fei: number, offending: Uint8Array): Buffer {
  const data = offending.subarray(0, TERM_REQ_MAX_DATA);
  const b = Buffer.alloc(TERM_REQ.size + data.length);
  common(b, type, 0, TERM_REQ.size, 0, TERM_REQ.size + data.length);
  b.writeUInt16LE(fes, TERM_REQ.offset.fes);
  b.writeUInt32LE(fei >>> 0, TERM_REQ.offset.fei);
  b.set(data, TERM_REQ.size);
  return b;
}

/** The 4-byte data digest of `data`. */
export function dataDigest(data: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(DIGEST_SIZE);
  writeDigest(b, 0, crc32c(data));
  return b;
}
