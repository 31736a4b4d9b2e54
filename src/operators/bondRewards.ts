import * as t from 'io-ts';
import { map, type OperatorFunction } from 'rxjs';
import { bondReward } from '../math/index.js';
import { assertOption, isUnit } from './assertOption.js';
import type { WithQuantilesBelow } from './exactQuantiles.js';
import type { WithQuantiles } from './records.js';

/**
 * Added by `bondRewards`: the equivalent reward r_BOND(y) of eq (8) per policy sample.
 *
 * @example
 * const rec: WithBondRewards = { bondRewards: [[Math.log(0.5), 0]] };
 */
export const WithBondRewards = t.readonly(t.type({ bondRewards: t.readonlyArray(t.readonlyArray(t.number)) }), 'WithBondRewards');
/** See the {@link WithBondRewards} codec. */
export type WithBondRewards = t.TypeOf<typeof WithBondRewards>;

/** Options of {@link bondRewards}. */
export interface BondRewardsOptions {
  /** N of Best-of-N (≥ 2: at N = 1 the BOND reward is undefined). */
  readonly n: number;
  /**
   * Lower bound on p̂≤ before the log, in [0, 1]: a Monte-Carlo quantile is 0 when y is worse than all k
   * reference samples, and log 0 = −∞ would make the step non-finite. BOND's pipelines use 1/(k + 1).
   * 0 means no floor (exact quantiles are positive for any sample y, since p≤(y) ≥ π_ref(y)).
   */
  readonly floor: number;
}

/**
 * Adds `bondRewards`: r_BOND(y) of eq (8) per policy sample, from the record's quantiles.
 *
 * - With Monte-Carlo quantiles (`mcQuantiles`): term (A) only, r_BOND(y) = log max(p̂≤(y), floor) — as the
 *   paper does in Section 4.2 ("the correction factor does not play a significant role").
 * - With exact quantiles (`exactQuantiles`, which also adds p<): both terms, r_BOND(y) =
 *   log p≤(y) + (1/(N − 1))·log Σ_{i=1..N} (p<(y)/p≤(y))^(i−1), so that log π_BoN = log π_ref +
 *   (N − 1)·r_BOND exactly (eqs (4), (7)) and the backward-KL policy gradient of eq (15) is unbiased.
 *
 * A pure `map`.
 *
 * @example
 * rec$.pipe(mcQuantiles(), bondRewards({ n: 8, floor: 1 / 17 }),
 *   backwardKlLoss({ reference, n: 8, reward: (rec) => rec.bondRewards }));
 */
export function bondRewards<R extends WithQuantiles & Partial<WithQuantilesBelow>>(options: BondRewardsOptions): OperatorFunction<R, R & WithBondRewards> {
  const { n, floor } = options;
  assertOption('bondRewards', 'n', n, (x) => Number.isInteger(x) && x >= 2, 'an integer ≥ 2');
  assertOption('bondRewards', 'floor', floor, isUnit, 'a number in [0, 1]');
  return map((rec) => {
    const below = rec.quantilesBelow;
    return {
      ...rec,
      bondRewards: rec.quantiles.map((group, i) =>
        group.map((p, j) => {
          const pBelow = below?.[i]?.[j];
          return pBelow === undefined ? Math.log(Math.max(p, floor)) : bondReward(pBelow, p, n);
        }),
      ),
    };
  });
}
