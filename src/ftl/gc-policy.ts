// GC victim selection. Greedy takes the closed line with the fewest valid sectors (pblk's
// policy); cost-benefit (Rosenblum & Ousterhout's LFS cleaner) weighs the space freed against
// the cost of moving, by age: benefit/cost = (1 - u) * age / (2u) with u the valid fraction,
// so old, cold lines are cleaned before young lines still being invalidated.

export type GcPolicyName = 'greedy' | 'cost-benefit';
export const GC_POLICIES: readonly GcPolicyName[] = ['greedy', 'cost-benefit'];

export interface VictimCandidate {
  readonly line: number;
  /** Valid sectors. */
  readonly valid: number;
  /** Data sectors the line holds when full. */
  readonly capacity: number;
  /** Sequence number when the line was opened (older = smaller). */
  readonly seq: number;
}

/** Index into `c` of the victim, or -1 when no line has anything to reclaim. */
export function pickVictim(policy: GcPolicyName, c: readonly VictimCandidate[], nowSeq: number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < c.length; i++) {
    const x = c[i]!;
    if (x.valid >= x.capacity) continue; // nothing to gain
    let score: number;
    if (policy === 'greedy') score = -x.valid;
    else {
      const u = x.capacity > 0 ? x.valid / x.capacity : 0;
      const age = Math.max(1, nowSeq - x.seq);
      score = u === 0 ? Infinity : ((1 - u) * age) / (2 * u);
    }
    if (score > bestScore || (score === bestScore && best >= 0 && x.seq < c[best]!.seq)) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Analytic write amplification of greedy (= FIFO, for uniform traffic) GC under uniform random
 * overwrites, the mean-field model of Hu et al. (SYSTOR 2009) and Desnoyers (SYSTOR 2012): a
 * line written full is cleaned after the raw space has turned over once, so its surviving
 * fraction is u = exp(-alpha (1 - u)), alpha = raw / user; i.e. (u - 1) / ln(u) = 1 / alpha, and
 * WA = 1 / (1 - u). `userFraction` = user capacity / raw data capacity = 1 / alpha.
 */
export function greedyWaModel(userFraction: number): number {
  // userFraction = user capacity / raw data capacity (1 / alpha), in (0, 1).
  if (!(userFraction > 0 && userFraction < 1)) return NaN;
  // Solve f(u) = (u - 1) / ln(u) - userFraction = 0 on (0, 1) by bisection; f is increasing.
  let lo = 1e-12;
  let hi = 1 - 1e-12;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    const v = (mid - 1) / Math.log(mid) - userFraction;
    if (v > 0) hi = mid;
    else lo = mid;
  }
  const u = (lo + hi) / 2;
  return 1 / (1 - u);
}
