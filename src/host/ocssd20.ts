// OCSSD 2.0 from the host side (liblightnvm-like), over NvmeHost.passthrough: the geometry, the
// LBA format (pack / unpack), the chunk information and notification logs, Media Feedback, and
// the vector commands with their per-LBA completion bitmap. It works over any initiator: where
// the controller can read host memory (PCIe) LBA lists go by address as the spec says; over a
// fabric they travel with the command's data (the inline layout, docs/ocssd20.md "Fabrics").
import {
  OCSSD20_CHUNK_DESCRIPTOR,
  OCSSD20_CHUNK_DESCRIPTOR_SIZE,
  OCSSD20_CHUNK_NOTIFICATION,
  OCSSD20_CHUNK_NOTIFICATION_SIZE,
  OCSSD20_CHUNK_STATE_NAMES,
  OCSSD20_GEOMETRY,
  OCSSD20_GEOMETRY_SIZE,
  MAX_VECTOR_LBAS,
  Ocssd20AdminOpcode,
  Ocssd20ChunkType,
  Ocssd20Feature,
  Ocssd20LogPage,
  Ocssd20Opcode,
  Ocssd20VendorOpcode,
  OCSSD20_MEDIA_STATUS_NAMES,
  decode,
  statusName,
  lbafFromGeometry,
  type LbaAddress,
  type LbaFormat,
} from '../spec/index.js';
import type { CommandBuffers, CommandResult, SqeFields } from './initiator.js';
import { NvmeStatusError } from './errors.js';
import type { NvmeHost } from './nvme-host.js';

const TWO32 = 2 ** 32;
const ILAY = 1;
const U64_MAX = (1n << 64n) - 1n;

export interface Ocssd20Geometry {
  readonly mjr: number;
  readonly mnr: number;
  readonly lbaf: LbaFormat;
  readonly mccap: number;
  readonly wit: number;
  readonly numGrp: number;
  readonly numPu: number;
  readonly numChk: number;
  readonly clba: number;
  readonly wsMin: number;
  readonly wsOpt: number;
  readonly mwCunits: number;
  readonly maxoc: number;
  readonly maxocpu: number;
  readonly trdt: number;
  readonly trdm: number;
  readonly twrt: number;
  readonly twrm: number;
  readonly tcrst: number;
  readonly tcrsm: number;
}

export function decodeOcssd20Geometry(bytes: Uint8Array): Ocssd20Geometry {
  const g = decode(OCSSD20_GEOMETRY, bytes);
  const n = (k: keyof typeof g): number => Number(g[k]);
  return {
    mjr: n('mjr'),
    mnr: n('mnr'),
    lbaf: lbafFromGeometry(g),
    mccap: n('mccap'),
    wit: n('wit'),
    numGrp: n('num_grp'),
    numPu: n('num_pu'),
    numChk: n('num_chk'),
    clba: n('clba'),
    wsMin: n('ws_min'),
    wsOpt: n('ws_opt'),
    mwCunits: n('mw_cunits'),
    maxoc: n('maxoc'),
    maxocpu: n('maxocpu'),
    trdt: n('trdt'),
    trdm: n('trdm'),
    twrt: n('twrt'),
    twrm: n('twrm'),
    tcrst: n('tcrst'),
    tcrsm: n('tcrsm'),
  };
}

/** Packs and unpacks LBAs (numbers: every LBA of a device this library can address fits 2^53). */
export class Ocssd20Addressing {
  private readonly mulChk: number;
  private readonly mulPu: number;
  private readonly mulGrp: number;

  constructor(readonly geometry: Ocssd20Geometry) {
    const f = geometry.lbaf;
    this.mulChk = 2 ** f.lbaLen;
    this.mulPu = 2 ** (f.lbaLen + f.chkLen);
    this.mulGrp = 2 ** (f.lbaLen + f.chkLen + f.puLen);
  }

