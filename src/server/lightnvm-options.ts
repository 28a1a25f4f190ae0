// The LightNVM options both Open-Channel personalities take, with the original's names,
// meanings and defaults (seed-emulator-behaviour.md 1.2): the 1.2 table (ocssd12-options.ts)
// and the 2.0 one build on this list, so `lver`, error injection, debug, strictness, the
// metadata file and the per-command PPA limit read the same on both.
import { type OptionSpec, parseOptionValue } from './device-options.js';

/** lver values: 0 conventional NVMe, 1 OCSSD 1.2, 2 OCSSD 2.0. */
export const Lver = { CONVENTIONAL: 0, OCSSD12: 1, OCSSD20: 2 } as const;

export const LVER_OPTION: OptionSpec = {
  name: 'lver',
  kind: 'uint',
  default: 0,
  min: 0,
  max: 2,
  help: 'LightNVM version: 0 a conventional NVMe device, 1 OCSSD 1.2, 2 OCSSD 2.0 (the original forced any non-zero value to 1.2)',
};

export const LIGHTNVM_COMMON_OPTIONS: readonly OptionSpec[] = [
  LVER_OPTION,
  { name: 'ldebug', kind: 'bool', default: false, help: 'log every physical command\'s addresses (and injected write errors) through the server\'s log' },
  { name: 'lb_err_write', kind: 'uint', default: 0, min: 0, max: 0xffffffff, help: 'write-failure injection: once this many sectors have been written, the next physical write reports failures (0 = off)' },
  { name: 'ln_err_write', kind: 'uint', default: 0, min: 0, max: 64, help: 'write-failure injection: how many consecutive PPAs each injection fails' },
  { name: 'lstrict', kind: 'bool', default: false, help: 'strict host checks: an erase with more than one PPA is refused (pblk sends one PPA plus a plane mode)' },
  {
    name: 'lmetadata',
    kind: 'string',
    min: 1,
    help: 'per-sector state and OOB file (our crash-safe media state file; kept across restarts, never truncated); default <drive>.ocssd beside the image. With several namespaces namespace n uses <file>.ns<n>',
  },
  { name: 'lmetasize', kind: 'uint', default: 16, min: 0, max: 4096, help: 'OOB (metadata) bytes per sector, moved through MPTR' },
  { name: 'lmax_sec_per_rq', kind: 'uint', default: 64, min: 1, max: 64, help: 'most PPAs (sectors) in one vector command; more is refused with Invalid Field' },
];

/** The value of `lver` in a `-device` line, or 0 when absent; out of range throws DeviceOptionError. */
export function lverOf(line: string): number {
  for (const w of line.split(',')) {
    const eq = w.indexOf('=');
    if (eq > 0 && w.slice(0, eq).trim() === 'lver') return parseOptionValue(LVER_OPTION, w.slice(eq + 1).trim()) as number;
  }
  return 0;
}
