import { logBestOfNCorrection } from './bestOfNCorrection.js';
import { assertPositiveInteger, assertQuantilePair } from './validate.js';

/**
 * The BOND reward: the reward for which Best-of-N sampling is the optimal KL-regularised RLHF policy.
 *
 * Formula: r_BOND(y) = log p≤(y) + (1/(N−1)) · log Σ_{i=1..N} (p<(y)/p≤(y))^(i−1), i.e. term (A) plus
 * {@link bondCorrection} (term (B)). With β_BOND = 1/(N−1) (see {@link bondBeta}),
 * π_BoN(y) = π_ref(y) · exp(r_BOND(y)/β_BOND) exactly: eq (7) with eq (4). Eq. (8) of the BOND paper.
 *
 * Needs N ≥ 2 (at N = 1, β_BOND is infinite and the reward is undefined). When p≤(y) = 0 the reward is
 * −Infinity, matching π_BoN(y) = 0; a pipeline that needs a finite value must floor p≤ itself.
 *
 * @example
 * bondReward(0, 0.5, 2); // Math.log(0.5): the worst element has no correction
 */
export function bondReward(pBelow: number, pAtOrBelow: number, n: number): number {
  assertQuantilePair('bondReward', pBelow, pAtOrBelow);
  assertPositiveInteger('bondReward', 'n', n, 2);
  if (pAtOrBelow === 0) return -Infinity;
  return Math.log(pAtOrBelow) + bondCorrection(pBelow, pAtOrBelow, n);
}

/**
 * Term (B) of eq (8): the collision correction of eq (4) on the reward scale.
 *
 * Formula: (1/(N−1)) · log Σ_{i=1..N} (p<(y)/p≤(y))^(i−1); lies in [0, log(N)/(N−1)].
 * Eq. (8) of the BOND paper (bounds from Eq. (5)). Needs N ≥ 2; 0 when p<(y) = 0.
 *
 * @example
 * bondCorrection(1, 1, 3); // Math.log(3) / 2: the upper bound, reached when π_ref(y) = 0
 */
export function bondCorrection(pBelow: number, pAtOrBelow: number, n: number): number {
  assertQuantilePair('bondCorrection', pBelow, pAtOrBelow);
  assertPositiveInteger('bondCorrection', 'n', n, 2);
  return logBestOfNCorrection(pBelow, pAtOrBelow, n) / (n - 1);
}

/**
 * The KL-regularisation strength under which Best-of-N is the RLHF optimum with reward r_BOND.
 *
 * Formula: β_BOND = 1 / (N − 1). Section 3.3 (with Eqs. (7), (8)) of the BOND paper. Needs N ≥ 2.
 *
 * @example
 * bondBeta(5); // 0.25
 */
export function bondBeta(n: number): number {
  assertPositiveInteger('bondBeta', 'n', n, 2);
  return 1 / (n - 1);
}
