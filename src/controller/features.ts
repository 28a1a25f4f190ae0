// Current feature values (Get/Set Features), controller-wide or per namespace as
// spec/nvme FEATURE_ATTRIBUTES says. A controller reset restores the defaults.
import { FEATURE_ATTRIBUTES, type FeatureId } from '../spec/index.js';

export class FeatureStore {
  private readonly current = new Map<number, number>();
  /** Keyed fid * 2^32 + nsid: a number key keeps per-command lookups (DULBE on every read) allocation-free. */
  private readonly perNamespace = new Map<number, number>();
  private readonly data = new Map<number, Uint8Array>();

  constructor(private readonly defaults: ReadonlyMap<number, number>) {
    this.reset();
  }

  static isSupported(fid: number): boolean {
    return FEATURE_ATTRIBUTES[fid as FeatureId] !== undefined;
  }

  static isNamespaceSpecific(fid: number): boolean {
    return FEATURE_ATTRIBUTES[fid as FeatureId]?.namespaceSpecific === true;
  }

  defaultOf(fid: number): number {
    return this.defaults.get(fid) ?? 0;
  }

  /** The current DW11 value of `fid` (for `nsid` when the feature is per namespace). */
  get(fid: number, nsid = 0): number {
    if (FeatureStore.isNamespaceSpecific(fid)) return this.perNamespace.get(fid * 2 ** 32 + nsid) ?? this.current.get(fid) ?? this.defaultOf(fid);
    return this.current.get(fid) ?? this.defaultOf(fid);
  }

  set(fid: number, value: number, nsid = 0): void {
    if (FeatureStore.isNamespaceSpecific(fid)) {
      if (nsid === 0xffffffff) {
        for (const k of [...this.perNamespace.keys()]) if (Math.floor(k / 2 ** 32) === fid) this.perNamespace.delete(k);
        this.current.set(fid, value >>> 0);
        return;
      }
      this.perNamespace.set(fid * 2 ** 32 + nsid, value >>> 0);
    } else {
      this.current.set(fid, value >>> 0);
    }
  }

  /** Features whose value is a data buffer (Timestamp, Host Behavior Support). */
  getData(fid: number): Uint8Array | undefined {
    return this.data.get(fid);
  }

  setData(fid: number, bytes: Uint8Array): void {
    this.data.set(fid, Uint8Array.from(bytes));
  }

  reset(): void {
    this.current.clear();
    this.perNamespace.clear();
    this.data.clear();
    for (const [fid, v] of this.defaults) this.current.set(fid, v >>> 0);
  }
}