  pack(a: LbaAddress): number {
    const g = this.geometry;
    const ok = (v: number, n: number): boolean => Number.isInteger(v) && v >= 0 && v < n;
    if (!ok(a.grp, g.numGrp) || !ok(a.pu, g.numPu) || !ok(a.chk, g.numChk) || !ok(a.sec, g.clba)) {
      throw new RangeError(`address ${JSON.stringify(a)}: allowed grp 0..${g.numGrp - 1}, pu 0..${g.numPu - 1}, chk 0..${g.numChk - 1}, sec 0..${g.clba - 1}`);
    }
    return a.grp * this.mulGrp + a.pu * this.mulPu + a.chk * this.mulChk + a.sec;
  }

  unpack(lba: number): LbaAddress {
    return {
      sec: lba % this.mulChk,
      chk: Math.floor(lba / this.mulChk) % (this.mulPu / this.mulChk),
      pu: Math.floor(lba / this.mulPu) % (this.mulGrp / this.mulPu),
      grp: Math.floor(lba / this.mulGrp),
    };
  }

  /** Index of a chunk in the chunk information log. */
  chunkIndex(a: { grp: number; pu: number; chk: number }): number {
    return (a.grp * this.geometry.numPu + a.pu) * this.geometry.numChk + a.chk;
  }

  /** The address of log entry `index`. */
  chunkAt(index: number): LbaAddress {
    const g = this.geometry;
    return { grp: Math.floor(index / (g.numPu * g.numChk)), pu: Math.floor(index / g.numChk) % g.numPu, chk: index % g.numChk, sec: 0 };
  }

  get totalChunks(): number {
    const g = this.geometry;
    return g.numGrp * g.numPu * g.numChk;
  }
}

export interface ChunkDescriptor {
  /** Ocssd20ChunkState bits and name. */
  readonly cs: number;
  readonly state: string;
  readonly ct: number;
  readonly sequential: boolean;
  readonly wli: number;
  readonly slba: number;
  readonly cnlb: number;
  /** Write pointer (sector offset in the chunk); null for an offline chunk (all ones). */
  readonly wp: number | null;
}

export function decodeChunkDescriptor(bytes: Uint8Array, at = 0): ChunkDescriptor {
  const d = decode(OCSSD20_CHUNK_DESCRIPTOR, bytes, at);
  const cs = Number(d.cs);
  const ct = Number(d.ct);
  return {
    cs,
    state: OCSSD20_CHUNK_STATE_NAMES[cs] ?? `0x${cs.toString(16)}`,
    ct,
    sequential: (ct & Ocssd20ChunkType.SEQUENTIAL) !== 0,
    wli: Number(d.wli),
    slba: Number(d.slba),
    cnlb: Number(d.cnlb),
    wp: d.wp === U64_MAX ? null : Number(d.wp),
  };
}

export interface ChunkNotificationEntry {
  readonly nc: number;
  readonly lba: number;
  readonly nsid: number;
  readonly state: number;
  readonly mask: number;
  readonly nlb0: number;
}

export interface Ocssd20VectorResult {
  /** 15-bit status (0 = success). */
  readonly status: number;
  /** Bit i set: LBA i of the list failed (CQE DW0-DW1). */
  readonly bitmap: bigint;
  readonly data?: Uint8Array;
  readonly oob?: Uint8Array;
  /** Reset: each chunk's descriptor after the reset, in list order. */
  readonly descriptors?: ChunkDescriptor[];
}

export class Ocssd20Host {
  readonly addressing: Ocssd20Addressing;
  /** The transport cannot reach host memory: lists and OOB travel inline. */
  readonly fabric: boolean;
  private tag = (Math.random() * TWO32) >>> 0;

  private constructor(
    readonly host: NvmeHost,
    readonly nsid: number,
    readonly geometry: Ocssd20Geometry,
    readonly lbaSize: number,
    readonly ms: number,
    inline: boolean | undefined,
  ) {
    this.addressing = new Ocssd20Addressing(geometry);
    this.fabric = inline ?? host.initiator.hostMemoryLists !== true;
  }

