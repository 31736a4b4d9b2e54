import fc from 'fast-check';
import { expectedJBondReward, jbondReward } from '../math/index.js';
import { distributionWithRewards, type DistributionWithRewards } from './arbitraries.js';
import { assertClose } from './assertClose.js';

/**
 * A J-BOND reward: r_J-BOND of a sample with reward `r` against the rewards of two anchor samples, eq (17).
 *
 * @example
 * const mine: JBondRewardFn = (r, [a, b]) => (r < a && r < b ? -Math.log(16) : 0);
 */
export type JBondRewardFn = (r: number, anchorRewards: readonly [number, number]) => number;

/**
 * The values one run of {@link jbondRewardCalibration} draws: a distribution with rewards, and which
 * element is y (`pick` modulo the support size).
 *
 * @example
 * const draw: JBondCalibrationDraw = [{ ref: [0.5, 0.5], rewards: [0, 1] }, 0];
 */
export type JBondCalibrationDraw = [DistributionWithRewards, number];

/** α = −log 16, the penalty of eq (17), calibrated in appendix A.4. */
const ALPHA = -Math.log(16);
/** Sums of at most 144 products of probabilities: float64 rounding only. */
const EXACT = { abs: 1e-12, rel: 1e-12 };

/**
 * A fast-check property checking a J-BOND reward (default: the library's `jbondReward`) against eq (24)
 * and the calibration of appendix A.4 of the BOND paper. Each run draws an anchor distribution π_anchor
 * with rewards (ties and near-zero masses included) and a sample y, and checks:
 *
 * - eq (17): the reward is α = −log 16 when r(y) < min(r(y′₁), r(y′₂)) and 0 otherwise;
 * - eq (23)–(24): its exact expectation over two independent anchor samples,
 *   Σ_{i,j} π(y′ᵢ)·π(y′ⱼ)·r_J-BOND(y; y′ᵢ, y′ⱼ), equals α·(1 − p≤(y))², where p≤(y) = P[r(y′) ≤ r(y)]
 *   compares rewards only (two anchor samples carry no index to break ties with); so does
 *   `expectedJBondReward(p≤(y))`;
 * - appendix A.4: for a sample of median reward (p≤(y) = 1/2) that expectation equals the ideal reward
 *   log p≤(y) = log(1/2), which is what fixes α = −log 16.
 *
 * Runs are cheap (a double sum over ≤ 12 support elements): raise them with
 * `fc.assert(jbondRewardCalibration(), { numRuns: 10_000 })`.
 *
 * @example
 * fc.assert(jbondRewardCalibration());                 // the library's eq (17)
 * fc.assert(jbondRewardCalibration(myJBondReward));    // a custom implementation
 */
export function jbondRewardCalibration(reward: JBondRewardFn = jbondReward): fc.IPropertyWithHooks<JBondCalibrationDraw> {
  return fc.property(distributionWithRewards({ maxSize: 12, nearZero: true }), fc.nat(), ({ ref, rewards }, pick) => {
    const y = pick % ref.length;
    const r = rewards[y] as number;
    rewards.forEach((a) =>
      rewards.forEach((b) => {
        const expected = r < Math.min(a, b) ? ALPHA : 0;
        const got = reward(r, [a, b]);
        if (got !== expected) throw new Error(`eq (17): expected r_J-BOND(${r}; anchors ${a}, ${b}) = ${expected}, got ${got}`);
      }),
    );
    const pAtOrBelow = ref.reduce((acc, p, i) => ((rewards[i] as number) <= r ? acc + p : acc), 0);
    const expectation = ref.reduce((acc, p, i) => acc + ref.reduce((inner, q, j) => inner + p * q * reward(r, [rewards[i] as number, rewards[j] as number]), 0), 0);
    const eq24 = ALPHA * (1 - pAtOrBelow) ** 2;
    assertClose(`eq (24), p≤(y) = ${pAtOrBelow}`, 'E[r_J-BOND(y)] = −log 16·(1 − p≤)² =', [eq24], [expectation], EXACT);
    assertClose(`eq (24), p≤(y) = ${pAtOrBelow}`, 'expectedJBondReward(p≤) = −log 16·(1 − p≤)² =', [eq24], [expectedJBondReward(Math.min(1, pAtOrBelow))], EXACT);
    // Appendix A.4: anchors worse or better than y with probability 1/2 each make y the median.
    const median = [r - 1, r + 1].reduce((acc, a) => acc + [r - 1, r + 1].reduce((inner, b) => inner + 0.25 * reward(r, [a, b]), 0), 0);
    assertClose('appendix A.4, y of median reward', 'E[r_J-BOND(y)] = log p≤(y) = log(1/2) =', [Math.log(0.5)], [median], EXACT);
    return true;
  });
}
