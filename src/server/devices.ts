// Device lines to built devices: the one place that picks a personality from the options
// (the original's `lver`: 0 conventional NVMe, 1 OCSSD 1.2, 2 OCSSD 2.0).
import { Lver } from './lightnvm-options.js';
import { nvmeBlueprint, parseNvmeDevice } from './nvme-device.js';
import type { BuiltDevice } from './served-device.js';

export interface BuildOptions {
  /** Device name (nvme0), used for its default subsystem NQN. */
  readonly name: string;
  /** Where `ldebug` traces and device warnings go. */
  readonly log: (line: string) => void;
}

export const subsystemNqn = (name: string): string => `nqn.2026-11.io.ocssd:${name}`;

export function buildDevice(line: string, o: BuildOptions): BuiltDevice {
  const config = parseNvmeDevice(line);
  const kind = config.lver === Lver.OCSSD12 ? 'ocssd12' : config.lver === Lver.OCSSD20 ? 'ocssd20' : 'nvme';
  return { kind, blueprint: nvmeBlueprint(config, { log: o.log }), nqn: subsystemNqn(o.name) };
}