  /**
   * Reads the namespace's Identify Namespace and Geometry; refuses a namespace that is not OCSSD
   * 2.0. `inline` forces the inline layout on (or off); by default it is used when the initiator
   * cannot place lists in host memory.
   */
  static async open(host: NvmeHost, nsid: number, o: { inline?: boolean } = {}): Promise<Ocssd20Host> {
    const id = await host.identifyNamespace(nsid);
    const r = await host.passthrough('admin', { opc: Ocssd20AdminOpcode.GEOMETRY, nsid }, { dataInLength: OCSSD20_GEOMETRY_SIZE });
    if (r.status !== 0) throw new NvmeStatusError(`Geometry nsid ${nsid}`, r.status);
    const geometry = decodeOcssd20Geometry(r.data!);
    if (geometry.mjr !== 2) throw new RangeError(`nsid ${nsid}: geometry major version ${geometry.mjr}, not an OCSSD 2.0 namespace`);
    return new Ocssd20Host(host, nsid, geometry, id.lbaSize, id.metadataSize, o.inline);
  }

  pack(a: LbaAddress): number {
    return this.addressing.pack(a);
  }
  unpack(lba: number): LbaAddress {
    return this.addressing.unpack(lba);
  }

  // ---- logs and features ----

  /** Chunk descriptors from log index `first`, `count` of them (default: to the end). */
  async chunkInfo(first = 0, count = this.addressing.totalChunks - first): Promise<ChunkDescriptor[]> {
    if (count <= 0) return [];
    const size = OCSSD20_CHUNK_DESCRIPTOR_SIZE;
    const bytes = await this.host.getLogPage(Ocssd20LogPage.CHUNK_INFO, { nsid: this.nsid, offset: first * size, length: count * size });
    return Array.from({ length: count }, (_, i) => decodeChunkDescriptor(bytes, i * size));
  }

  async chunk(a: { grp: number; pu: number; chk: number }): Promise<ChunkDescriptor> {
    return (await this.chunkInfo(this.addressing.chunkIndex(a), 1))[0]!;
  }

  /** Unread chunk notifications; `rae: false` (default) consumes them and re-arms the event. */
  async notifications(o: { rae?: boolean } = {}): Promise<ChunkNotificationEntry[]> {
    const bytes = await this.host.getLogPage(Ocssd20LogPage.CHUNK_NOTIFICATION, { nsid: this.nsid, length: 4096, rae: o.rae ?? false });
    const out: ChunkNotificationEntry[] = [];
    for (let at = 0; at < bytes.length; at += OCSSD20_CHUNK_NOTIFICATION_SIZE) {
      const e = decode(OCSSD20_CHUNK_NOTIFICATION, bytes, at);
      if (e.nc === 0n) break;
      out.push({ nc: Number(e.nc), lba: Number(e.lba), nsid: Number(e.nsid), state: Number(e.state), mask: Number(e.mask), nlb0: Number(e.nlb0) });
    }
    return out;
  }

  async mediaFeedback(): Promise<number> {
    return (await this.host.getFeature(Ocssd20Feature.MEDIA_FEEDBACK)).dw0;
  }

  async setMediaFeedback(value: number): Promise<void> {
    await this.host.setFeature(Ocssd20Feature.MEDIA_FEEDBACK, value);
  }

  // ---- vector commands ----

