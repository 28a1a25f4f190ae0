// Fault hooks: rules that make a program, erase or read fail. A rule targets every chunk, one
// chunk, or one sector of one chunk, and fires either deterministically (let `after` matching
// sectors pass, then fire `times` times) or with a seeded probability per matching sector, so
// every failing run can be replayed. Reads and programs count sectors; erases count chunks.
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export const FaultKind = { PROGRAM_FAIL: 'program-fail', ERASE_FAIL: 'erase-fail', UNCORRECTABLE: 'uncorrectable', HIGH_ECC: 'high-ecc' } as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];
export const FAULT_KINDS: readonly FaultKind[] = Object.values(FaultKind);

export type FaultTrigger =
  | { readonly mode: 'count'; readonly after?: number; readonly times?: number }
  | { readonly mode: 'probability'; readonly probability: number; readonly seed: number };

export interface FaultRuleSpec {
  readonly kind: FaultKind;
  /** Flat chunk index; absent: every chunk. */
  readonly chunk?: number;
  /** Sector inside the chunk; needs `chunk`; absent: every sector. Ignored for erase faults. */
  readonly sector?: number;
  readonly trigger: FaultTrigger;
}

export interface FaultRule extends FaultRuleSpec {
  readonly id: number;
  /** Matching sectors (or erases) seen so far. */
  readonly seen: number;
  /** Times this rule made an operation fail. */
  readonly fired: number;
}

interface LiveRule {
  id: number;
  spec: FaultRuleSpec;
  seen: number;
  fired: number;
  rng: RandomGenerator | undefined;
}

export class FaultInjector {
  private readonly rules: LiveRule[] = [];
  private nextId = 1;

  constructor(private readonly totalChunks: number, private readonly sectorsPerChunk: number) {}

  /** True when no rule is armed: the media skips every check. */
  get idle(): boolean {
    return this.rules.length === 0;
  }

  /** Arms a rule; returns its id. Throws a RangeError naming the bad field. */
  add(spec: FaultRuleSpec): number {
    if (!FAULT_KINDS.includes(spec.kind)) throw new RangeError(`fault kind '${String(spec.kind)}': allowed ${FAULT_KINDS.join(', ')}`);
    if (spec.chunk !== undefined && (!Number.isInteger(spec.chunk) || spec.chunk < 0 || spec.chunk >= this.totalChunks)) {
      throw new RangeError(`fault chunk = ${spec.chunk}: allowed 0..${this.totalChunks - 1}`);
    }
    if (spec.sector !== undefined) {
      if (spec.chunk === undefined) throw new RangeError('fault sector needs a chunk');
      if (!Number.isInteger(spec.sector) || spec.sector < 0 || spec.sector >= this.sectorsPerChunk) {
        throw new RangeError(`fault sector = ${spec.sector}: allowed 0..${this.sectorsPerChunk - 1}`);
      }
    }
    const t = spec.trigger;
    if (t.mode === 'count') {
      if (t.after !== undefined && (!Number.isInteger(t.after) || t.after < 0)) throw new RangeError(`fault trigger.after = ${t.after}: allowed an integer >= 0`);
      if (t.times !== undefined && !(t.times === Infinity || (Number.isInteger(t.times) && t.times >= 1))) {
        throw new RangeError(`fault trigger.times = ${t.times}: allowed an integer >= 1 or Infinity`);
      }
    } else if (t.mode === 'probability') {
      if (!(t.probability >= 0 && t.probability <= 1)) throw new RangeError(`fault trigger.probability = ${t.probability}: allowed 0..1`);
      if (!Number.isInteger(t.seed)) throw new RangeError(`fault trigger.seed = ${t.seed}: allowed an integer`);
    } else {
      throw new RangeError(`fault trigger.mode '${String((t as { mode: unknown }).mode)}': allowed count, probability`);
    }
    const id = this.nextId++;
    this.rules.push({ id, spec, seen: 0, fired: 0, rng: t.mode === 'probability' ? xoroshiro128plus(t.seed) : undefined });
    return id;
  }

  remove(id: number): boolean {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i < 0) return false;
    this.rules.splice(i, 1);
    return true;
  }

  clear(): void {
    this.rules.length = 0;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.spec, id: r.id, seen: r.seen, fired: r.fired }));
  }

  /**
   * For an operation of `kind` on sectors [sector, sector + count) of `chunk`: the offset of the
   * first sector that fails (0 for an erase), or -1. Counted rules retire after their last firing.
   */
  check(kind: FaultKind, chunk: number, sector: number, count: number): number {
    if (this.rules.length === 0) return -1;
    let first = -1;
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i]!;
      const s = r.spec;
      if (s.kind !== kind || (s.chunk !== undefined && s.chunk !== chunk)) continue;
      const hit = this.firstHit(r, kind === FaultKind.ERASE_FAIL ? 0 : sector, kind === FaultKind.ERASE_FAIL ? 1 : count);
      if (hit >= 0 && (first < 0 || hit < first)) first = hit;
      if (s.trigger.mode === 'count' && r.fired >= (s.trigger.times ?? 1)) this.rules.splice(i--, 1);
    }
    return first;
  }

  private firstHit(r: LiveRule, sector: number, count: number): number {
    const s = r.spec;
    const t = s.trigger;
    // A sector-targeted rule sees only its sector.
    let lo = 0;
    let n = count;
    if (s.sector !== undefined && s.kind !== FaultKind.ERASE_FAIL) {
      if (s.sector < sector || s.sector >= sector + count) return -1;
      lo = s.sector - sector;
      n = 1;
    }
    if (t.mode === 'count') {
      const after = t.after ?? 0;
      const times = t.times ?? 1;
      if (r.fired >= times) return -1;
      const skip = after - r.seen; // matching sectors still to let pass
      if (skip >= n) {
        r.seen += n;
        return -1;
      }
      const at = lo + Math.max(skip, 0);
      r.seen += at - lo + 1;
      r.fired++;
      return at;
    }
    for (let k = 0; k < n; k++) {
      r.seen++;
      if (uniformFloat64(r.rng!) < t.probability) {
        r.fired++;
        return lo + k;
      }
    }
    return -1;
  }
}
