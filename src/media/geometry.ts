// The NAND array's shape, in one canonical form with the two views the OCSSD specs use.
//
// Canonical: groups x PUs x planes x blocks x pages x sectors-per-page. The erase unit (a
// "chunk" in this layer) is one plane's block, so the chunk index inside a PU is
// blk * planes + pln: the order of the OCSSD 1.2 bad block table. Sector data is laid out as
// the original emulator laid it out (LUN, block, page, plane, sector), so a dual-plane page
// write is contiguous and 1.2 plain-LBA access sees the bytes PPA access wrote. With one plane
// (every 2.0 device) the layout is simply chunk-major.

export interface GeometryParams {
  /** OCSSD 2.0 groups; OCSSD 1.2 channels. */
  readonly groups: number;
  /** OCSSD 2.0 parallel units per group; OCSSD 1.2 LUNs per channel. */
  readonly pusPerGroup: number;
  /** Planes per PU (1, 2 or 4); 1 for 2.0 devices. */
  readonly planes: number;
  /** Erase blocks per plane. */
  readonly blocksPerPlane: number;
  readonly pagesPerBlock: number;
  readonly sectorsPerPage: number;
  /** Bytes of data per sector. */
  readonly sectorSize: number;
  /** Bytes of out-of-band metadata per sector. */
  readonly oobSize: number;
}

/** OCSSD 2.0 view: groups x PUs x chunks x sectors (a 1.2 multi-plane block is one chunk, as Linux sees it). */
export interface V20View {
  readonly numGroups: number;
  readonly numPu: number;
  readonly numChunk: number;
  readonly clba: number;
  readonly sectorSize: number;
  readonly oobSize: number;
}

/** OCSSD 1.2 view: channels x LUNs x planes x blocks x pages x sectors per page. */
export interface V12View {
  readonly channels: number;
  readonly lunsPerChannel: number;
  readonly planes: number;
  readonly blocks: number;
  readonly pages: number;
  readonly sectorsPerPage: number;
  readonly sectorSize: number;
  readonly oobSize: number;
}

