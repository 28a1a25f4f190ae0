// The nvme-cli session the guest runs against an NVMe/TCP target, as GuestSteps, plus the
// parsers the driver uses on their output. The same session runs against Linux's own nvmet
// target inside the guest (the reference) and against ocssd, so a step that passes on the
// reference and fails on ocssd points at ocssd, not at the script.

import { createHash } from 'node:crypto';
import type { CpioEntry } from './cpio.js';
import type { GuestStep, StepResult } from './session.js';

/** A conventional (NVM command set) namespace the session writes a pattern to. */
export interface NvmNamespaceView {
  kind: 'nvm';
  nsid: number;
  /** LBA (sector) size in bytes as the target formats it. */
  lbaBytes: number;
  /** Namespace size in LBAs. */
  blocks: number;
  /** Byte offset of the dd pattern (a multiple of 4096 inside the namespace). */
  patternOffset: number;
}

/** Commands for an Open-Channel namespace, sent with admin-/io-passthru (the kernel never binds LightNVM over TCP). */
export interface OcssdNamespaceView {
  kind: 'ocssd12' | 'ocssd20';
  nsid: number;
  /** Sector (LBA) size: the data length of one single-address write or read. */
  sectorBytes: number;
  /** The single address (2.0: LBA, 1.2: PPA) written, read and then reset or erased (the start of a free chunk/block). */
  address: bigint;
  /** The address to erase (1.2: the block's PPA) or reset (2.0: the chunk's first LBA). */
  eraseAddress: bigint;
  /** The namespace's own 0xE2 answer, asked target-side: the guest must receive exactly these bytes. */
  identityBytes: Buffer;
  /** Fields of the 0xE2 answer (OCSSD12_IDENTITY / OCSSD20_GEOMETRY names) and the values the target was configured with. */
  identity: Readonly<Record<string, number | bigint>>;
}

export type NamespaceView = NvmNamespaceView | OcssdNamespaceView;

/** One NVM subsystem of the target (one controller per connect). */
export interface SubsystemView {
  /** Short name for step names and files: [a-z0-9]. */
  label: string;
  nqn: string;
  namespaces: readonly NamespaceView[];
}

/** What the guest needs to know about the target. Ports and address are as the guest sees them. */
export interface SessionTarget {
  addr: string;
  discoveryPort: number;
  ioPort: number;
  subsystems: readonly SubsystemView[];
  /** Subsystems whose allowed-hosts list leaves the guest's host NQN out: Connect must be refused, and discovery must not list them. */
  refused?: readonly { label: string; nqn: string }[];
  /** Guest commands run before everything else (the reference target's configfs setup). */
  setup?: string;
}

export const PATTERN_BYTES = 128 * 1024;

/** The dd pattern: xorshift32 bytes, so any misplaced or stale 4 KiB block shows. */
export function pattern(seed: number, bytes = PATTERN_BYTES): Buffer {
  const b = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeUInt32LE(x >>> 0, i);
  }
  return b;
}

export const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

// Shell helpers for every step: find the controller and the namespaces' devices by NQN and
// NSID through sysfs (device names depend on instance numbers and native multipath).
const LIB = `
NQN="$E2E_NQN"
ctrl() { cat "/tmp/e2e-ctrl-$E2E_LABEL" 2>/dev/null; }
find_ctrl() {
  for d in /sys/class/nvme/nvme*; do
    [ "$(cat "$d/subsysnqn" 2>/dev/null)" = "$NQN" ] && [ "$(cat "$d/transport" 2>/dev/null)" = tcp ] && { echo "\${d##*/}"; return 0; }
  done; return 1
}
bdev() { # NSID -> /dev/nvmeXnY of this subsystem
  for b in /sys/block/nvme*n*; do
    case "\${b##*/}" in *c*) continue ;; esac
    [ "$(cat "$b/nsid" 2>/dev/null)" = "$1" ] && [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "$NQN" ] && { echo "/dev/\${b##*/}"; return 0; }
  done; return 1
}
hex() { od -An -v -tx1 "$1" | tr -d ' \\n'; echo; }
`;

const u32 = (v: bigint, hi: boolean): string => '0x' + ((hi ? v >> 32n : v) & 0xffffffffn).toString(16);

