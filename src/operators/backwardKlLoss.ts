import { map, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import { assertOption, isPositiveInt } from './assertOption.js';
import { policyGradientTerm } from './policyGradientTerm.js';
import type { WithLossBw, WithPolicySamples } from './records.js';

/**
 * Options of {@link backwardKlLoss}.
 *
 * @example
 * const opts: BackwardKlLossOptions<WithJBondRewards> = { reference: anchor, n: 2, reward: (rec) => rec.jbondRewards };
 */
export interface BackwardKlLossOptions<R> {
  /** The distribution Best-of-N is taken of: the anchor for J-BOND and iterative BOND, π_ref for BOND. */
  readonly reference: Policy;
  /** N of Best-of-N (2 for J-BOND). */
  readonly n: number;
  /**
   * The equivalent reward r_BOND per policy sample, grouped like `policySamples`: e.g.
   * `(rec) => rec.jbondRewards` (eq (17)), or log p̂≤ from `rec.quantiles` for BOND (eq (8)).
   */
  readonly reward: (rec: R) => ReadonlyArray<ReadonlyArray<number>>;
}

/**
 * Adds `lossBw`, the backward-KL term KL(π ‖ π_BoN) of eq (14) as the policy gradient of eq (15):
 * return R = (N − 1)·r_BOND(y) − (log π(y) − log π_ref(y)) with a leave-one-out baseline (see
 * `policyGradientTerm`). Not divided by N − 1. log π(y) is the policy samples' own log-probability
 * (sample at temperature 1); log π_ref(y) is read from `reference`. A pure `map`.
 *
 * @example
 * rec$.pipe(jbondRewards(), backwardKlLoss({ reference: anchor, n: 2, reward: (rec) => rec.jbondRewards }));
 */
export function backwardKlLoss<R extends WithPolicySamples>(options: BackwardKlLossOptions<R>): OperatorFunction<R, R & WithLossBw> {
  assertOption('backwardKlLoss', 'n', options.n, isPositiveInt, 'a positive integer');
  return map((rec) => ({
    ...rec,
    lossBw: policyGradientTerm(rec.policySamples, options.reward(rec), { reference: options.reference, rewardScale: options.n - 1, klScale: 1 }),
  }));
}
