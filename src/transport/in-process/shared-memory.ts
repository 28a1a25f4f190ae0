// The SharedArrayBuffer of worker mode: a control area (doorbells, interrupt words, register
// mailbox) followed by the host memory region. Both threads derive the same offsets from the
// same few numbers, so only those cross the worker boundary.
import { RegionHostMemory } from '../../controller/index.js';

/** MSI-X allows 2048 vectors; higher vectors share a word (a spurious interrupt is harmless). */
export const MAX_VECTORS = 2048;

/** Int32 indices of the control area's fixed words. */
export const Ctl = {
  /** Wake sequence: the host adds 1 and notifies after every doorbell or mailbox request. */
  SEQ: 0,
  /** The host sets 1 to stop the device loop. */
  STOP: 1,
  /** Mailbox request number (host), operation, offset, value low / high dwords. */
  MB_REQ: 4,
  MB_OP: 5,
  MB_OFF: 6,
  MB_LO: 7,
  MB_HI: 8,
  /** Mailbox response: the request number served, value low / high dwords. */
  MB_RESP: 9,
  MB_RLO: 10,
  MB_RHI: 11,
  /** Bumped (and notified) by the device after raising any vector. */
  IRQ_SUMMARY: 16,
  /** Per-vector counts start here. */
  IRQ_BASE: 32,
} as const;

export const MailboxOp = { READ32: 1, READ64: 2, WRITE32: 3, WRITE64: 4 } as const;
export type MailboxOp = (typeof MailboxOp)[keyof typeof MailboxOp];

export interface SharedLayout {
  /** One Int32 slot per 4-byte doorbell offset from 0x1000. */
  readonly doorbellSlots: number;
  /** Dirty bitmap words (one bit per slot). */
  readonly dirtyBase: number;
  readonly doorbellBase: number;
  /** Byte offset of the host memory region in the buffer, and its size and bus address. */
  readonly memoryOffset: number;
  readonly memoryBytes: number;
  readonly memoryBase: number;
}

export function sharedLayout(doorbellSlots: number, memoryBytes: number, memoryBase: number): SharedLayout {
  const slots = Math.ceil(doorbellSlots / 32) * 32;
  const dirtyBase = Ctl.IRQ_BASE + MAX_VECTORS;
  const doorbellBase = dirtyBase + slots / 32;
  const controlBytes = 4 * (doorbellBase + slots);
  const memoryOffset = Math.ceil(controlBytes / 4096) * 4096;
  return { doorbellSlots: slots, dirtyBase, doorbellBase, memoryOffset, memoryBytes, memoryBase };
}

export const totalBytes = (l: SharedLayout): number => l.memoryOffset + l.memoryBytes;

/**
 * Host memory over a SharedArrayBuffer. A write ending on a dword boundary stores that last
 * dword with Atomics.store after the rest: a CQE's status dword (phase tag) is then a release,
 * and a host that reads it with Atomics.load sees the whole entry and the data before it.
 */
export class SharedHostMemory extends RegionHostMemory {
  private readonly words: Int32Array;

  constructor(bytes: Uint8Array, base: number) {
    super(bytes, base);
    if (bytes.byteOffset % 4 !== 0) throw new RangeError('shared host memory must start on a dword boundary');
    this.words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  }

  override write(addr: number, src: Uint8Array, srcOff: number, len: number): boolean {
    const off = addr - this.base;
    if (len < 4 || ((off + len) & 3) !== 0 || !Number.isInteger(off) || off < 0 || off + len > this.bytes.length) return super.write(addr, src, srcOff, len);
    const end = srcOff + len;
    this.bytes.set(src.subarray(srcOff, end - 4), off);
    const last = src[end - 4]! | (src[end - 3]! << 8) | (src[end - 2]! << 16) | (src[end - 1]! << 24);
    Atomics.store(this.words, (off + len - 4) >> 2, last);
    return true;
  }
}