function ocssdSteps(sub: SubsystemView, ns: OcssdNamespaceView): GuestStep[] {
  const n = ns.nsid;
  const name = `${sub.label}-ns${n}`;
  const dataFile = `/e2e/${dataName(sub, ns)}`;
  const lo = u32(ns.address, false);
  const hi = u32(ns.address, true);
  // NLB = 0 (CDW12 bits 5:0): the address is in CDW10-11 itself, the only vector form NVMe/TCP can carry.
  const io = (op: string, extra: string) =>
    `nvme io-passthru "$D" --opcode=${op} --namespace-id=${n} --cdw10=${lo} --cdw11=${hi} --cdw12=0 ${extra}`;
  const dev = `D=$(bdev ${n} || echo /dev/$(ctrl)); echo "dev=$D"`;
  // nvme-cli prints "... Success and result: 0x<DW0>" or "NVMe status: <name>(0x<status>)".
  const write = `${dev}\n${io('0x91', `--write --data-len=${ns.sectorBytes} -i ${dataFile}`)}; echo "rc=$?"`;
  return [
    {
      name: `${name}-geometry`,
      // admin 0xE2 (Device Identification / Geometry): 4096 bytes, printed as hex for the driver to decode.
      script: `nvme admin-passthru /dev/$(ctrl) --opcode=0xe2 --namespace-id=${n} --data-len=4096 --read -b > /tmp/geo 2>/tmp/err; echo "rc=$?"; cat /tmp/err; echo "bytes=$(wc -c < /tmp/geo)"; echo "hex=$(hex /tmp/geo)"`,
      timeoutSec: 20,
    },
    { name: `${name}-write`, script: write, timeoutSec: 20 },
    {
      name: `${name}-read`,
      script: `${dev}\n${io('0x92', `--read --data-len=${ns.sectorBytes} -b`)} > /tmp/back 2>/tmp/err; echo "rc=$?"; cat /tmp/err\ncmp ${dataFile} /tmp/back && echo "cmp=ok"; echo "md5=$(md5sum < /tmp/back | cut -d' ' -f1)"`,
      timeoutSec: 20,
    },
    // Programming the same address again before an erase/reset must fail (NAND: no overwrite).
    { name: `${name}-rewrite`, script: write, timeoutSec: 20 },
    {
      name: `${name}-erase`,
      script: `${dev}\nnvme io-passthru "$D" --opcode=0x90 --namespace-id=${n} --cdw10=${u32(ns.eraseAddress, false)} --cdw11=${u32(ns.eraseAddress, true)} --cdw12=0; echo "rc=$?"`,
      timeoutSec: 20,
    },
    // After the erase/reset the same address takes a write again.
    { name: `${name}-write-after-erase`, script: write, timeoutSec: 20 },
  ];
}

function nvmSteps(sub: SubsystemView, ns: NvmNamespaceView): GuestStep[] {
  const n = ns.nsid;
  const seek = ns.patternOffset / 4096;
  const file = `/e2e/${dataName(sub, ns)}`;
  return [
    {
      name: `${sub.label}-ns${n}-dd`,
      // O_DIRECT both ways, so the read-back comes from the target and not from the page cache.
      script: [
        `D=$(bdev ${n}) || { echo "no block device for nsid ${n}"; exit 1; }; echo "dev=$D"`,
        `echo "size=$(cat /sys/block/\${D##*/}/size)"`,
        `dd if=${file} of="$D" bs=4096 seek=${seek} oflag=direct conv=notrunc || exit 1`,
        `dd if="$D" of=/tmp/back bs=65536 skip=$((${ns.patternOffset} / 65536)) count=${PATTERN_BYTES / 65536} iflag=direct || exit 1`,
        `cmp ${file} /tmp/back && echo "cmp=ok"`,
        `echo "md5=$(md5sum < /tmp/back | cut -d' ' -f1)"`,
      ].join('\n'),
      timeoutSec: 60,
    },
  ];
}

const dataName = (sub: SubsystemView, ns: NamespaceView): string => `${ns.kind === 'nvm' ? 'pattern' : 'sector'}-${sub.label}-ns${ns.nsid}.bin`;

