// What `ocssd serve` runs: device lines (the original's `-device` syntax), where data lives and
// which addresses it listens on. It comes from the command line or from a JSON file whose
// device objects use the QEMU option names as keys; both end as the same device lines, so one
// option table validates them and errors read the same.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DeviceOptionError } from './device-options.js';

export interface ServeConfig {
  /** `nvme,drive=...,lver=1,...` lines, one controller each. Paths already absolute. */
  readonly devices: readonly string[];
  readonly dataDir: string;
  /** Address every listener binds (127.0.0.1 unless told otherwise). */
  readonly host: string;
  /** Control API (JSON over HTTP), NVMe/TCP I/O, discovery and NBD ports; 0 = any free port, -1 = off. */
  readonly controlPort: number;
  readonly tcpPort: number;
  readonly discoveryPort: number;
  readonly nbdPort: number;
  /** Host NQNs allowed to connect over NVMe/TCP (empty: any). */
  readonly allowedHosts: readonly string[];
}

export const SERVE_DEFAULTS = {
  dataDir: 'data',
  host: '127.0.0.1',
  controlPort: 7411,
  tcpPort: 4420,
  discoveryPort: 8009,
  nbdPort: 10809,
} as const;

/** Options whose values are file names: made absolute against the place the line came from. */
export const PATH_OPTIONS: ReadonlySet<string> = new Set(['drive', 'lbbtable', 'lmetadata', 'lchunkstate', 'lresetfail', 'lwritefail']);

/** Resolves the path options of a device line against `base`. */
export function resolveDeviceLine(line: string, base: string): string {
  return line
    .split(',')
    .map((word) => {
      const eq = word.indexOf('=');
      if (eq < 0) return word;
      const key = word.slice(0, eq).trim();
      const value = word.slice(eq + 1).trim();
      return PATH_OPTIONS.has(key) && value !== '' && !isAbsolute(value) ? `${key}=${resolve(base, value)}` : word;
    })
    .join(',');
}

/** One JSON device object (`{"drive": "blknvme", "lver": 1, ...}`) as a device line. */
export function deviceLineFromJson(obj: unknown, where: string): string {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new DeviceOptionError(`${where}: a device must be an object of QEMU option names, e.g. {"drive": "blknvme", "lver": 1}`);
  const words: string[] = [];
  let model = 'nvme';
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    if (key === 'model') {
      if (typeof value !== 'string') throw new DeviceOptionError(`${where}: "model" must be a string`);
      model = value;
      continue;
    }
    let text: string;
    if (typeof value === 'number' || typeof value === 'string') text = String(value);
    else if (typeof value === 'boolean') text = value ? '1' : '0';
    else throw new DeviceOptionError(`${where}: option ${key} must be a number, string or boolean, not ${JSON.stringify(value)}`);
    if (text.includes(',')) throw new DeviceOptionError(`${where}: option ${key}=${text}: commas are not allowed in values`);
    words.push(`${key}=${text}`);
  }
  return [model, ...words].join(',');
}

interface ConfigFile {
  devices?: unknown;
  data_dir?: unknown;
  listen?: unknown;
  control_port?: unknown;
  tcp_port?: unknown;
  discovery_port?: unknown;
  nbd_port?: unknown;
  allowed_hosts?: unknown;
}

const FILE_KEYS = ['devices', 'data_dir', 'listen', 'control_port', 'tcp_port', 'discovery_port', 'nbd_port', 'allowed_hosts'];

function port(v: unknown, key: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -1 || v > 65535) throw new DeviceOptionError(`config ${key}=${JSON.stringify(v)}: allowed an integer -1..65535 (0 = any free port, -1 = off)`);
  return v;
}

/** Reads a JSON config file; relative paths in it are relative to the file's folder. */
export function readConfigFile(path: string): Partial<ServeConfig> {
  let raw: ConfigFile;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as ConfigFile;
  } catch (e) {
    throw new DeviceOptionError(`config ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DeviceOptionError(`config ${path}: must be a JSON object with "devices": [...]`);
  for (const k of Object.keys(raw)) if (!FILE_KEYS.includes(k)) throw new DeviceOptionError(`config ${path}: unknown key '${k}': allowed ${FILE_KEYS.join(', ')}`);
  const base = dirname(resolve(path));
  const devices = raw.devices;
  if (devices !== undefined && !Array.isArray(devices)) throw new DeviceOptionError(`config ${path}: "devices" must be an array of device objects`);
  const hosts = raw.allowed_hosts;
  if (hosts !== undefined && !(Array.isArray(hosts) && hosts.every((h) => typeof h === 'string'))) throw new DeviceOptionError(`config ${path}: "allowed_hosts" must be an array of host NQN strings`);
  const text = (v: unknown, key: string): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new DeviceOptionError(`config ${path}: "${key}" must be a non-empty string`);
    return v;
  };
  const dataDir = text(raw.data_dir, 'data_dir');
  const out: { -readonly [K in keyof ServeConfig]?: ServeConfig[K] } = {};
  if (devices !== undefined) out.devices = devices.map((d, i) => resolveDeviceLine(deviceLineFromJson(d, `config ${path}: devices[${i}]`), base));
  if (dataDir !== undefined) out.dataDir = resolve(base, dataDir);
  const listen = text(raw.listen, 'listen');
  if (listen !== undefined) out.host = listen;
  if (raw.control_port !== undefined) out.controlPort = port(raw.control_port, 'control_port', SERVE_DEFAULTS.controlPort);
  if (raw.tcp_port !== undefined) out.tcpPort = port(raw.tcp_port, 'tcp_port', SERVE_DEFAULTS.tcpPort);
  if (raw.discovery_port !== undefined) out.discoveryPort = port(raw.discovery_port, 'discovery_port', SERVE_DEFAULTS.discoveryPort);
  if (raw.nbd_port !== undefined) out.nbdPort = port(raw.nbd_port, 'nbd_port', SERVE_DEFAULTS.nbdPort);
  if (hosts !== undefined) out.allowedHosts = hosts as string[];
  return out;
}

/** Parses a port given on the command line. */
export function parsePort(text: string, option: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < -1 || n > 65535) throw new DeviceOptionError(`option ${option}=${text}: allowed an integer -1..65535 (0 = any free port, -1 = off)`);
  return n;
}