  async vectorReset(lbas: readonly number[], o: { descriptors?: boolean } = {}): Promise<Ocssd20VectorResult> {
    const n = this.count(lbas);
    const b: { -readonly [K in keyof CommandBuffers]: CommandBuffers[K] } = {};
    const f = this.fields(Ocssd20Opcode.VECTOR_RESET, n);
    if (n === 1) setLba(f, 10, lbas[0]!);
    else if (this.fabric) {
      // Reset moves no data (opcode bits 1:0 = 00): the list is staged first, as for reads.
      const tag = await this.stage(lbas);
      if (typeof tag !== 'number') return tag;
      f.cdw13 = ILAY;
      f.cdw10 = tag;
    } else b.lists = [{ dword: 10, bytes: encodeLbaList(lbas) }];
    const wantDesc = o.descriptors === true && !(this.fabric && n > 1);
    if (wantDesc) b.metaInLength = n * OCSSD20_CHUNK_DESCRIPTOR_SIZE;
    const r = await this.host.passthrough('io', f, b);
    const res: { -readonly [K in keyof Ocssd20VectorResult]: Ocssd20VectorResult[K] } = result(r);
    if (wantDesc && r.meta !== undefined) res.descriptors = Array.from({ length: n }, (_, i) => decodeChunkDescriptor(r.meta!, i * OCSSD20_CHUNK_DESCRIPTOR_SIZE));
    else if (o.descriptors === true) res.descriptors = await Promise.all(lbas.map((l) => this.chunk(this.unpack(l))));
    return res;
  }

  /** Writes n sectors (data: n * lbaSize bytes) and their OOB (n * ms bytes; zeros when absent). */
  async vectorWrite(lbas: readonly number[], data: Uint8Array, oob?: Uint8Array): Promise<Ocssd20VectorResult> {
    const n = this.count(lbas);
    const ss = this.lbaSize;
    const ms = this.ms;
    if (data.length !== n * ss) throw new RangeError(`vector write of ${n} LBAs needs ${n * ss} data bytes, not ${data.length}`);
    if (oob !== undefined && oob.length !== n * ms) throw new RangeError(`vector write of ${n} LBAs needs ${n * ms} OOB bytes, not ${oob.length}`);
    const f = this.fields(Ocssd20Opcode.VECTOR_WRITE, n);
    const meta = ms > 0 ? (oob ?? new Uint8Array(n * ms)) : undefined;
    if (this.fabric && (n > 1 || meta !== undefined)) {
      f.cdw13 = ILAY;
      if (n === 1) setLba(f, 10, lbas[0]!);
      return result(await this.host.passthrough('io', f, { dataOut: concat(n > 1 ? encodeLbaList(lbas) : undefined, data, meta) }));
    }
    const b: { -readonly [K in keyof CommandBuffers]: CommandBuffers[K] } = { dataOut: data };
    if (meta !== undefined) b.metaOut = meta;
    if (n === 1) setLba(f, 10, lbas[0]!);
    else b.lists = [{ dword: 10, bytes: encodeLbaList(lbas) }];
    return result(await this.host.passthrough('io', f, b));
  }

  /** Reads n sectors; `oob` adds their OOB to the result. */
  async vectorRead(lbas: readonly number[]): Promise<Ocssd20VectorResult> {
    const n = this.count(lbas);
    const ss = this.lbaSize;
    const ms = this.ms;
    const f = this.fields(Ocssd20Opcode.VECTOR_READ, n);
    if (this.fabric && (n > 1 || ms > 0)) {
      f.cdw13 = ILAY;
      if (n === 1) setLba(f, 10, lbas[0]!);
      else {
        const tag = await this.stage(lbas);
        if (typeof tag !== 'number') return tag;
        f.cdw10 = tag;
      }
      const r = await this.host.passthrough('io', f, { dataInLength: n * (ss + ms) });
      const out = result(r);
      return { ...out, data: r.data!.subarray(0, n * ss), ...(ms > 0 ? { oob: r.data!.subarray(n * ss) } : {}) };
    }
    const b: { -readonly [K in keyof CommandBuffers]: CommandBuffers[K] } = { dataInLength: n * ss };
    if (ms > 0) b.metaInLength = n * ms;
    if (n === 1) setLba(f, 10, lbas[0]!);
    else b.lists = [{ dword: 10, bytes: encodeLbaList(lbas) }];
    const r = await this.host.passthrough('io', f, b);
    return { ...result(r), data: r.data!, ...(r.meta !== undefined ? { oob: r.meta } : {}) };
  }

