// Builds a command's data pointer in the SQE from a contiguous DMA region: PRP1/PRP2, a PRP list
// (chained across list pages) for transfers over two pages, or one SGL Data Block descriptor.
// PRP list pages belong to the command slot and are reused by its next command.
import { Psdt, SQE, SglSubtype, SglType, sglId } from '../spec/index.js';
import type { DmaAllocator } from '../transport/index.js';
import type { CommandSlot } from './queue-pair.js';

/** A contiguous range of the shared host memory. */
export interface DmaRegion {
  readonly addr: number;
  readonly length: number;
}

const TWO32 = 2 ** 32;
const O = SQE.offset;

/** Writes a u64 held as a number (exact below 2^53) at `off`. */
export function setU64(view: DataView, off: number, value: number): void {
  view.setUint32(off, value >>> 0, true);
  view.setUint32(off + 4, Math.floor(value / TWO32) >>> 0, true);
}

/**
 * Fills PRP1/PRP2 of the entry at `sqeOff` for `region`; makes a PRP list in the slot's list
 * pages when the transfer touches more than two memory pages.
 */
export function writePrps(view: DataView, sqeOff: number, region: DmaRegion, pageSize: number, slot: CommandSlot, memory: DmaAllocator): void {
  const { addr, length } = region;
  if (length === 0) return;
  if (addr % 4 !== 0) throw new RangeError(`PRP data at 0x${addr.toString(16)}: must be dword aligned`);
  setU64(view, sqeOff + O.prp1, addr);
  const first = pageSize - (addr % pageSize);
  if (length <= first) return;
  const rest = length - first;
  const page2 = addr + first;
  if (rest <= pageSize) {
    setU64(view, sqeOff + O.prp2, page2);
    return;
  }
  const entries = Math.ceil(rest / pageSize);
  const perPage = pageSize / 8;
  // Every list page but the last gives its last entry to the chain pointer.
  const listPages = entries <= perPage ? 1 : Math.ceil((entries - 1) / (perPage - 1));
  const need = listPages * pageSize;
  if (slot.prpList === undefined || slot.prpList.bytes.length < need) {
    if (slot.prpList !== undefined) memory.free(slot.prpList);
    slot.prpList = undefined;
    slot.prpList = memory.allocate(need, pageSize);
    slot.prpView = new DataView(slot.prpList.bytes.buffer, slot.prpList.bytes.byteOffset, need);
  }
  const list = slot.prpList;
  const lv = slot.prpView!;
  let e = 0;
  for (let p = 0; p < listPages; p++) {
    const last = p === listPages - 1;
    const room = last ? perPage : perPage - 1;
    const base = p * pageSize;
    for (let k = 0; k < room && e < entries; k++, e++) setU64(lv, base + 8 * k, page2 + e * pageSize);
    if (!last) setU64(lv, base + 8 * (perPage - 1), list.addr + (p + 1) * pageSize);
  }
  setU64(view, sqeOff + O.prp2, list.addr);
}

/** Fills SGL1 with one Data Block descriptor for `region` and sets PSDT to SGL. */
export function writeSgl(view: DataView, sqeOff: number, region: DmaRegion): void {
  setU64(view, sqeOff + 24, region.addr);
  view.setUint32(sqeOff + 32, region.length, true);
  view.setUint8(sqeOff + 39, sglId(SglType.DATA_BLOCK, SglSubtype.ADDRESS));
  setPsdt(view, sqeOff, Psdt.SGL_MPTR_CONTIGUOUS);
}

export function setPsdt(view: DataView, sqeOff: number, psdt: number): void {
  const flags = view.getUint8(sqeOff + O.flags);
  view.setUint8(sqeOff + O.flags, (flags & 0x3f) | (psdt << 6));
}
