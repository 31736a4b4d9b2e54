import { map, type OperatorFunction } from 'rxjs';
import { mcQuantile } from '../math/index.js';
import type { WithAnchorRewards, WithPolicyRewards, WithQuantiles } from './records.js';

/**
 * Adds `quantiles`: for each policy sample y, the Monte-Carlo quantile of eq (10),
 * p̂≤(y) = (1/k)·Σᵢ 𝕀{r(y′ᵢ) ≤ r(y)}, against the k anchor (or reference) samples of the same prompt.
 * A pure `map`.
 *
 * @example
 * rec$.pipe(sampleAnchor({ anchor: reference, count: 16, rng, maxNewTokens }), scoreRewards({ reward }), mcQuantiles());
 */
export function mcQuantiles<R extends WithPolicyRewards & WithAnchorRewards>(): OperatorFunction<R, R & WithQuantiles> {
  return map((rec) => ({
    ...rec,
    quantiles: rec.policyRewards.map((rewards, i) => rewards.map((r) => mcQuantile(r, rec.anchorRewards[i] ?? []))),
  }));
}
