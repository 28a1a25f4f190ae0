// The devices the e2e session runs against, as device lines (the original's -device syntax, so
// the in-process target and a spawned `ocssd serve` build the same thing), what the guest must
// see of them, and the view of an OCSSD namespace computed from its 0xE2 answer alone (so both
// target kinds derive the test addresses the same way).

import {
  OCSSD12_GROUP,
  OCSSD12_GROUP_OFFSET,
  OCSSD12_IDENTITY,
  OCSSD20_GEOMETRY,
  decode,
  encodeLba,
  encodePpa,
  ppafFromIdentity,
} from '../../src/spec/index.js';
import type { OcssdNamespaceView } from './nvme-session.js';

/** Conventional: 80 MiB in memory, two namespaces. */
export const NVM_LINE = 'nvme,size=80M,serial=E2ENVM0001,ns_sizes=64M:16M';
/** OCSSD 2.0, in memory: ws_min=1 and mw_cunits=0 so one LBA is a complete, readable write; ms=0 so the block device has a capacity over TCP. */
export const OCSSD20_LINE = 'ocssd,lver=2,serial=E2EOC20,num_grp=2,num_pu=2,num_chk=8,clba=64,lbads=12,ms=0,ws_min=1,ws_opt=1,mw_cunits=0';
/** OCSSD 1.2, in memory: one 4 KiB sector per page, so one PPA is a whole page write. */
export const OCSSD12_LINE = 'nvme,lver=1,serial=E2EOC12,size=16M,lnum_ch=2,lnum_lun=2,lpgs_per_blk=16';

/** 0xE2 fields the guest must see, from the lines above (names as in decodeIdentity). */
export const OCSSD20_IDENTITY = { mjr: 2, mnr: 0, num_grp: 2, num_pu: 2, num_chk: 8, clba: 64, ws_min: 1, ws_opt: 1, mw_cunits: 0, grp_len: 1, pu_len: 1, chk_len: 3, lba_len: 6 } as const;
export const OCSSD12_IDENTITY_FIELDS = {
  ver_id: 1,
  cgrps: 1,
  'group0.num_ch': 2,
  'group0.num_lun': 2,
  'group0.num_pln': 1,
  'group0.num_pg': 16,
  'group0.fpg_sz': 4096,
  'group0.csecs': 4096,
} as const;

/** The test chunk (2.0: group 1, PU 1, chunk 3) and block (1.2: channel 1, LUN 1, block 2): every address field non-zero where it can be. */
export const OCSSD20_TEST_CHUNK = { grp: 1, pu: 1, chk: 3 } as const;
export const OCSSD12_TEST_BLOCK = { ch: 1, lun: 1, pln: 0, blk: 2 } as const;

/** Decodes a 0xE2 answer into a flat field map (1.2 group 0 fields as "group0.<name>"). */
export function decodeIdentity(kind: 'ocssd12' | 'ocssd20', bytes: Uint8Array): Record<string, unknown> {
  if (kind === 'ocssd20') return decode(OCSSD20_GEOMETRY, bytes);
  const top: Record<string, unknown> = { ...decode(OCSSD12_IDENTITY, bytes) };
  for (const [k, v] of Object.entries(decode(OCSSD12_GROUP, bytes, OCSSD12_GROUP_OFFSET))) top[`group0.${k}`] = v;
  return top;
}

/** The session view of an OCSSD namespace: the test address packed with the format its own 0xE2 answer gives. */
export function ocssdView(kind: 'ocssd12' | 'ocssd20', nsid: number, identityBytes: Buffer): OcssdNamespaceView {
  let address: bigint;
  if (kind === 'ocssd20') {
    const g = decode(OCSSD20_GEOMETRY, identityBytes);
    const fmt = { grpLen: Number(g.grp_len), puLen: Number(g.pu_len), chkLen: Number(g.chk_len), lbaLen: Number(g.lba_len) };
    address = encodeLba(fmt, { ...OCSSD20_TEST_CHUNK, sec: 0 });
  } else {
    const fmt = ppafFromIdentity(decode(OCSSD12_IDENTITY, identityBytes));
    address = encodePpa(fmt, { ...OCSSD12_TEST_BLOCK, pg: 0, sec: 0 });
  }
  return {
    kind,
    nsid,
    sectorBytes: 4096,
    address,
    eraseAddress: address,
    identityBytes,
    identity: kind === 'ocssd20' ? OCSSD20_IDENTITY : OCSSD12_IDENTITY_FIELDS,
  };
}
