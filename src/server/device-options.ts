// Device options in the original's `-device nvme,key=value,...` form, declared once as a table:
// name, kind, default, allowed range and meaning. The same table parses, validates, fills
// defaults and prints `--help`. A bad option names itself, its value and what is allowed.

export type OptionKind = 'uint' | 'uints' | 'bool' | 'string' | 'size' | 'sizes';

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  /** The value when the option is absent (undefined: none). */
  readonly default?: number | boolean | string;
  /** Inclusive range of a uint, of each size in bytes, or of a string's length. */
  readonly min?: number;
  readonly max?: number;
  readonly help: string;
}

export type OptionValue = number | boolean | string | readonly number[];
export type OptionValues = Readonly<Record<string, OptionValue | undefined>>;

export class DeviceOptionError extends Error {
  override readonly name = 'DeviceOptionError';
}

const SIZE_SUFFIX: Readonly<Record<string, number>> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** 4096, 0x1000, 64K, 1M, 2G, 1T (binary units, an optional trailing B / iB). */
export function parseSize(text: string): number | undefined {
  const m = /^(0x[0-9a-f]+|\d+)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]) * SIZE_SUFFIX[m[2]!.toLowerCase()]!;
  return Number.isSafeInteger(n) ? n : undefined;
}

export function formatSize(bytes: number): string {
  for (const [suffix, unit] of [['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]] as const) if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  return String(bytes);
}

function allowed(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'bool':
      return '0 or 1 (also on/off, true/false)';
    case 'uint':
      return `an integer ${spec.min ?? 0}..${spec.max ?? Number.MAX_SAFE_INTEGER}`;
    case 'uints':
      return `integers joined by ':' (e.g. 1:2), each ${spec.min ?? 0}..${spec.max ?? Number.MAX_SAFE_INTEGER}`;
    case 'string':
      return `text of ${spec.min ?? 0}..${spec.max ?? 4096} characters, no commas`;
    case 'size':
      return `a size ${formatSize(spec.min ?? 0)}..${formatSize(spec.max ?? 2 ** 50)} (4096, 64K, 1M, 2G, 1T)`;
    case 'sizes':
      return `sizes joined by ':' (e.g. 256M:768M), each ${formatSize(spec.min ?? 0)}..${formatSize(spec.max ?? 2 ** 50)}`;
  }
}

/** One option's value from its text, checked against the spec (throws DeviceOptionError). */
export function parseOptionValue(spec: OptionSpec, text: string): OptionValue {
  const bad = (): never => {
    throw new DeviceOptionError(`option ${spec.name}=${text}: allowed ${allowed(spec)}`);
  };
  const inRange = (n: number | undefined): number => (n === undefined || n < (spec.min ?? 0) || n > (spec.max ?? Number.MAX_SAFE_INTEGER) ? bad() : n);
  switch (spec.kind) {
    case 'bool': {
      const v = ({ '1': true, on: true, true: true, '0': false, off: false, false: false } as Record<string, boolean>)[text.toLowerCase()];
      return v ?? bad();
    }
    case 'uint':
      return inRange(/^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : undefined);
    case 'uints':
      return text.split(':').map((t) => inRange(/^(0x[0-9a-f]+|\d+)$/i.test(t) ? Number(t) : undefined));
    case 'string':
      return text.length < (spec.min ?? 0) || text.length > (spec.max ?? 4096) ? bad() : text;
    case 'size':
      return inRange(parseSize(text));
    case 'sizes':
      return text.split(':').map((s) => inRange(parseSize(s)));
  }
}

/**
 * Parses `[model,]key=value,...` against `table`. Returns the values with defaults filled in;
 * `model` (the first word without '=') is returned under the key `model` when present.
 */
export function parseDeviceLine(line: string, table: readonly OptionSpec[]): Record<string, OptionValue | undefined> {
  const byName = new Map(table.map((s) => [s.name, s]));
  const out: Record<string, OptionValue | undefined> = {};
  const seen = new Set<string>();
  const words = line.split(',').map((w) => w.trim());
  words.forEach((word, i) => {
    if (word === '') return;
    const eq = word.indexOf('=');
    if (eq < 0) {
      if (i === 0) out['model'] = word;
      else throw new DeviceOptionError(`option '${word}' has no value: write ${word}=<value>`);
      return;
    }
    const name = word.slice(0, eq).trim();
    const spec = byName.get(name);
    if (spec === undefined) throw new DeviceOptionError(`unknown option '${name}': allowed ${table.map((s) => s.name).join(', ')}`);
    if (seen.has(name)) throw new DeviceOptionError(`option ${name} is given twice`);
    seen.add(name);
    out[name] = parseOptionValue(spec, word.slice(eq + 1).trim());
  });
  for (const spec of table) if (!seen.has(spec.name)) out[spec.name] = spec.default;
  return out;
}

/** One line per option for `--help`: name, allowed values, default, meaning. */
export function describeOptions(table: readonly OptionSpec[]): string[] {
  return table.map((s) => `  ${s.name.padEnd(12)} ${s.help}; ${allowed(s)}${s.default !== undefined ? `; default ${s.kind === 'size' ? formatSize(s.default as number) : String(s.default)}` : ''}`);
}

/** Throws the option's error; for cross-option checks after parsing. */
export function optionError(name: string, value: OptionValue | undefined, why: string): never {
  throw new DeviceOptionError(`option ${name}=${Array.isArray(value) ? value.map(formatSize).join(':') : String(value)}: ${why}`);
}

/** The same, for a list of plain integers (a 'uints' option). */
export function optionListError(name: string, value: readonly number[], why: string): never {
  throw new DeviceOptionError(`option ${name}=${value.join(':')}: ${why}`);
}
