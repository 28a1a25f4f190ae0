// The PCIe-like DataMover: a command's data pointer (PRPs or SGLs, spec 3.1) and metadata
// pointer (MPTR) walked over HostMemory into a table of segments, then copies between a
// controller buffer and those segments at any byte of the transfer.
import { GenericStatus as G, Psdt, SCT, status } from '../spec/index.js';
import { Direction, type DataMover } from './data-mover.js';
import type { HostMemory } from './host-memory.js';
import { mapPrps } from './prp.js';
import type { SqeView } from './sqe-view.js';
import { DATA_SGL_LENGTH_INVALID, MAX_SGL_DESCRIPTORS, SGL_DESCRIPTOR_BYTES, mapSgl } from './sgl.js';
import { S } from './statuses.js';

const METADATA_SGL_LENGTH_INVALID = status(SCT.GENERIC, G.METADATA_SGL_LENGTH_INVALID, { dnr: true });
const TWO32 = 2 ** 32;

/** Byte offset of `addr` within its memory page (`pageSize` a power of two). */
export function pageOffset(addr: number, pageSize: number): number {
  return addr % pageSize;
}

/**
 * The host memory ranges of one transfer, in transfer order. Segment i covers bytes
 * start[i] .. start[i] + size[i] of the transfer; a bit bucket segment has no memory behind it
 * (SGL Bit Bucket: data to the host is discarded). Arrays are kept and grown, never shrunk.
 */
export class SegmentMap {
  /** Bytes mapped: the prepared transfer length. */
  length = 0;
  count = 0;
  private addr = new Float64Array(16);
  private size = new Float64Array(16);
  private start = new Float64Array(16);
  private bucket = new Uint8Array(16);
  /** Segment of the last copy: transfers are mostly walked in order. */
  private cursor = 0;

  reset(): void {
    this.length = 0;
    this.count = 0;
    this.cursor = 0;
  }

  /** Appends `len` bytes at `addr` (or discarded bytes); merges with a contiguous predecessor. */
  push(addr: number, len: number, bitBucket: boolean): void {
    if (len <= 0) return;
    const last = this.count - 1;
    const b = bitBucket ? 1 : 0;
    if (last >= 0 && this.bucket[last] === b && (bitBucket || this.addr[last]! + this.size[last]! === addr)) {
      this.size[last]! += len;
    } else {
      if (this.count === this.addr.length) this.grow();
      const i = this.count++;
      this.addr[i] = addr;
      this.size[i] = len;
      this.start[i] = this.length;
      this.bucket[i] = b;
    }
    this.length += len;
  }

  /** [addr, size, bitBucket] of segment i, for tests and diagnostics. */
  segment(i: number): [number, number, boolean] {
    if (i < 0 || i >= this.count) throw new RangeError(`segment ${i}: only ${this.count} mapped`);
    return [this.addr[i]!, this.size[i]!, this.bucket[i] === 1];
  }

  /**
   * Copies `len` bytes between `buf[off..]` and transfer bytes `at..`: to host memory when
   * `toHost`, else from it. Returns 0 or Data Transfer Error. Out-of-range arguments are a
   * controller bug and throw.
   */
  copy(memory: HostMemory, buf: Uint8Array, off: number, at: number, len: number, toHost: boolean): number {
    if (!Number.isInteger(at) || !Number.isInteger(len) || at < 0 || len < 0 || at + len > this.length) {
      throw new RangeError(`data transfer: bytes ${at}+${len} outside the prepared ${this.length}`);
    }
    if (!Number.isInteger(off) || off < 0 || off + len > buf.length) {
      throw new RangeError(`data transfer: buffer bytes ${off}+${len} outside its ${buf.length}`);
    }
    if (len === 0) return 0;
    let i = this.locate(at);
    let segOff = at - this.start[i]!;
    for (;;) {
      const n = Math.min(this.size[i]! - segOff, len);
      if (this.bucket[i] === 0) {
        const a = this.addr[i]! + segOff;
        if (!(toHost ? memory.write(a, buf, off, n) : memory.read(a, buf, off, n))) {
          this.cursor = i;
          return S.DATA_TRANSFER_ERROR;
        }
      } else if (!toHost) {
        throw new Error('data transfer: reading from an SGL bit bucket (prepared for controller-to-host only)');
      }
      len -= n;
      if (len === 0) break;
      off += n;
      i++;
      segOff = 0;
    }
    this.cursor = i;
    return 0;
  }