  /** Copies src[i] to dst[i] inside the device (MCCAP bit 0). */
  async vectorCopy(src: readonly number[], dst: readonly number[]): Promise<Ocssd20VectorResult> {
    const n = this.count(src);
    if (dst.length !== n) throw new RangeError(`vector copy: ${n} source LBAs but ${dst.length} destination LBAs`);
    const f = this.fields(Ocssd20Opcode.VECTOR_COPY, n);
    if (n === 1) {
      setLba(f, 10, src[0]!);
      setLba(f, 14, dst[0]!);
      return result(await this.host.passthrough('io', f));
    }
    if (this.fabric) {
      f.cdw13 = ILAY;
      return result(await this.host.passthrough('io', f, { dataOut: concat(encodeLbaList(src), encodeLbaList(dst)) }));
    }
    return result(await this.host.passthrough('io', f, { lists: [{ dword: 10, bytes: encodeLbaList(src) }, { dword: 14, bytes: encodeLbaList(dst) }] }));
  }

  /** Throws NvmeStatusError (naming the OCSSD 2.0 status) unless the result succeeded. */
  static check(r: Ocssd20VectorResult, what: string): Ocssd20VectorResult {
    if (r.status !== 0) throw new NvmeStatusError(`${what} (${ocssd20StatusName(r.status)}, bitmap 0x${r.bitmap.toString(16)})`, r.status);
    return r;
  }

  /** Stages a list for an inline-layout read or reset (0x95): its tag, or the failed result. */
  private async stage(lbas: readonly number[]): Promise<number | Ocssd20VectorResult> {
    const tag = (this.tag = (this.tag + 1) >>> 0);
    const r = await this.host.passthrough('io', { opc: Ocssd20VendorOpcode.STAGE_LBA_LIST, nsid: this.nsid, cdw10: tag, cdw12: lbas.length - 1 }, { dataOut: encodeLbaList(lbas) });
    return r.status === 0 ? tag : { status: r.status, bitmap: (1n << BigInt(lbas.length)) - 1n };
  }

  private count(lbas: readonly number[]): number {
    const n = lbas.length;
    if (n < 1 || n > MAX_VECTOR_LBAS) throw new RangeError(`a vector command takes 1..${MAX_VECTOR_LBAS} LBAs, not ${n}`);
    return n;
  }

  private fields(opc: number, n: number): { -readonly [K in keyof SqeFields]: SqeFields[K] } {
    return { opc, nsid: this.nsid, cdw12: n - 1 };
  }
}

/** A status with the OCSSD 2.0 media codes named (Offline Chunk, Out of Order Write, ...). */
export const ocssd20StatusName = (status: number): string => statusName(status, { media: OCSSD20_MEDIA_STATUS_NAMES });

function setLba(f: { cdw10?: number; cdw11?: number; cdw14?: number; cdw15?: number }, dword: 10 | 14, lba: number): void {
  const lo = lba >>> 0;
  const hi = Math.floor(lba / TWO32) >>> 0;
  if (dword === 10) {
    f.cdw10 = lo;
    f.cdw11 = hi;
  } else {
    f.cdw14 = lo;
    f.cdw15 = hi;
  }
}

export function encodeLbaList(lbas: readonly number[]): Uint8Array {
  const b = new Uint8Array(8 * lbas.length);
  const dv = new DataView(b.buffer);
  lbas.forEach((l, i) => {
    if (!Number.isSafeInteger(l) || l < 0) throw new RangeError(`LBA ${l}: must be a non-negative safe integer`);
    dv.setUint32(8 * i, l >>> 0, true);
    dv.setUint32(8 * i + 4, Math.floor(l / TWO32), true);
  });
  return b;
}

function concat(...parts: (Uint8Array | undefined)[]): Uint8Array {
  const list = parts.filter((p): p is Uint8Array => p !== undefined);
  const out = new Uint8Array(list.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of list) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function result(r: CommandResult): Ocssd20VectorResult {
  return { status: r.status, bitmap: BigInt(r.dw0 >>> 0) | (BigInt(r.dw1 >>> 0) << 32n) };
}
