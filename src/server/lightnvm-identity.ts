// What `nvme lnvm id-ns` shows, read the way the kernel read it: admin 0xE2 (4096 bytes) through
// the device's own host attachment, then byte 0 picks the rendering (1: the 1.2 Device
// Identification, 2: the 2.0 Geometry), as nvme-cli 1.x's show_lnvm_id_ns did. Each renderer
// is the host library's decoder plus a line formatter.
import { type NvmeHost, type Ocssd12Identity, type Ocssd20Geometry, decodeOcssd12Identity, decodeOcssd20Geometry, ocssd12StatusName } from '../host/index.js';
import { OCSSD12_IDENTITY_SIZE, Ocssd12AdminOpcode } from '../spec/index.js';
import { ApiError } from './control-api.js';

/** The body of GET /api/v1/lnvm/devices/:dev/identity. */
export interface IdentityView {
  /** "1.2" or "2.0" (from byte 0 and, for 2.0, the minor number). */
  readonly version: string;
  /** What `ocssd lnvm id-ns` prints. */
  readonly lines: string[];
  readonly [field: string]: unknown;
}

const hex = (n: number): string => (n === 0 ? '0' : `0x${n.toString(16)}`); // C's %#x
const row = (label: string, value: string | number, width = 9): string => `${label.padEnd(width)}: ${value}`;

// -H (human readable): nvme-cli's explanation lines under a value, indented to the values.
const EXPLAIN = ' '.repeat(11);
const bitLines = (value: number, names: Readonly<Record<number, string>>): string[] =>
  Object.entries(names)
    .filter(([bit]) => (value >>> Number(bit)) & 1)
    .map(([bit, name]) => `${EXPLAIN}[${bit}]: ${name}`);

const CAP_BITS = { 0: 'Bad block table management', 1: 'Hybrid command support' };
const DOM_BITS = { 0: 'Hybrid mode (L2P MAP is in device)', 1: 'Error Code Correction(ECC) mode' };
const MPOS_BITS = {
  0: 'Single plane read',
  1: 'Dual plane read',
  2: 'Quad plane read',
  8: 'Single plane program',
  9: 'Dual plane program',
  10: 'Quad plane program',
  16: 'Single plane erase',
  17: 'Dual plane erase',
  18: 'Quad plane erase',
};
const MCCAP12_BITS = { 0: 'SLC mode', 1: 'Command suspension', 2: 'Scramble', 3: 'Encryption' };
const MCCAP20_BITS = { 0: 'Vector copy support', 1: 'Multiple resets support', 2: 'Early reset (ocssd extension)' };
const FMTYPE_TEXT: Readonly<Record<number, string>> = { 0: 'Single bit Level Cell flash (SLC)', 1: 'Two bit Level Cell flash (MLC)', 2: 'Three bit Level Cell flash (TLC)' };

/** nvme-cli 1.x's 1.2 rendering (show_lnvm_id12_ns, group by group; Linux and ocssd have one group). */
export function formatOcssd12Identity(id: Ocssd12Identity, human = false): string[] {
  const p = id.ppaf;
  const h = (lines: string[]) => (human ? lines : []);
  const g = (label: string, value: string | number) => row(` ${label}`, value);
  return [
    'LightNVM Identity (OCSSD 1.2)',
    row('verid', hex(id.verId)),
    row('vmnt', hex(id.vmnt)),
    ...h([`${EXPLAIN}${id.vmnt === 0 ? 'Generic/Enable opcodes as found in this spec.' : 'Reserved/Reserved for future opcode configurations'}`]),
    row('cgrps', id.cgrps),
    row('cap', hex(id.cap)),
    ...h(bitLines(id.cap, CAP_BITS)),
    row('dom', hex(id.dom)),
    ...h(bitLines(id.dom, DOM_BITS)),
    row('ppaf', '').trimEnd(),
    ` ch offs : ${p.chOff} ch bits  : ${p.chLen}`,
    ` lun offs: ${p.lunOff} lun bits : ${p.lunLen}`,
    ` pl offs : ${p.plnOff} pl bits  : ${p.plnLen}`,
    ` blk offs: ${p.blkOff} blk bits : ${p.blkLen}`,
    ` pg offs : ${p.pgOff} pg bits  : ${p.pgLen}`,
    ` sec offs: ${p.secOff} sec bits : ${p.secLen}`,
    row('grp', 0),
    g('mtype', id.mtype),
    ...h([`${EXPLAIN}${id.mtype === 0 ? 'NAND Flash Memory' : 'Reserved'}`]),
    g('fmtype', id.fmtype),
    ...h([`${EXPLAIN}${FMTYPE_TEXT[id.fmtype] ?? 'Reserved'}`]),
    g('chnls', id.numCh),
    g('luns', id.numLun),
    g('plns', id.numPln),
    g('blks', id.numBlk),
    g('pgs', id.numPg),
    g('fpg_sz', id.fpgSz),
    g('csecs', id.csecs),
    g('sos', id.sos),
    g('trdt', id.trdt),
    g('trdm', id.trdm),
    g('tprt', id.tprt),
    g('tprm', id.tprm),
    g('tbet', id.tbet),
    g('tbem', id.tbem),
    g('mpos', hex(id.mpos)),
    ...h(bitLines(id.mpos, MPOS_BITS)),
    g('mccap', hex(id.mccap)),
    ...h(bitLines(id.mccap, MCCAP12_BITS)),
    g('cpar', hex(id.cpar)),
  ];
}