  /** Index of the segment holding transfer byte `at` (at < length). */
  private locate(at: number): number {
    const c = this.cursor;
    if (c < this.count) {
      const s = this.start[c]!;
      if (at >= s) {
        const end = s + this.size[c]!;
        if (at < end) return c;
        if (c + 1 < this.count && at < end + this.size[c + 1]!) return c + 1;
      }
    }
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.start[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private grow(): void {
    const n = this.addr.length * 2;
    const addr = new Float64Array(n);
    const size = new Float64Array(n);
    const start = new Float64Array(n);
    const bucket = new Uint8Array(n);
    addr.set(this.addr);
    size.set(this.size);
    start.set(this.start);
    bucket.set(this.bucket);
    this.addr = addr;
    this.size = size;
    this.start = start;
    this.bucket = bucket;
  }
}

export interface HostDataMoverOptions {
  readonly memory: HostMemory;
  /** Memory page size in bytes: 2^(12 + CC.MPS). */
  readonly pageSize: number;
  /** Largest data transfer in bytes (MDTS); 0 = no limit. */
  readonly maxTransfer: number;
  /** SGL data pointers accepted (Identify SGLS != 0); else PSDT 1/2 is Invalid Field. */
  readonly sglSupported: boolean;
  /** Bound on SGL descriptors walked per pointer, so a looping segment chain cannot hang us. */
  readonly maxSglDescriptors?: number;
}

/**
 * Owns the data and metadata pointer walking of one queue engine: checks PRP1/PRP2 (and PRP
 * lists) or SGL1 (and its segment chain), and MPTR, against the rules of the NVMe base spec as
 * QEMU's hw/nvme applies them, then moves bytes between controller buffers and host memory.
 * Reused for every command (the segment tables and the list scratch page are kept and grown);
 * prepare() and prepareMeta() start a new command's transfer.
 */
export class HostDataMover implements DataMover {
  readonly memory: HostMemory;
  readonly pageSize: number;
  readonly maxTransfer: number;
  readonly sglSupported: boolean;
  readonly maxSglDescriptors: number;
  /** The data transfer of the current command. */
  readonly data = new SegmentMap();
  /** Its metadata transfer. */
  readonly meta = new SegmentMap();
  /** One PRP list page or one chunk of SGL descriptors, as read from host memory. */
  private readonly scratch: Uint8Array;
  private readonly scratchView: DataView;

  constructor(options: HostDataMoverOptions) {
    const { pageSize, maxTransfer } = options;
    if (!Number.isInteger(pageSize) || pageSize < 4096 || pageSize > 2 ** 27 || (pageSize & (pageSize - 1)) !== 0) {
      throw new RangeError(`HostDataMover pageSize ${pageSize}: must be a power of two from 4096 to 2^27 (CC.MPS 0..15)`);
    }
    if (!Number.isInteger(maxTransfer) || maxTransfer < 0) {
      throw new RangeError(`HostDataMover maxTransfer ${maxTransfer}: must be a byte count >= 0 (0 = no limit)`);
    }
    const maxDesc = options.maxSglDescriptors ?? MAX_SGL_DESCRIPTORS;
    if (!Number.isInteger(maxDesc) || maxDesc < 1) {
      throw new RangeError(`HostDataMover maxSglDescriptors ${maxDesc}: must be an integer >= 1`);
    }
    this.memory = options.memory;
    this.pageSize = pageSize;
    this.maxTransfer = maxTransfer;
    this.sglSupported = options.sglSupported;
    this.maxSglDescriptors = maxDesc;
    this.scratch = new Uint8Array(Math.max(pageSize, 4096));
    this.scratchView = new DataView(this.scratch.buffer);
  }

  prepare(sqe: SqeView, length: number, dir: Direction): number {
    const map = this.data;
    map.reset();
    checkLength(length);
    if (length === 0 || dir === Direction.NONE) return 0;
    // QEMU nvme_check_mdts: Invalid Field in Command, DNR.
    if (this.maxTransfer !== 0 && length > this.maxTransfer) return S.INVALID_FIELD;
    const psdt = sqe.psdt;
    let st: number;
    if (psdt === Psdt.PRP) {
      st = mapPrps(map, this.memory, this.scratch, this.scratchView, this.pageSize, sqe.prp1, sqe.cdw(6), sqe.prp2, sqe.cdw(8), length);
    } else if (psdt === Psdt.SGL_MPTR_CONTIGUOUS || psdt === Psdt.SGL_MPTR_SGL) {
      if (!this.sglSupported) return S.INVALID_FIELD;
      // SGL1 occupies bytes 24..39: address, length (dword 8), identifier (byte 39).
      st = mapSgl(map, this.memory, this.scratch, this.scratchView, sqe.u64(24), sqe.cdw(8), sqe.cdw(9) >>> 24, length, dir, this.maxSglDescriptors);
    } else {
      return S.INVALID_FIELD; // PSDT 11b is reserved
    }
    if (st !== 0) map.reset();
    return st;
  }

  readonly fromHostAddress = (addr: number, dst: Uint8Array, dstOff: number, len: number): number =>
    this.memory.read(addr, dst, dstOff, len) ? 0 : S.DATA_TRANSFER_ERROR;

  toHost(src: Uint8Array, srcOff: number, at: number, len: number): number {
    return this.data.copy(this.memory, src, srcOff, at, len, true);
  }

  fromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number {
    return this.data.copy(this.memory, dst, dstOff, at, len, false);
  }

  /**
   * MPTR: with PSDT 0 or 1 the address of one contiguous buffer; with PSDT 2 the address of an
   * SGL segment holding one descriptor, a Data Block or a (Last) Segment pointing to a list
   * (QEMU nvme_map_mptr runs its full SGL walk on it, and so do we). A short metadata SGL is
   * Metadata SGL Length Invalid. MDTS does not count separate metadata (QEMU neither).
   */
  prepareMeta(sqe: SqeView, length: number, dir: Direction): number {
    const map = this.meta;
    map.reset();
    checkLength(length);
    if (length === 0 || dir === Direction.NONE) return 0;
    const psdt = sqe.psdt;
    if (psdt !== Psdt.PRP && (psdt > Psdt.SGL_MPTR_SGL || !this.sglSupported)) return S.INVALID_FIELD;
    const mptr = sqe.mptr;
    if (psdt !== Psdt.SGL_MPTR_SGL) {
      map.push(mptr, length, false);
      return 0;
    }
    const v = this.scratchView;
    if (!this.memory.read(mptr, this.scratch, 0, SGL_DESCRIPTOR_BYTES)) return S.DATA_TRANSFER_ERROR;
    const addr = v.getUint32(0, true) + v.getUint32(4, true) * TWO32;
    let st = mapSgl(map, this.memory, this.scratch, v, addr, v.getUint32(8, true), v.getUint8(15), length, dir, this.maxSglDescriptors);
    if (st === DATA_SGL_LENGTH_INVALID) st = METADATA_SGL_LENGTH_INVALID;
    if (st !== 0) map.reset();
    return st;
  }

  metaToHost(src: Uint8Array, srcOff: number, at: number, len: number): number {
    return this.meta.copy(this.memory, src, srcOff, at, len, true);
  }

  metaFromHost(dst: Uint8Array, dstOff: number, at: number, len: number): number {
    return this.meta.copy(this.memory, dst, dstOff, at, len, false);
  }
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`data transfer length ${length}: must be an integer >= 0`);
}
