import { map, type OperatorFunction } from 'rxjs';
import { jbondReward } from '../math/index.js';
import type { WithAnchorRewards, WithJBondRewards, WithPolicyRewards } from './records.js';

/**
 * Adds `jbondRewards`: for each policy sample y, the J-BOND reward of eq (17),
 * r_J-BOND(y) = −log 16 if r(y) < min(r(y′₁), r(y′₂)) else 0, against the two anchor samples of the same
 * prompt. A pure `map`; throws a `RangeError` naming the prompt if it does not have exactly 2 anchor rewards.
 *
 * @example
 * rec$.pipe(sampleAnchor({ anchor, count: 2, rng, maxNewTokens }), scoreRewards({ reward }), jbondRewards());
 */
export function jbondRewards<R extends WithPolicyRewards & WithAnchorRewards>(): OperatorFunction<R, R & WithJBondRewards> {
  return map((rec) => ({
    ...rec,
    jbondRewards: rec.policyRewards.map((rewards, i) => {
      const anchor = rec.anchorRewards[i] ?? [];
      const [a, b] = anchor;
      if (anchor.length !== 2 || a === undefined || b === undefined) {
        throw new RangeError(`jbondRewards: expected 2 anchor rewards for prompt ${i}, got ${anchor.length}`);
      }
      return rewards.map((r) => jbondReward(r, [a, b]));
    }),
  }));
}
