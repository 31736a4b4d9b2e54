import { quantiles } from './quantiles.js';
import { assertDistribution, assertPositiveInteger, assertSameLength } from './validate.js';

/**
 * The exact distribution of Best-of-N sampling: draw `n` times from `ref`, keep the best draw.
 *
 * Formula: π_BoN(y) = π_ref(y) · p≤(y)^(N−1) · Σ_{i=1..N} (p<(y) / p≤(y))^(i−1), which telescopes (because
 * π_ref(y) = p≤(y) − p<(y)) to π_BoN(y) = p≤(y)^N − p<(y)^N.
 * Theorem 1, Eq. (4) of the BOND paper.
 *
 * "Best" uses the strict total order of footnote 1: higher reward wins, and among equal rewards the
 * higher index counts as better. So the worst element y⁻ gets π_ref(y⁻)^N (p<(y⁻) = 0) and an element
 * with π_ref(y) = 0 gets exactly 0.
 *
 * Numerics: the difference is computed as p≤^N · (1 − (p</p≤)^N) = exp(N·log p≤) · −expm1(N·log(p</p≤)),
 * with log p≤ = log1p(−p>) near the top of the order and log(p</p≤) = log1p(−π_ref/p≤) when π_ref is a small
 * part of p≤. So large `n` (e.g. 4096) and masses like 1e-12 keep full relative precision instead of
 * cancelling to 0. `ref` is divided by its sum (validation allows ±1e-9) so the result sums to 1.
 * O(K log K).
 *
 * @example
 * bestOfNDistribution([0.5, 0.5], [0, 1], 2); // [0.25, 0.75]
 */
export function bestOfNDistribution(ref: ReadonlyArray<number>, rewards: ReadonlyArray<number>, n: number): number[] {
  const total = assertDistribution('bestOfNDistribution', 'ref', ref);
  assertSameLength('bestOfNDistribution', 'ref', ref, 'rewards', rewards);
  assertPositiveInteger('bestOfNDistribution', 'n', n);
  const w = ref.map((p) => p / total);
  const { below, atOrBelow, above } = quantiles(w, rewards);
  return w.map((mass, i) => {
    if (mass === 0) return 0;
    const pBelow = below[i] as number;
    const pAtOrBelow = atOrBelow[i] as number;
    // Nothing is worse: term (B) of eq (4) is 1 and π_BoN = π_ref^N, the N-draws-in-a-row case.
    if (pBelow === 0) return pAtOrBelow ** n;
    const pAbove = above[i] as number;
    const logAtOrBelow = pAbove < 0.5 ? Math.log1p(-pAbove) : Math.log(pAtOrBelow);
    const share = mass / pAtOrBelow;
    const logRatio = share < 0.5 ? Math.log1p(-share) : Math.log(pBelow / pAtOrBelow);
    return Math.exp(n * logAtOrBelow) * -Math.expm1(n * logRatio);
  });
}
