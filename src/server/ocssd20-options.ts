// The options of an OCSSD 2.0 device, with the original's names (seed-emulator-behaviour.md 1.3,
// the `next` branch's ocssd-ns properties) so a 2.0 device is one line:
//   nvme,drive=ocssd.img,lver=2,num_grp=2,num_pu=4,num_chk=60,clba=4096,ws_min=4,...
// and the parsers of the original's three text files (3.7): lchunkstate, lresetfail, lwritefail.
import { readFileSync } from 'node:fs';
import { DeviceOptionError, type OptionSpec } from './device-options.js';
import { LIGHTNVM_COMMON_OPTIONS, LVER_OPTION, Lver } from './lightnvm-options.js';

/** The shared LightNVM options that mean the same on a 2.0 device (the others are 1.2's). */
const SHARED = LIGHTNVM_COMMON_OPTIONS.filter((o) => o.name === 'lmetadata');

export const OCSSD20_DEVICE_OPTIONS: readonly OptionSpec[] = [
  { name: 'drive', kind: 'string', min: 1, help: 'image file (sparse, created when missing; its state file is <drive>.ocssd); without it the image lives in memory' },
  { ...LVER_OPTION, default: Lver.OCSSD20, min: Lver.OCSSD20, max: Lver.OCSSD20 },
  ...SHARED,
  { name: 'serial', kind: 'string', default: 'OCSSD0001', min: 1, max: 20, help: 'Identify Controller serial number' },
  { name: 'num_grp', kind: 'uint', default: 2, min: 1, max: 0xffff, help: 'groups (NUM_GRP)' },
  { name: 'num_pu', kind: 'uint', default: 4, min: 1, max: 0xffff, help: 'parallel units per group (NUM_PU)' },
  { name: 'num_chk', kind: 'uint', default: 60, min: 1, max: 0xffffffff, help: 'chunks per parallel unit (NUM_CHK)' },
  { name: 'clba', kind: 'uint', default: 4096, min: 1, max: 0xffffffff, help: 'logical blocks per chunk (CLBA)' },
  { name: 'lbads', kind: 'uint', default: 12, min: 9, max: 16, help: 'log2 of the logical block size (LBAF[0].LBADS)' },
  { name: 'ms', kind: 'uint', default: 16, min: 0, max: 4096, help: 'OOB (metadata) bytes per logical block (LBAF[0].MS)' },
  { name: 'mccap', kind: 'uint', default: 0x1, min: 0, max: 0x7, help: 'media and controller capabilities: bit 0 vector copy, bit 1 multiple resets, bit 2 early reset' },
  { name: 'early_reset', kind: 'bool', default: true, help: 'allow resetting an open chunk (sets or clears mccap bit 2)' },
  { name: 'wit', kind: 'uint', default: 10, min: 0, max: 255, help: 'wear-level index delta threshold for chunk notifications (0: none)' },
  { name: 'pe_cycles', kind: 'uint', default: 1000, min: 0, max: 0xffffffff, help: 'P/E cycles a chunk endures before it goes offline (0: never; fixed when the image is made)' },
  { name: 'ws_min', kind: 'uint', default: 4, min: 1, max: 0xffffffff, help: 'minimum write size in logical blocks (WS_MIN)' },
  { name: 'ws_opt', kind: 'uint', default: 8, min: 1, max: 0xffffffff, help: 'optimal write size (WS_OPT), a multiple of ws_min' },
  { name: 'mw_cunits', kind: 'uint', default: 24, min: 0, max: 0xffffffff, help: 'blocks behind an open chunk\'s WP that cannot be read yet (MW_CUNITS)' },
  { name: 'maxoc', kind: 'uint', default: 0, min: 0, max: 0xffffffff, help: 'max open chunks (MAXOC, 0 = no limit)' },
  { name: 'maxocpu', kind: 'uint', default: 0, min: 0, max: 0xffffffff, help: 'max open chunks per parallel unit (MAXOCPU, 0 = no limit)' },
  { name: 'dlfeat', kind: 'uint', default: 1, min: 0, max: 2, help: 'what unwritten blocks read as without DULBE: 1 zeroes, 2 0xFF (0: not reported, zeroes)' },
  { name: 'lchunkstate', kind: 'string', min: 1, help: 'text file of chunk states applied at start: grp= pu= chk= state= wp= type= wi= per line' },
  { name: 'lresetfail', kind: 'string', min: 1, help: 'text file of reset failure probabilities: grp= pu= chk= resetfail_prob=0..100 per line' },
  { name: 'lwritefail', kind: 'string', min: 1, help: 'text file of write failure probabilities: grp= pu= chk= sec= writefail_prob=0..100 per line' },
  { name: 'fault_seed', kind: 'uint', default: 1, min: 0, max: 0xffffffff, help: 'seed of the lresetfail / lwritefail probabilities (ocssd extension: runs replay)' },
  { name: 'queues', kind: 'uint', default: 64, min: 2, max: 2048, help: 'queue pairs including the admin queue' },
  { name: 'entries', kind: 'uint', default: 0x7ff, min: 1, max: 0xffff, help: 'CAP.MQES, max entries per queue (0\'s based)' },
  { name: 'mdts', kind: 'uint', default: 7, min: 0, max: 16, help: 'max transfer 2^mdts x 4 KiB (0 = no limit)' },
  { name: 'vwc', kind: 'bool', default: false, help: 'volatile write cache present (Flush and FUA then sync the image)' },
  { name: 'sgl', kind: 'bool', default: true, help: 'accept SGL data pointers' },
];

