// Bad block marks, one per chunk, with the OCSSD 1.2 bad block table values so the 1.2 command
// set can hand them out unchanged. A mark is the table; the chunk state (OFFLINE) is the
// physical truth: a factory-bad or worn-out chunk is both marked and OFFLINE, while a host may
// mark a good chunk reserved or bad and clear the mark again.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export const BadMark = { GOOD: 0, FACTORY: 1, GROWN: 2, DEVICE_RESERVED: 4, HOST_RESERVED: 8 } as const;
export type BadMark = (typeof BadMark)[keyof typeof BadMark];

export const BAD_MARK_NAMES: Readonly<Record<BadMark, string>> = {
  [BadMark.GOOD]: 'good',
  [BadMark.FACTORY]: 'factory-bad',
  [BadMark.GROWN]: 'grown-bad',
  [BadMark.DEVICE_RESERVED]: 'device-reserved',
  [BadMark.HOST_RESERVED]: 'host-reserved',
};

export const isBadMark = (v: number): v is BadMark => v in BAD_MARK_NAMES;

/** How a new image gets its factory-bad chunks. */
export type FactoryBad = { readonly rate: number; readonly seed: number } | { readonly chunks: readonly number[] };

/** The chunk indices that leave the factory bad: an explicit list, or each chunk with probability `rate` (seeded). */
export function factoryBadChunks(spec: FactoryBad | undefined, totalChunks: number): number[] {
  if (spec === undefined) return [];
  if ('chunks' in spec) {
    for (const c of spec.chunks) {
      if (!Number.isInteger(c) || c < 0 || c >= totalChunks) throw new RangeError(`factoryBad.chunks: ${c} is not a chunk index (allowed 0..${totalChunks - 1})`);
    }
    return [...new Set(spec.chunks)].sort((a, b) => a - b);
  }
  if (!(spec.rate >= 0 && spec.rate <= 1)) throw new RangeError(`factoryBad.rate = ${spec.rate}: allowed 0..1`);
  const rng = xoroshiro128plus(spec.seed);
  const out: number[] = [];
  for (let c = 0; c < totalChunks; c++) if (uniformFloat64(rng) < spec.rate) out.push(c);
  return out;
}
