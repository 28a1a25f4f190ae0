// Printing for the benchmarks: aligned tables that stream row by row, number formats, the
// machine description every report starts with, and the common command-line options.
import { statfsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpus, freemem, platform, arch, release, totalmem } from 'node:os';

export type Out = (line: string) => void;

export interface Column {
  readonly title: string;
  /** Minimum width; the title's length when larger. */
  readonly width?: number;
  /** Default: the first column left, the others right. */
  readonly align?: 'left' | 'right';
}

/** Prints a table one row at a time (fixed widths, so a long run shows progress as it goes). */
export class TablePrinter {
  private readonly widths: number[];

  constructor(
    private readonly columns: readonly Column[],
    private readonly out: Out,
    private readonly indent = '  ',
  ) {
    this.widths = columns.map((c) => Math.max(c.title.length, c.width ?? 0));
  }

  header(): void {
    this.out(this.line(this.columns.map((c) => c.title)));
    this.out(this.indent + this.widths.map((w) => '-'.repeat(w)).join('  '));
  }

  row(cells: readonly string[]): void {
    this.out(this.line(cells));
  }

  private line(cells: readonly string[]): string {
    const parts = this.columns.map((c, i) => {
      const s = cells[i] ?? '';
      const left = (c.align ?? (i === 0 ? 'left' : 'right')) === 'left';
      return left ? s.padEnd(this.widths[i]!) : s.padStart(this.widths[i]!);
    });
    return (this.indent + parts.join('  ')).trimEnd();
  }
}

/** Prints label/value pairs with the values aligned. */
export function printPairs(pairs: readonly (readonly [string, string])[], out: Out, indent = '  '): void {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  for (const [k, v] of pairs) out(`${indent}${k.padEnd(w)}  ${v}`);
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const fmtInt = (n: number): string => grouped.format(Math.round(n));
export const fmtFixed = (n: number, digits: number): string => n.toFixed(digits);
/** A ratio as "0.42x". */
export const fmtRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '-');
export const fmtMs = (ns: number): string => `${(ns / 1e6).toFixed(1)} ms`;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units: 1536 -> "1.50 KiB". */
export function fmtBytes(n: number): string {
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const sign = n < 0 ? '-' : '';
  return u === 0 ? `${sign}${v} B` : `${sign}${v.toFixed(2)} ${UNITS[u]}`;
}

/** Bytes available to this user in the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Node version, CPU and memory: figures mean little without them. */
export function environmentPairs(): [string, string][] {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown';
  return [
    ['node', `${process.version} (V8 ${process.versions.v8})`],
    ['platform', `${platform()} ${release()} ${arch()}`],
    ['cpu', `${model} x ${cpu.length}`],
    ['memory', `${fmtBytes(totalmem())} total, ${fmtBytes(freemem())} free`],
  ];
}

/**
 * Seconds per case from `--seconds N` / `--seconds=N`, else the environment variable `envName`,
 * else `fallback`. A bad value names the option and the allowed range.
 */
export function secondsOption(argv: readonly string[], env: NodeJS.ProcessEnv, envName: string, fallback: number): number {
  let raw: string | undefined;
  let from = envName;
  const i = argv.findIndex((a) => a === '--seconds' || a.startsWith('--seconds='));
  if (i >= 0) {
    raw = argv[i]!.includes('=') ? argv[i]!.slice('--seconds='.length) : argv[i + 1];
    from = '--seconds';
  } else {
    raw = env[envName];
  }
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0 || v > 3600) throw new RangeError(`${from} = ${raw}: allowed a number of seconds > 0 and <= 3600`);
  return v;
}

/**
 * Runs a bench's main when its module is the process entry: checks the arguments (`--seconds N`
 * plus the given switches), calls `main` with the seconds and the switches present, and turns
 * a failure into a message and exit code 1 (a usage error is the user's; anything else the
 * bench's, with its stack).
 */
export async function benchMain(moduleUrl: string, name: string, switches: readonly string[], main: (seconds: number, on: ReadonlySet<string>) => Promise<unknown>): Promise<void> {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(entry).href) return;
  try {
    const argv = process.argv.slice(2);
    const unknown = argv.filter((a, i) => !(switches.includes(a) || a === '--seconds' || a.startsWith('--seconds=') || argv[i - 1] === '--seconds'));
    if (unknown.length > 0) throw new RangeError(`unknown argument ${unknown[0]}: allowed --seconds N${switches.map((s) => `, ${s}`).join('')}`);
    await main(secondsOption(argv, process.env, 'OCSSD_BENCH_SECONDS', 2), new Set(argv.filter((a) => switches.includes(a))));
  } catch (e) {
    console.error(`${name}: ${e instanceof RangeError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  }
}