/** One line of lchunkstate. */
export interface ChunkStateLine {
  readonly grp: number;
  readonly pu: number;
  readonly chk: number;
  readonly state: 'FREE' | 'OPEN' | 'CLOSED' | 'OFFLINE';
  readonly wp: number;
  readonly type: 'SEQUENTIAL' | 'RANDOM';
  readonly wi: number;
}

/** One line of lresetfail (sec absent) or lwritefail. */
export interface FailLine {
  readonly grp: number;
  readonly pu: number;
  readonly chk: number;
  readonly sec?: number;
  /** 0..100 percent. */
  readonly prob: number;
}

export interface FileLimits {
  readonly numGrp: number;
  readonly numPu: number;
  readonly numChk: number;
  readonly clba: number;
}

const MAX_LINE = 256;

/** The original looks keys up by substring, so their order does not matter. */
function key(line: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line);
  return m?.[1];
}

function lines(option: string, path: string, text: string): { n: number; line: string; bad: (why: string) => never }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ n: i + 1, line: line.trim(), bad: (why: string): never => { throw new DeviceOptionError(`option ${option}=${path}: line ${i + 1}: ${why}`); } }))
    .filter((l) => {
      if (l.line.length > MAX_LINE) l.bad(`longer than ${MAX_LINE} characters`);
      return l.line !== '' && !l.line.startsWith('#');
    });
}

function uintKey(l: { line: string; bad: (why: string) => never }, name: string, max: number): number {
  const v = key(l.line, name);
  if (v === undefined) l.bad(`${name}= is missing`);
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(v!) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > max) l.bad(`${name}=${v}: allowed 0..${max}`);
  return n;
}

function address(l: { line: string; bad: (why: string) => never }, lim: FileLimits): { grp: number; pu: number; chk: number } {
  return { grp: uintKey(l, 'grp', lim.numGrp - 1), pu: uintKey(l, 'pu', lim.numPu - 1), chk: uintKey(l, 'chk', lim.numChk - 1) };
}

const STATES = ['FREE', 'OPEN', 'CLOSED', 'OFFLINE'] as const;
const TYPES: Readonly<Record<string, ChunkStateLine['type']>> = { W_SEQ: 'SEQUENTIAL', W_RAN: 'RANDOM' };

/** Parses lchunkstate text: `grp=G pu=P chk=C state=FREE|OPEN|CLOSED|OFFLINE wp=N type=W_SEQ|W_RAN wi=N`, every key required. */
export function parseChunkStateFile(text: string, lim: FileLimits, path = 'lchunkstate'): ChunkStateLine[] {
  return lines('lchunkstate', path, text).map((l) => {
    const a = address(l, lim);
    const state = key(l.line, 'state');
    if (state === undefined || !(STATES as readonly string[]).includes(state)) l.bad(`state=${state ?? ''}: allowed ${STATES.join(', ')}`);
    const type = key(l.line, 'type');
    if (type === undefined || TYPES[type] === undefined) l.bad(`type=${type ?? ''}: allowed W_SEQ, W_RAN`);
    // OFFLINE forces the WP (all ones in the log), whatever the line says.
    const wp = state === 'OFFLINE' ? 0 : uintKey(l, 'wp', lim.clba);
    if (state === 'OFFLINE' && key(l.line, 'wp') === undefined) l.bad('wp= is missing');
    if (state === 'FREE' && wp !== 0) l.bad(`wp=${wp}: a FREE chunk has wp=0`);
    if (state === 'CLOSED' && type === 'W_SEQ' && wp === 0) l.bad('wp=0: a CLOSED sequential chunk has wp > 0');
    if (state === 'OPEN' && type === 'W_SEQ' && (wp === 0 || wp === lim.clba)) l.bad(`wp=${wp}: an OPEN sequential chunk has 0 < wp < clba=${lim.clba}`);
    return { ...a, state: state as ChunkStateLine['state'], type: TYPES[type!]!, wp, wi: uintKey(l, 'wi', 255) };
  });
}

/** Parses lresetfail text: `grp=G pu=P chk=C resetfail_prob=0..100`. */
export function parseResetFailFile(text: string, lim: FileLimits, path = 'lresetfail'): FailLine[] {
  return lines('lresetfail', path, text).map((l) => ({ ...address(l, lim), prob: uintKey(l, 'resetfail_prob', 100) }));
}

/** Parses lwritefail text: `grp=G pu=P chk=C sec=S writefail_prob=0..100`. */
export function parseWriteFailFile(text: string, lim: FileLimits, path = 'lwritefail'): FailLine[] {
  return lines('lwritefail', path, text).map((l) => ({ ...address(l, lim), sec: uintKey(l, 'sec', lim.clba - 1), prob: uintKey(l, 'writefail_prob', 100) }));
}

/** Reads a text file an option names; a missing file is an option error. */
export function readOptionFile(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DeviceOptionError(`option ${option}=${path}: cannot read it (${(e as Error).message})`);
  }
}
