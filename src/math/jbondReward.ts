import { assertNotNaN } from './validate.js';

/**
 * The J-BOND reward of a policy sample against two anchor samples.
 *
 * Formula: r_J-BOND(y) = −log(16) if r(y) < min(r(y′₁), r(y′₂)), else 0. Eq. (17) of the BOND paper.
 * The comparison is strict: a sample tied with the worse anchor gets 0 (eq (17); Appendix A.4 prints
 * ≤, which would make eq (24) wrong under ties). −log(16) makes the expectation match log p≤ = log 0.5
 * at the median (eq (24), see `expectedJBondReward`).
 *
 * @example
 * jbondReward(0.1, [0.2, 0.7]); // -Math.log(16)
 * jbondReward(0.2, [0.2, 0.7]); // 0
 */
export function jbondReward(r: number, anchorRewards: readonly [number, number]): number {
  assertNotNaN('jbondReward', 'r', r);
  assertNotNaN('jbondReward', 'anchorRewards[0]', anchorRewards[0]);
  assertNotNaN('jbondReward', 'anchorRewards[1]', anchorRewards[1]);
  return r < Math.min(anchorRewards[0], anchorRewards[1]) ? -Math.log(16) : 0;
}
