// The pblk targets a server hosts, remembered across restarts in `<data-dir>/targets.json`.
// Written atomically (temporary file, fsync, rename, fsync of the folder) so a crash leaves the
// old list or the new one, never a torn file. The targets' data lives on the device (the FTL
// recovers it); this file only says which targets to bring back and with what parameters.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

export interface TargetSpec {
  /** Block device name of the target (the tutorial's "mydevice"). */
  readonly name: string;
  /** Namespace it runs on (nvme0n1). */
  readonly device: string;
  readonly type: 'pblk';
  /** First and last parallel unit (LUN) of the target, inclusive, numbered across groups/channels. */
  readonly lunBegin: number;
  readonly lunEnd: number;
  /** Over-provisioning, percent. */
  readonly op: number;
}

export interface TargetRecord extends TargetSpec {
  readonly createdAt: string;
}

const FILE_VERSION = 1;

/** Target names follow Linux disk names: what `lsblk` and NBD export names can carry. */
export const TARGET_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export class TargetRegistry {
  private readonly list: TargetRecord[];
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'targets.json');
    this.list = existsSync(this.path) ? TargetRegistry.read(this.path) : [];
  }

  private static read(path: string): TargetRecord[] {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`${path}: unreadable target list (${e instanceof Error ? e.message : String(e)}); move it away to start without targets`);
    }
    const r = raw as { version?: unknown; targets?: unknown };
    if (r?.version !== FILE_VERSION || !Array.isArray(r.targets)) throw new Error(`${path}: not a version ${FILE_VERSION} target list`);
    return r.targets as TargetRecord[];
  }

  all(): readonly TargetRecord[] {
    return this.list;
  }

  get(name: string): TargetRecord | undefined {
    return this.list.find((t) => t.name === name);
  }

  add(spec: TargetSpec): TargetRecord {
    if (this.get(spec.name) !== undefined) throw new Error(`target ${spec.name} exists already`);
    const rec: TargetRecord = { ...spec, createdAt: new Date().toISOString() };
    this.list.push(rec);
    this.save();
    return rec;
  }

  remove(name: string): void {
    const i = this.list.findIndex((t) => t.name === name);
    if (i < 0) return;
    this.list.splice(i, 1);
    this.save();
  }

  private save(): void {
    writeFileAtomic(this.path, JSON.stringify({ version: FILE_VERSION, targets: this.list }, null, 2) + '\n');
  }
}