/** nvme-cli 1.x's 2.0 rendering (show_lnvm_id20_ns). */
export function formatOcssd20Geometry(g: Ocssd20Geometry, human = false): string[] {
  const r = (label: string, value: string | number) => row(label, value, 14);
  return [
    'LightNVM Geometry (OCSSD 2.0)',
    r('ver_major', hex(g.mjr)),
    r('ver_minor', hex(g.mnr)),
    r('mccap', hex(g.mccap)),
    ...(human ? bitLines(g.mccap, MCCAP20_BITS) : []),
    r('wit', g.wit),
    'lba format',
    r(' grp len', g.lbaf.grpLen),
    r(' pu len', g.lbaf.puLen),
    r(' chk len', g.lbaf.chkLen),
    r(' clba len', g.lbaf.lbaLen),
    'geometry',
    r(' num_grp', g.numGrp),
    r(' num_pu', g.numPu),
    r(' num_chk', g.numChk),
    r(' clba', g.clba),
    'write req',
    r(' ws_min', g.wsMin),
    r(' ws_opt', g.wsOpt),
    r(' mw_cunits', g.mwCunits),
    r(' maxoc', g.maxoc),
    r(' maxocpu', g.maxocpu),
    'perf metrics',
    r(' trdt (ns)', g.trdt),
    r(' trdm (ns)', g.trdm),
    r(' twrt (ns)', g.twrt),
    r(' twrm (ns)', g.twrm),
    r(' tcrst (ns)', g.tcrst),
    r(' tcrsm (ns)', g.tcrsm),
  ];
}

interface IdentityRenderer {
  render(buf: Uint8Array, human: boolean): IdentityView;
}

/** Renderers by identity byte 0 (1.2's VER_ID, 2.0's MJR). */
export const IDENTITY_RENDERERS: Readonly<Record<number, IdentityRenderer>> = {
  1: {
    render(buf, human) {
      const id = decodeOcssd12Identity(buf);
      return { version: '1.2', ...id, lines: formatOcssd12Identity(id, human) };
    },
  },
  2: {
    render(buf, human) {
      const g = decodeOcssd20Geometry(buf);
      return { version: `2.${g.mnr}`, ...g, lines: formatOcssd20Geometry(g, human) };
    },
  },
};

/** The identity view of a raw 0xE2 reply (`human`: with -H's explanations); an unknown version is a 409 naming it. */
export function renderIdentity(buf: Uint8Array, device: string, human = false): IdentityView {
  const r = IDENTITY_RENDERERS[buf[0]!];
  if (r === undefined) throw new ApiError(409, `${device}: Open-Channel identity version ${buf[0]} is not supported (1 is OCSSD 1.2, 2 is OCSSD 2.0)`);
  return r.render(buf, human);
}

/** A device status for a message: its name, with the value when the name does not carry it. */
export function statusText(status: number): string {
  const name = ocssd12StatusName(status);
  return name.includes('0x') ? name : `${name} (0x${status.toString(16)})`;
}

/** Sends admin 0xE2 for `nsid` and returns its 4096 bytes; a device error is a 502 with its status. */
export async function readIdentity(host: NvmeHost, nsid: number, device: string): Promise<Uint8Array> {
  const r = await host.passthrough('admin', { opc: Ocssd12AdminOpcode.IDENTITY, nsid }, { dataInLength: OCSSD12_IDENTITY_SIZE });
  if (r.status !== 0 || r.data === undefined) throw new ApiError(502, `${device}: Open-Channel identity (admin 0xE2) failed: ${statusText(r.status)}`);
  return r.data;
}