/** Data files the session reads (dd patterns, OCSSD sectors); `expected` is keyed by "label/nsid". */
export function sessionData(t: SessionTarget): { files: CpioEntry[]; expected: Map<string, Buffer> } {
  const files: CpioEntry[] = [];
  const expected = new Map<string, Buffer>();
  t.subsystems.forEach((sub, i) => {
    for (const ns of sub.namespaces) {
      const seed = 0x5eed0000 + i * 256 + ns.nsid;
      const data = ns.kind === 'nvm' ? pattern(seed) : pattern(seed, ns.sectorBytes);
      expected.set(`${sub.label}/${ns.nsid}`, data);
      files.push({ path: `e2e/${dataName(sub, ns)}`, data, mode: 0o644 });
    }
  });
  return { files, expected };
}

/** The whole session against one target: discover, then connect and exercise each subsystem, then disconnect them all. */
export function nvmeSessionSteps(t: SessionTarget): GuestStep[] {
  const labels = new Set<string>();
  for (const sub of t.subsystems) {
    if (!/^[a-z0-9]+$/.test(sub.label) || labels.has(sub.label)) throw new Error(`subsystem label ${JSON.stringify(sub.label)}: [a-z0-9]+, unique`);
    labels.add(sub.label);
  }
  const within = (sub: SubsystemView, st: GuestStep): GuestStep => ({ ...st, script: `E2E_NQN='${sub.nqn}'; E2E_LABEL=${sub.label}\n. /e2e/lib.sh\n${st.script}` });
  const steps: GuestStep[] = [
    // crc32c_generic: the digests' CRC32C (TCG's CPU has no SSE4.2; the kernel cannot load it by itself here).
    { name: 'modprobe', script: 'modprobe nvme-tcp && modprobe crc32c_generic && ls /dev/nvme-fabrics', timeoutSec: 10, required: true },
    ...(t.setup ? [{ name: 'target-setup', script: t.setup, timeoutSec: 20, required: true }] : []),
    { name: 'discover', script: `nvme discover -t tcp -a ${t.addr} -s ${t.discoveryPort} -o json`, timeoutSec: 30 },
  ];
  for (const sub of t.subsystems) {
    const nsWait = sub.namespaces
      .filter((n) => n.kind === 'nvm')
      .map((n) => `bdev ${n.nsid} >/dev/null || ok=0`)
      .join('; ');
    steps.push(
      within(sub, {
        name: `${sub.label}-connect`,
        script: [
          `nvme connect -t tcp -a ${t.addr} -s ${t.ioPort} -n "$NQN" --ctrl-loss-tmo=0 -o json || exit 1`,
          // Wait (bounded) for the controller and every conventional namespace's block device.
          `for i in $(seq 1 50); do c=$(find_ctrl) && { ok=1; ${nsWait || ':'}; [ $ok = 1 ] && break; }; sleep 0.1; done`,
          `c=$(find_ctrl) || { echo "no controller with subsysnqn $NQN"; exit 1; }; echo "$c" > /tmp/e2e-ctrl-$E2E_LABEL; echo "ctrl=$c"`,
          `for b in /sys/block/nvme*n*; do [ "$(cat $b/device/subsysnqn 2>/dev/null)" = "$NQN" ] && echo "block \${b##*/} nsid=$(cat $b/nsid 2>/dev/null) size=$(cat $b/size)"; done; true`,
        ].join('\n'),
        timeoutSec: 40,
        required: true,
      }),
      within(sub, { name: `${sub.label}-id-ctrl`, script: 'nvme id-ctrl /dev/$(ctrl) -o json', timeoutSec: 20 }),
      ...sub.namespaces.map((ns) => within(sub, { name: `${sub.label}-ns${ns.nsid}-id-ns`, script: `nvme id-ns /dev/$(ctrl) -n ${ns.nsid} -o json`, timeoutSec: 20 })),
      ...sub.namespaces.flatMap((ns) => (ns.kind === 'nvm' ? nvmSteps(sub, ns) : ocssdSteps(sub, ns))).map((st) => within(sub, st)),
    );
  }
  for (const r of t.refused ?? []) {
    steps.push(
      within({ label: r.label, nqn: r.nqn, namespaces: [] }, {
        name: `${r.label}-refused`,
        script: [
          `nvme connect -t tcp -a ${t.addr} -s ${t.ioPort} -n "$NQN" --ctrl-loss-tmo=0; echo "connect-rc=$?"`,
          'echo "remaining=$(find_ctrl || echo none)"',
          'dmesg | grep -F "Connect for subsystem $NQN" | tail -n 2',
        ].join('\n'),
        timeoutSec: 30,
      }),
    );
  }
  steps.push({ name: 'list', script: 'nvme list -o json', timeoutSec: 20 });
  for (const sub of t.subsystems) {
    steps.push(
      within(sub, {
        name: `${sub.label}-disconnect`,
        script: 'nvme disconnect -n "$NQN"; echo "rc=$?"; sleep 0.2; echo "remaining=$(find_ctrl || echo none)"',
        timeoutSec: 20,
        always: true,
      }),
    );
  }
  // Header and data digests (CRC32C) on a fresh association of the first conventional
  // subsystem: Linux refuses an ICResp that does not grant what it asked for, and checks every
  // digest it receives, so a passing dd proves the target computes and checks them.
  const dsub = t.subsystems.find((sub) => sub.namespaces.some((n) => n.kind === 'nvm'));
  const dns = dsub?.namespaces.find((n): n is NvmNamespaceView => n.kind === 'nvm');
  if (dsub && dns) {
    const file = `/e2e/${dataName(dsub, dns)}`;
    const at = dns.patternOffset + PATTERN_BYTES; // beside the first pattern
    steps.push(
      within(dsub, {
        name: 'digests',
        script: [
          `nvme connect -t tcp -a ${t.addr} -s ${t.ioPort} -n "$NQN" --ctrl-loss-tmo=0 --hdr-digest --data-digest -o json || exit 1`,
          `for i in $(seq 1 50); do bdev ${dns.nsid} >/dev/null && break; sleep 0.1; done`,
          `D=$(bdev ${dns.nsid}) || { echo "no block device for nsid ${dns.nsid}"; exit 1; }; echo "dev=$D"`,
          `dd if=${file} of="$D" bs=4096 seek=${at / 4096} oflag=direct conv=notrunc || exit 1`,
          `dd if="$D" of=/tmp/back bs=65536 skip=${at / 65536} count=${PATTERN_BYTES / 65536} iflag=direct || exit 1`,
          `cmp ${file} /tmp/back && echo "cmp=ok"`,
          `echo "md5=$(md5sum < /tmp/back | cut -d' ' -f1)"`,
          'nvme disconnect -n "$NQN"; echo "disconnect-rc=$?"; sleep 0.2; echo "remaining=$(find_ctrl || echo none)"',
        ].join('\n'),
        timeoutSec: 60,
        always: false,
      }),
    );
  }
  steps.push({ name: 'dmesg', script: 'dmesg | grep -iE "nvme|nvmet" | tail -n 80', timeoutSec: 10, always: true });
  return steps;
}

