import { map, pipe, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import { assertOption, isNonNegative } from './assertOption.js';
import { policyGradientTerm } from './policyGradientTerm.js';
import type { WithLossBw, WithPolicyRewards, WithPolicySamples, WithUpdate } from './records.js';
import { surrogateUpdate, type UpdateOptions } from './surrogateUpdate.js';

/**
 * Options of {@link reinforceUpdate}.
 *
 * @example
 * const opts: ReinforceUpdateOptions = { policy, reference, optimizer, betaRl: 0.1, clipNorm: 1 };
 */
export interface ReinforceUpdateOptions extends UpdateOptions {
  /** π_ref of the KL penalty of eq (1). */
  readonly reference: Policy;
  /** β_RL of eq (1): the weight of the KL penalty in the return. */
  readonly betaRl: number;
}

/**
 * One REINFORCE step on the KL-regularised RLHF objective of eq (1), the baseline of Section 6: return
 * R = r(y) − β_RL·(log π(y) − log π_ref(y)) on the policy samples with a leave-one-out baseline (use 2
 * samples per prompt, as the paper does). The policy-gradient term is the same construction as BOND's
 * backward KL (eq (15)) and is added as `lossBw`; the step itself is the shared `surrogateUpdate`.
 * Adds `lossBw`, `update` and `nonFiniteSkips`. Uses `concatMap`.
 *
 * @example
 * rec$.pipe(samplePolicy({ policy, count: 2, rng, maxNewTokens }), scoreRewards({ reward }),
 *   reinforceUpdate({ policy, reference, optimizer, betaRl: 0.1 }));
 */
export function reinforceUpdate<R extends WithPolicySamples & WithPolicyRewards>(
  options: ReinforceUpdateOptions,
): OperatorFunction<R, R & WithLossBw & WithUpdate> {
  assertOption('reinforceUpdate', 'betaRl', options.betaRl, isNonNegative, 'a finite number ≥ 0');
  const pg = { reference: options.reference, rewardScale: 1, klScale: options.betaRl };
  return pipe(
    map((rec: R): R & WithLossBw => ({ ...rec, lossBw: policyGradientTerm(rec.policySamples, rec.policyRewards, pg) })),
    surrogateUpdate<R & WithLossBw>(options, 'reinforceUpdate', (rec) => [{ weight: 1, term: rec.lossBw }]),
  );
}