export class GeometryError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid geometry: ${problems.join('; ')}`);
    this.name = 'GeometryError';
  }
}

interface Rule {
  readonly field: keyof GeometryParams;
  readonly min: number;
  readonly max: number;
  readonly allowed?: readonly number[];
  readonly powerOfTwo?: boolean;
}

/** Limits follow the widest field that carries each value (2.0 NUM_GRP u16, NUM_CHK u32, ...). */
const RULES: readonly Rule[] = [
  { field: 'groups', min: 1, max: 0xffff },
  { field: 'pusPerGroup', min: 1, max: 0xffff },
  { field: 'planes', min: 1, max: 4, allowed: [1, 2, 4] },
  { field: 'blocksPerPlane', min: 1, max: 0xffffffff },
  { field: 'pagesPerBlock', min: 1, max: 0xffffffff },
  { field: 'sectorsPerPage', min: 1, max: 256 },
  { field: 'sectorSize', min: 512, max: 65536, powerOfTwo: true },
  { field: 'oobSize', min: 0, max: 4096 },
];

/** Sectors must be addressable by a JS number and the 2.0 LBA format must fit 64 bits. */
const MAX_TOTAL_SECTORS = 2 ** 48;

const bitsFor = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

export function validateGeometry(p: GeometryParams): string[] {
  const problems: string[] = [];
  for (const r of RULES) {
    const v = p[r.field];
    const range = r.allowed ? r.allowed.join(', ') : `${r.min}..${r.max}${r.powerOfTwo ? ', a power of two' : ''}`;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < r.min || v > r.max || (r.allowed && !r.allowed.includes(v)) || (r.powerOfTwo && (v & (v - 1)) !== 0)) {
      problems.push(`${r.field} = ${String(v)}: allowed ${range}`);
    }
  }
  if (problems.length === 0) {
    const total = p.groups * p.pusPerGroup * p.planes * p.blocksPerPlane * p.pagesPerBlock * p.sectorsPerPage;
    if (total > MAX_TOTAL_SECTORS) problems.push(`total sectors = ${total}: allowed at most 2^48`);
  }
  return problems;
}

/** A validated geometry with the arithmetic every layer above needs, precomputed. */
export class Geometry implements GeometryParams {
  readonly groups: number;
  readonly pusPerGroup: number;
  readonly planes: number;
  readonly blocksPerPlane: number;
  readonly pagesPerBlock: number;
  readonly sectorsPerPage: number;
  readonly sectorSize: number;
  readonly oobSize: number;

  /** Erase units per PU (blocks x planes). */
  readonly chunksPerPu: number;
  /** Sectors in one erase unit (pages x sectors per page). */
  readonly sectorsPerChunk: number;
  readonly totalPus: number;
  readonly totalChunks: number;
  readonly totalSectors: number;
  readonly sectorsPerPu: number;
  /** Bytes of sector data the backing image must hold. */
  readonly dataBytes: number;

  private constructor(p: GeometryParams) {
    this.groups = p.groups;
    this.pusPerGroup = p.pusPerGroup;
    this.planes = p.planes;
    this.blocksPerPlane = p.blocksPerPlane;
    this.pagesPerBlock = p.pagesPerBlock;
    this.sectorsPerPage = p.sectorsPerPage;
    this.sectorSize = p.sectorSize;
    this.oobSize = p.oobSize;
    this.chunksPerPu = p.blocksPerPlane * p.planes;
    this.sectorsPerChunk = p.pagesPerBlock * p.sectorsPerPage;
    this.totalPus = p.groups * p.pusPerGroup;
    this.totalChunks = this.totalPus * this.chunksPerPu;
    this.sectorsPerPu = this.chunksPerPu * this.sectorsPerChunk;
    this.totalSectors = this.totalPus * this.sectorsPerPu;
    this.dataBytes = this.totalSectors * p.sectorSize;
  }

  static create(p: GeometryParams): Geometry {
    const problems = validateGeometry(p);
    if (problems.length > 0) throw new GeometryError(problems);
    return new Geometry(p);
  }

  /** From the OCSSD 2.0 view (one plane; a chunk is one erase block of clba sectors). */
  static fromV20(v: V20View): Geometry {
    const problems: string[] = [];
    const check = (name: keyof V20View, max: number) => {
      const x = v[name];
      if (!Number.isInteger(x) || x < 1 || x > max) problems.push(`${name} = ${String(x)}: allowed 1..${max}`);
    };
    check('numGroups', 0xffff);
    check('numPu', 0xffff);
    check('numChunk', 0xffffffff);
    check('clba', 0xffffffff);
    if (problems.length > 0) throw new GeometryError(problems);
    return Geometry.create({
      groups: v.numGroups,
      pusPerGroup: v.numPu,
      planes: 1,
      blocksPerPlane: v.numChunk,
      pagesPerBlock: v.clba,
      sectorsPerPage: 1,
      sectorSize: v.sectorSize,
      oobSize: v.oobSize,
    });
  }

  /** From the OCSSD 1.2 view; 1.2 identity fields are u8 (channels, LUNs) and u16 (blocks, pages). */
  static fromV12(v: V12View): Geometry {
    const problems: string[] = [];
    const check = (name: keyof V12View, max: number) => {
      const x = v[name];
      if (!Number.isInteger(x) || x < 1 || x > max) problems.push(`${name} = ${String(x)}: allowed 1..${max}`);
    };
    check('channels', 0xff);
    check('lunsPerChannel', 0xff);
    check('blocks', 0xffff);
    check('pages', 0xffff);
    check('sectorsPerPage', 0xff);
    if (problems.length > 0) throw new GeometryError(problems);
    return Geometry.create({
      groups: v.channels,
      pusPerGroup: v.lunsPerChannel,
      planes: v.planes,
      blocksPerPlane: v.blocks,
      pagesPerBlock: v.pages,
      sectorsPerPage: v.sectorsPerPage,
      sectorSize: v.sectorSize,
      oobSize: v.oobSize,
    });
  }

  params(): GeometryParams {
    const { groups, pusPerGroup, planes, blocksPerPlane, pagesPerBlock, sectorsPerPage, sectorSize, oobSize } = this;
    return { groups, pusPerGroup, planes, blocksPerPlane, pagesPerBlock, sectorsPerPage, sectorSize, oobSize };
  }

  /** The 2.0 view, as Linux derives it from a 1.2 device: a chunk spans all planes of a block. */
  v20(): V20View {
    return {
      numGroups: this.groups,
      numPu: this.pusPerGroup,
      numChunk: this.blocksPerPlane,
      clba: this.planes * this.sectorsPerChunk,
      sectorSize: this.sectorSize,
      oobSize: this.oobSize,
    };
  }

  v12(): V12View {
    return {
      channels: this.groups,
      lunsPerChannel: this.pusPerGroup,
      planes: this.planes,
      blocks: this.blocksPerPlane,
      pages: this.pagesPerBlock,
      sectorsPerPage: this.sectorsPerPage,
      sectorSize: this.sectorSize,
      oobSize: this.oobSize,
    };
  }

  /** Same shape (every canonical field equal). */
  equals(o: GeometryParams): boolean {
    return RULES.every((r) => this[r.field] === o[r.field]);
  }

  /** Short human form used in messages: "1 grp x 16 PU x 2 pln x 3 blk x 512 pg x 4 sec of 4096+16 B". */
  describe(): string {
    return describeGeometry(this);
  }

  /** Bits of the 2.0 LBA format: sector, chunk, PU, group. */
  lbaBits(): { sec: number; chk: number; pu: number; grp: number } {
    const v = this.v20();
    return { sec: bitsFor(v.clba), chk: bitsFor(v.numChunk), pu: bitsFor(v.numPu), grp: bitsFor(v.numGroups) };
  }

  // ---- addressing (hot path: plain arithmetic, no allocation) ----

  chunkIndex(group: number, pu: number, chunk: number): number {
    return (group * this.pusPerGroup + pu) * this.chunksPerPu + chunk;
  }

  /** Chunk index of a 1.2 (block, plane) inside a PU. */
  chunkOf12(group: number, pu: number, block: number, plane: number): number {
    return this.chunkIndex(group, pu, block * this.planes + plane);
  }

  groupOf(chunkIndex: number): number {
    return Math.floor(chunkIndex / (this.pusPerGroup * this.chunksPerPu));
  }

  /** Flat PU index (group * pusPerGroup + pu) of a chunk: the unit of parallelism. */
  puOf(chunkIndex: number): number {
    return Math.floor(chunkIndex / this.chunksPerPu);
  }

  chunkInPu(chunkIndex: number): number {
    return chunkIndex % this.chunksPerPu;
  }

  /**
   * Index of a sector in the backing image (multiply by sectorSize for bytes). Sectors of one
   * page are contiguous; with several planes the pages of a block interleave by plane.
   */
  diskSector(chunkIndex: number, sector: number): number {
    if (this.planes === 1) return chunkIndex * this.sectorsPerChunk + sector;
    const pu = Math.floor(chunkIndex / this.chunksPerPu);
    const inPu = chunkIndex - pu * this.chunksPerPu;
    const blk = Math.floor(inPu / this.planes);
    const pln = inPu - blk * this.planes;
    const page = Math.floor(sector / this.sectorsPerPage);
    const s = sector - page * this.sectorsPerPage;
    const pageSpan = this.planes * this.sectorsPerPage;
    return pu * this.sectorsPerPu + blk * this.pagesPerBlock * pageSpan + page * pageSpan + pln * this.sectorsPerPage + s;
  }

  /** Sectors from `sector` that are contiguous on disk (to the end of the page, or the chunk with one plane). */
  contiguousRun(sector: number, count: number): number {
    if (this.planes === 1) return count;
    const left = this.sectorsPerPage - (sector % this.sectorsPerPage);
    return count < left ? count : left;
  }
}

export function describeGeometry(p: GeometryParams): string {
  return `${p.groups} grp x ${p.pusPerGroup} PU x ${p.planes} pln x ${p.blocksPerPlane} blk x ${p.pagesPerBlock} pg x ${p.sectorsPerPage} sec of ${p.sectorSize}+${p.oobSize} B`;
}
