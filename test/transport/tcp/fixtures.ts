// Bytes a real Linux 6.1 host sent to a listener on 127.0.0.1:4420 (linux-guest.md 2.3), and the
// answers Linux's nvmet-tcp target gave (2.4): fixtures for the codec and the target.
const hex = (s: string): Uint8Array => Uint8Array.from(s.trim().split(/\s+/).map((x) => parseInt(x, 16)));

/** ICReq: PFV 0, HPDA 0, no digests, MAXR2T 0. */
export const LINUX_ICREQ = (() => {
  const b = new Uint8Array(128);
  b.set(hex('00 00 80 00 80 00 00 00'));
  return b;
})();

/** ICReq with --hdr-digest --data-digest: DGST = 3. */
export const LINUX_ICREQ_DIGESTS = (() => {
  const b = LINUX_ICREQ.slice();
  b[11] = 3;
  return b;
})();

/** The 72-byte header of the admin Connect capsule (PLEN 1096: 1024 bytes of data follow). */
export const LINUX_CONNECT_HEADER = hex(`
04 00 48 48 48 04 00 00  7f 40 00 00 01 00 00 00  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00  00 04 00 00 00 00 00 01  00 00 00 00 1f 00 00 00  88 13 00 00 00 00 00 00
00 00 00 00 00 00 00 00`);

export const LINUX_HOSTNQN = 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001';

/** Connect data: HOSTID 00..01, CNTLID 0xFFFF, SUBNQN, HOSTNQN. */
export function linuxConnectData(subnqn: string, hostnqn = LINUX_HOSTNQN): Uint8Array {
  const d = new Uint8Array(1024);
  d[15] = 1;
  d[16] = 0xff;
  d[17] = 0xff;
  d.set(Buffer.from(subnqn), 256);
  d.set(Buffer.from(hostnqn), 512);
  return d;
}

/** The whole 1096-byte Connect capsule. */
export function linuxConnect(subnqn: string, hostnqn = LINUX_HOSTNQN): Uint8Array {
  const b = new Uint8Array(1096);
  b.set(LINUX_CONNECT_HEADER);
  b.set(linuxConnectData(subnqn, hostnqn), 72);
  return b;
}

/** nvmet-tcp's ICResp (MAXH2CDATA 0x400000). */
export const NVMET_ICRESP_HEAD = hex('01 00 80 00 80 00 00 00 00 00 00 00 00 00 40 00');

/** nvmet's Connect response: DW0 = CNTLID 1, SQHD 1, SQID 0, CID 1, status 0. */
export const NVMET_CONNECT_RESP = hex('05 00 18 00 18 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00');