export const SESSION_LIB: CpioEntry = { path: 'e2e/lib.sh', data: LIB, mode: 0o644 };

/** Parses a step whose output is one JSON document (nvme-cli -o json). */
export function stepJson(s: StepResult | undefined): unknown {
  if (s === undefined || s.rc !== 0) return undefined;
  const start = s.output.indexOf('{');
  const end = s.output.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  return JSON.parse(s.output.slice(start, end + 1));
}

/** The value of a `key=value` line in a step's output. */
export function stepValue(s: StepResult | undefined, key: string): string | undefined {
  const m = s?.output.match(new RegExp(`^${key}=(.*)$`, 'm'));
  return m?.[1];
}

/** DW0 from nvme-cli's success line ("... Success and result: 0x..."), or the status from "NVMe status: ...(0x...)". */
export function passthruOutcome(s: StepResult | undefined): { dw0?: number; status?: number } {
  const ok = s?.output.match(/result: 0x([0-9a-f]+)/i);
  if (ok) return { dw0: parseInt(ok[1]!, 16) };
  const bad = s?.output.match(/NVMe status: .*\(0x([0-9a-f]+)\)/i);
  return bad ? { status: parseInt(bad[1]!, 16) } : {};
}

/** Decodes the `hex=` line of a geometry step into bytes. */
export function stepHex(s: StepResult | undefined): Buffer | undefined {
  const h = stepValue(s, 'hex');
  return h === undefined ? undefined : Buffer.from(h.trim(), 'hex');
}
