// SGL walking over host memory (spec 3.1): a Data Block or Bit Bucket, or a chain of Segment /
// Last Segment lists of 16-byte descriptors. Statuses follow QEMU hw/nvme/ctrl.c nvme_map_sgl
// and nvme_map_sgl_data, which match the spec's definitions of SC 0x0D / 0x0E / 0x0F / 0x11.
import { GenericStatus as G, SCT, SglSubtype, SglType, status } from '../spec/index.js';
import { Direction } from './data-mover.js';
import type { SegmentMap } from './data-pointer.js';
import type { HostMemory } from './host-memory.js';
import { S } from './statuses.js';

const dnr = { dnr: true };
export const DATA_SGL_LENGTH_INVALID = status(SCT.GENERIC, G.DATA_SGL_LENGTH_INVALID, dnr);
export const SGL_DESCRIPTOR_TYPE_INVALID = status(SCT.GENERIC, G.SGL_DESCRIPTOR_TYPE_INVALID, dnr);
export const INVALID_SGL_SEGMENT_DESCRIPTOR = status(SCT.GENERIC, G.INVALID_SGL_SEGMENT_DESCRIPTOR, dnr);
export const INVALID_NUMBER_OF_SGL_DESCRIPTORS = status(SCT.GENERIC, G.INVALID_NUMBER_OF_SGL_DESCRIPTORS, dnr);

export const SGL_DESCRIPTOR_BYTES = 16;
/** Default bound on descriptors walked per SGL (Linux uses at most 128, SPDK 250). */
export const MAX_SGL_DESCRIPTORS = 4096;
/** Descriptors read from host memory at once (4 KiB, as QEMU's SEG_CHUNK_SIZE). */
const CHUNK = 256;
const TWO32 = 2 ** 32;
const TWO64 = 2 ** 64;

/**
 * Maps `length` (> 0) bytes described by the SGL whose first descriptor is (addr, len, id) into
 * `map`. Descriptors past the transfer are ignored (an SGL may be longer than the transfer:
 * Identify SGLS bit 18). Bit buckets are valid only for controller-to-host transfers.
 * `scratch` holds at least CHUNK descriptors. Returns 0 or the status to complete with.
 */
export function mapSgl(
  map: SegmentMap,
  memory: HostMemory,
  scratch: Uint8Array,
  view: DataView,
  addr: number,
  len: number,
  id: number,
  length: number,
  dir: Direction,
  maxDescriptors: number,
): number {
  let type = id >>> 4;
  // Only address subtypes exist over PCIe; offset and transport subtypes are fabrics'.
  if ((id & 0xf) !== SglSubtype.ADDRESS) return SGL_DESCRIPTOR_TYPE_INVALID;
  if (type === SglType.DATA_BLOCK || type === SglType.BIT_BUCKET) {
    const st = addData(map, addr, len, type === SglType.BIT_BUCKET, length, dir);
    if (st !== 0) return st;
    return map.length === length ? 0 : DATA_SGL_LENGTH_INVALID;
  }
  if (type !== SglType.SEGMENT && type !== SglType.LAST_SEGMENT) return SGL_DESCRIPTOR_TYPE_INVALID;
  let count = 0;
  for (;;) {
    if (len === 0 || len % SGL_DESCRIPTOR_BYTES !== 0) return INVALID_SGL_SEGMENT_DESCRIPTOR;
    if (addr + len > TWO64) return DATA_SGL_LENGTH_INVALID; // QEMU: the list wraps the address space
    const lastSegment = type === SglType.LAST_SEGMENT;
    const n = len / SGL_DESCRIPTOR_BYTES;
    let nextType = -1;
    let nextAddr = 0;
    let nextLen = 0;
    for (let j = 0; j < n; j++) {
      const k = j % CHUNK;
      if (k === 0) {
        const m = Math.min(CHUNK, n - j);
        if (!memory.read(addr + j * SGL_DESCRIPTOR_BYTES, scratch, 0, m * SGL_DESCRIPTOR_BYTES)) return S.DATA_TRANSFER_ERROR;
      }
      // A chain of segments may loop back on itself: bound the walk.
      if (++count > maxDescriptors) return INVALID_NUMBER_OF_SGL_DESCRIPTORS;
      const o = k * SGL_DESCRIPTOR_BYTES;
      const dId = view.getUint8(o + 15);
      const dType = dId >>> 4;
      const dAddr = view.getUint32(o, true) + view.getUint32(o + 4, true) * TWO32;
      const dLen = view.getUint32(o + 8, true);
      if (dType === SglType.DATA_BLOCK || dType === SglType.BIT_BUCKET) {
        if ((dId & 0xf) !== SglSubtype.ADDRESS) return SGL_DESCRIPTOR_TYPE_INVALID;
        const st = addData(map, dAddr, dLen, dType === SglType.BIT_BUCKET, length, dir);
        if (st !== 0) return st;
        if (map.length === length) return 0; // the rest is excess
      } else if (dType === SglType.SEGMENT || dType === SglType.LAST_SEGMENT) {
        // Spec SC 0x0E: a (Last) Segment descriptor anywhere but last in its segment.
        if (j !== n - 1) return INVALID_NUMBER_OF_SGL_DESCRIPTORS;
        // Spec SC 0x0D: the list of a Last Segment holds no (Last) Segment descriptor.
        if (lastSegment) return INVALID_SGL_SEGMENT_DESCRIPTOR;
        if ((dId & 0xf) !== SglSubtype.ADDRESS) return SGL_DESCRIPTOR_TYPE_INVALID;
        nextType = dType;
        nextAddr = dAddr;
        nextLen = dLen;
      } else {
        return SGL_DESCRIPTOR_TYPE_INVALID; // keyed, transport, vendor specific, reserved
      }
    }
    if (nextType < 0) break;
    type = nextType;
    addr = nextAddr;
    len = nextLen;
  }
  return map.length === length ? 0 : DATA_SGL_LENGTH_INVALID;
}

/** One Data Block or Bit Bucket descriptor: maps what the transfer still needs of it. */
function addData(map: SegmentMap, addr: number, len: number, bitBucket: boolean, length: number, dir: Direction): number {
  // Bit buckets discard data the controller sends; there is nothing to read from one.
  if (bitBucket && dir !== Direction.TO_HOST) return SGL_DESCRIPTOR_TYPE_INVALID;
  if (len === 0) return 0;
  if (!bitBucket && addr + len > TWO64) return DATA_SGL_LENGTH_INVALID;
  map.push(addr, Math.min(len, length - map.length), bitBucket);
  return 0;
}
