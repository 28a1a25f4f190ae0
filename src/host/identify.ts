// Identify Controller and Identify Namespace as the host uses them, decoded with the spec
// layouts. The full decoded record stays available (`fields`) next to the typed essentials.
import {
  FLBAS,
  IDENTIFY_CONTROLLER,
  IDENTIFY_NAMESPACE,
  LBA_FORMAT,
  LBA_FORMAT_COUNT,
  NSID_LIST_ENTRIES,
  type Decoded,
  decode,
  getBits,
  u128,
} from '../spec/index.js';

type ControllerField = (typeof IDENTIFY_CONTROLLER.fields)[number]['name'];
type NamespaceField = (typeof IDENTIFY_NAMESPACE.fields)[number]['name'];

export interface IdentifyController {
  readonly vid: number;
  readonly ssvid: number;
  readonly sn: string;
  readonly mn: string;
  readonly fr: string;
  readonly ieeeOui: number;
  /** Max data transfer, 2^mdts units of CAP.MPSMIN; 0 = no limit. */
  readonly mdts: number;
  readonly cntlid: number;
  readonly ver: number;
  readonly oacs: number;
  readonly acl: number;
  readonly aerl: number;
  readonly lpa: number;
  readonly elpe: number;
  readonly sqes: number;
  readonly cqes: number;
  readonly nn: number;
  readonly oncs: number;
  readonly vwc: number;
  readonly sgls: number;
  readonly kas: number;
  readonly tnvmcap: bigint;
  readonly subnqn: string;
  /** Every named field as the layout decodes it. */
  readonly fields: Decoded<ControllerField>;
  readonly raw: Uint8Array;
}

export interface LbaFormat {
  /** Metadata bytes per block. */
  readonly ms: number;
  /** log2 of the data size. */
  readonly lbads: number;
  readonly rp: number;
}

export interface IdentifyNamespace {
  readonly nsze: number;
  readonly ncap: number;
  readonly nuse: number;
  readonly nsfeat: number;
  /** LBA formats offered (NLBAF + 1 of them). */
  readonly lbaFormats: readonly LbaFormat[];
  /** Index of the format in use (FLBAS). */
  readonly formatIndex: number;
  /** Metadata travels at the end of each block (extended LBA) rather than in a separate buffer. */
  readonly extendedMetadata: boolean;
  /** Bytes of data per logical block in the current format. */
  readonly lbaSize: number;
  /** Metadata bytes per logical block in the current format. */
  readonly metadataSize: number;
  readonly mc: number;
  readonly dlfeat: number;
  readonly nguid: Uint8Array;
  readonly eui64: Uint8Array;
  /** Vendor-specific byte 384 (0x01 marks an OCSSD 1.2 namespace for Linux). */
  readonly vs0: number;
  readonly fields: Decoded<NamespaceField>;
  readonly raw: Uint8Array;
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

export function decodeIdentifyController(raw: Uint8Array): IdentifyController {
  const f = decode(IDENTIFY_CONTROLLER, raw);
  const ieee = f.ieee as Uint8Array;
  const subnqn = f.subnqn as Uint8Array;
  const end = subnqn.indexOf(0);
  return {
    vid: num(f.vid),
    ssvid: num(f.ssvid),
    sn: f.sn as string,
    mn: f.mn as string,
    fr: f.fr as string,
    ieeeOui: ieee[0]! | (ieee[1]! << 8) | (ieee[2]! << 16),
    mdts: num(f.mdts),
    cntlid: num(f.cntlid),
    ver: num(f.ver),
    oacs: num(f.oacs),
    acl: num(f.acl),
    aerl: num(f.aerl),
    lpa: num(f.lpa),
    elpe: num(f.elpe),
    sqes: num(f.sqes),
    cqes: num(f.cqes),
    nn: num(f.nn),
    oncs: num(f.oncs),
    vwc: num(f.vwc),
    sgls: num(f.sgls),
    kas: num(f.kas),
    tnvmcap: u128(f.tnvmcap as Uint8Array),
    subnqn: Buffer.from(subnqn.subarray(0, end < 0 ? subnqn.length : end)).toString('utf8'),
    fields: f,
    raw,
  };
}

export function decodeIdentifyNamespace(raw: Uint8Array): IdentifyNamespace {
  const f = decode(IDENTIFY_NAMESPACE, raw);
  const nlbaf = num(f.nlbaf);
  const lbaFormats: LbaFormat[] = [];
  for (let i = 0; i <= nlbaf && i < LBA_FORMAT_COUNT; i++) {
    const e = decode(LBA_FORMAT, raw, IDENTIFY_NAMESPACE.offset.lbaf0 + 4 * i);
    lbaFormats.push({ ms: num(e.ms), lbads: num(e.lbads), rp: num(e.rp) });
  }
  const flbas = num(f.flbas);
  const formatIndex = getBits(flbas, FLBAS.format) | (getBits(flbas, FLBAS.formatMsb) << 4);
  const current = lbaFormats[formatIndex];
  return {
    nsze: num(f.nsze),
    ncap: num(f.ncap),
    nuse: num(f.nuse),
    nsfeat: num(f.nsfeat),
    lbaFormats,
    formatIndex,
    extendedMetadata: getBits(flbas, FLBAS.extended) === 1,
    // An inactive namespace is all zeros: no format, no size.
    lbaSize: current === undefined || current.lbads === 0 ? 0 : 2 ** current.lbads,
    metadataSize: current?.ms ?? 0,
    mc: num(f.mc),
    dlfeat: num(f.dlfeat),
    nguid: f.nguid as Uint8Array,
    eui64: f.eui64 as Uint8Array,
    vs0: raw[IDENTIFY_NAMESPACE.offset.vs]!,
    fields: f,
    raw,
  };
}

/** The NSIDs of an active namespace ID list (CNS 0x02 / 0x07), up to the first zero. */
export function decodeNsidList(raw: Uint8Array): number[] {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  for (let i = 0; i < NSID_LIST_ENTRIES; i++) {
    const nsid = dv.getUint32(4 * i, true);
    if (nsid === 0) break;
    out.push(nsid);
  }
  return out;
}
