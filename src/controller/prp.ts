// PRP walking (spec 3.1): PRP1 with an optional page offset, PRP2 as the second page or as a
// pointer to a PRP list whose last entry per list page chains to the next list page. Checks
// and statuses follow QEMU hw/nvme/ctrl.c nvme_map_prp, plus the spec's dword rule for PRP1.
import { GenericStatus as G, SCT, status } from '../spec/index.js';
import type { SegmentMap } from './data-pointer.js';
import type { HostMemory } from './host-memory.js';
import { S } from './statuses.js';

/** PRP Offset Invalid, DNR (QEMU: NVME_INVALID_PRP_OFFSET | NVME_DNR). */
export const PRP_OFFSET_INVALID = status(SCT.GENERIC, G.PRP_OFFSET_INVALID, { dnr: true });

const TWO32 = 2 ** 32;
const PRP_ENTRY_BYTES = 8;

/**
 * Maps `length` (> 0) bytes described by PRP1/PRP2 into `map`. `prp1Lo`/`prp2Lo` are the low
 * dwords of the entries (exact, for the offset checks). `scratch` holds at least one list page.
 * Returns 0, PRP Offset Invalid (DNR) or Data Transfer Error (a list page not readable).
 */
export function mapPrps(
  map: SegmentMap,
  memory: HostMemory,
  scratch: Uint8Array,
  view: DataView,
  pageSize: number,
  prp1: number,
  prp1Lo: number,
  prp2: number,
  prp2Lo: number,
  length: number,
): number {
  const mask = pageSize - 1;
  // Every PRP entry's offset is dword aligned; the spec names bits 1:0 under PRP Offset Invalid.
  if ((prp1Lo & 3) !== 0) return PRP_OFFSET_INVALID;
  const first = Math.min(length, pageSize - (prp1Lo & mask));
  map.push(prp1, first, false);
  let rest = length - first;
  if (rest === 0) return 0; // PRP2 unused
  if (rest <= pageSize) {
    // PRP2 is the second page: no offset allowed.
    if ((prp2Lo & mask) !== 0) return PRP_OFFSET_INVALID;
    map.push(prp2, rest, false);
    return 0;
  }
  // PRP2 points to a PRP list; it may start inside a page, so its first page holds fewer entries.
  if ((prp2Lo & 3) !== 0) return PRP_OFFSET_INVALID;
  let list = prp2;
  let slots = (pageSize - (prp2Lo & mask)) >>> 3;
  if (slots === 0) return PRP_OFFSET_INVALID; // no whole entry left in the page
  for (;;) {
    // Read only the entries still needed: a short list may end right before unmapped memory.
    const n = Math.min(slots, Math.ceil(rest / pageSize));
    if (!memory.read(list, scratch, 0, n * PRP_ENTRY_BYTES)) return S.DATA_TRANSFER_ERROR;
    let next = -1;
    for (let i = 0; i < n; i++) {
      const lo = view.getUint32(i * PRP_ENTRY_BYTES, true);
      // List entries, and the chain pointer (QEMU checks it the same way), are page aligned.
      if ((lo & mask) !== 0) return PRP_OFFSET_INVALID;
      const entry = lo + view.getUint32(i * PRP_ENTRY_BYTES + 4, true) * TWO32;
      if (i === slots - 1 && rest > pageSize) {
        next = entry; // the last slot chains on unless it is the final entry needed
        break;
      }
      const len = Math.min(rest, pageSize);
      map.push(entry, len, false);
      rest -= len;
    }
    if (next < 0) return 0;
    list = next;
    slots = pageSize / PRP_ENTRY_BYTES;
  }
}
