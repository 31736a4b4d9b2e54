import { assertProbability } from './validate.js';

/**
 * The expected J-BOND reward of a sample whose quantile under the anchor is p≤, over the two anchor draws.
 *
 * Formula: E[r_J-BOND(y)] = −log(16) · (1 − p≤(y))², the probability that both anchor samples are strictly
 * better, times the penalty. Eqs. (23)–(24) of the BOND paper; equals log p≤ = log(0.5) at p≤ = 0.5.
 *
 * @example
 * expectedJBondReward(0.5); // Math.log(0.5), since −log(16)/4 = log(1/2)
 * expectedJBondReward(1); // -0
 */
export function expectedJBondReward(pAtOrBelow: number): number {
  assertProbability('expectedJBondReward', 'pAtOrBelow', pAtOrBelow);
  return -Math.log(16) * (1 - pAtOrBelow) ** 2;
}
