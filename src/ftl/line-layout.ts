// Where things are in a target and in a line. A target owns PUs puBegin..puEnd (global PU
// numbers, group-major) and every chunk index of them; line i is chunk i of each of those PUs.
// A line is written in units of ws_opt sectors striped round-robin over its good chunks:
//
//   unit u -> chunk good[u % nGood], sectors floor(u / nGood) * wsOpt .. + wsOpt
//   unit 0            smeta
//   units 1..dataEnd  user and GC data (data position d = (u - 1) * wsOpt + offset)
//   the last E units  emeta (the LBA of each data position)
//
// A target-physical address (paddr) is (line * nPus + pu) * clba + sector: what the L2P holds.
import { deviceAddress, type ChunkGeometry } from './chunk-device.js';
import { emetaBytes } from './meta-format.js';

export interface TargetShape {
  readonly geo: ChunkGeometry;
  readonly puBegin: number;
  readonly puEnd: number;
  readonly nPus: number;
  readonly lines: number;
  readonly clba: number;
  /** Sectors per write unit (ws_opt). */
  readonly unit: number;
}

export function targetShape(geo: ChunkGeometry, puBegin: number, puEnd: number): TargetShape {
  const total = geo.numGroups * geo.numPu;
  if (!Number.isInteger(puBegin) || !Number.isInteger(puEnd) || puBegin < 0 || puEnd < puBegin || puEnd >= total) {
    throw new RangeError(`PU range -b ${puBegin} -e ${puEnd}: allowed 0 <= begin <= end <= ${total - 1}`);
  }
  const nPus = puEnd - puBegin + 1;
  if (geo.numChunk * nPus * geo.clba >= 0x80000000) throw new RangeError(`target of ${nPus} PUs x ${geo.numChunk} chunks x ${geo.clba} sectors is too large for the 31-bit L2P`);
  return { geo, puBegin, puEnd, nPus, lines: geo.numChunk, clba: geo.clba, unit: geo.wsOpt };
}

/** emeta units of a line with `nGood` chunks: the fewest that hold the LBA list of the rest. */
export function emetaUnits(shape: TargetShape, nGood: number): number {
  const total = nGood * (shape.clba / shape.unit);
  for (let e = 1; e < total; e++) {
    const data = (total - 1 - e) * shape.unit;
    if (data <= 0) return e;
    if (emetaBytes(data) <= e * shape.unit * 4096) return e;
  }
  return total;
}

/** The layout of one line for a given set of good chunks (target PU indexes, ascending). */
export class LineLayout {
  readonly nGood: number;
  readonly totalUnits: number;
  readonly emetaUnits: number;
  /** First emeta unit; data units are 1 .. dataEnd - 1. */
  readonly dataEnd: number;
  /** Data positions (sectors) of the line. */
  readonly dataSectors: number;
  /** slotOf[pu] = index in good, or -1. */
  readonly slotOf: Int16Array;

  constructor(
    readonly shape: TargetShape,
    readonly line: number,
    readonly good: readonly number[],
  ) {
    this.nGood = good.length;
    this.totalUnits = this.nGood * (shape.clba / shape.unit);
    this.emetaUnits = this.nGood === 0 ? 0 : emetaUnits(shape, this.nGood);
    this.dataEnd = Math.max(1, this.totalUnits - this.emetaUnits);
    this.dataSectors = Math.max(0, (this.dataEnd - 1) * shape.unit);
    this.slotOf = new Int16Array(shape.nPus).fill(-1);
    good.forEach((pu, i) => (this.slotOf[pu] = i));
  }

  /** Whether the line can hold smeta, emeta and at least one data unit. */
  get usable(): boolean {
    return this.nGood > 0 && this.dataSectors > 0;
  }

  unitPu(u: number): number {
    return this.good[u % this.nGood]!;
  }

  unitSector(u: number): number {
    return Math.floor(u / this.nGood) * this.shape.unit;
  }

  paddr(pu: number, sector: number): number {
    return (this.line * this.shape.nPus + pu) * this.shape.clba + sector;
  }

  /** paddr of data position d. */
  dataPaddr(d: number): number {
    const u = 1 + Math.floor(d / this.shape.unit);
    return this.paddr(this.unitPu(u), this.unitSector(u) + (d % this.shape.unit));
  }

  /** Data position of a paddr in this line, or -1 (metadata, or a chunk not in the line). */
  dataPosition(paddr: number): number {
    const s = this.shape;
    const inLine = paddr - this.line * s.nPus * s.clba;
    const pu = Math.floor(inLine / s.clba);
    const sector = inLine % s.clba;
    const slot = this.slotOf[pu] ?? -1;
    if (slot < 0) return -1;
    const u = Math.floor(sector / s.unit) * this.nGood + slot;
    if (u < 1 || u >= this.dataEnd) return -1;
    return (u - 1) * s.unit + (sector % s.unit);
  }
}

export const lineOf = (shape: TargetShape, paddr: number): number => Math.floor(paddr / (shape.nPus * shape.clba));

/** Device-linear address of a paddr. */
export function devAddr(shape: TargetShape, paddr: number): number {
  const sector = paddr % shape.clba;
  const c = (paddr - sector) / shape.clba;
  const pu = c % shape.nPus;
  const line = (c - pu) / shape.nPus;
  return deviceAddress(shape.geo, shape.puBegin + pu, line, sector);
}
