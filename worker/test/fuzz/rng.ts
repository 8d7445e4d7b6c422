/** The fuzz suite's seeded generator: core's Rng, and one independent stream per case. */
import { Rng } from '@emotion/core/rng';

export { Rng };

/** The generator of case `i` of a run seeded with `seed`: any case can be replayed on its own. */
export function caseRng(seed: number, i: number): Rng {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return new Rng(h);
}
