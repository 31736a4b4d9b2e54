import { bestOfNDistribution } from './bestOfNDistribution.js';
import { assertPositiveInteger } from './validate.js';

/**
 * Best-of-n sampling applied `times` times: each round draws n times from the previous round's
 * distribution and keeps the best, with the same rewards and tie order throughout.
 *
 * Formula: BoN(⋯BoN(BoN(π_ref))) (M = `times` applications) ≡ Bo(n^M)(π_ref).
 * Eq. (16) of the BOND paper. `times` = 0 returns `ref` unchanged. This is computed by literally
 * iterating eq (4), so that the identity of eq (16) is something the tests can check, not assume.
 *
 * @example
 * iteratedBestOfN([0.5, 0.5], [0, 1], 2, 2); // [0.0625, 0.9375], the same as Best-of-4
 */
export function iteratedBestOfN(
  ref: ReadonlyArray<number>,
  rewards: ReadonlyArray<number>,
  n: number,
  times: number,
): number[] {
  assertPositiveInteger('iteratedBestOfN', 'n', n);
  assertPositiveInteger('iteratedBestOfN', 'times', times, 0);
  let current: ReadonlyArray<number> = ref;
  for (let round = 0; round < times; round++) current = bestOfNDistribution(current, rewards, n);
  return [...current];
}
