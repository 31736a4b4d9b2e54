import { assertPositiveInteger, assertQuantilePair } from './validate.js';

/**
 * Term (B) of eq (4): the correction for collisions among the N draws.
 *
 * Formula: B(y) = Σ_{i=1..N} (p<(y) / p≤(y))^(i−1) = (1 − ρ^N) / (1 − ρ) with ρ = p<(y)/p≤(y); B = N when
 * ρ = 1. Eq. (4) of the BOND paper; bounded in [1, N] by Eq. (5).
 *
 * Edge cases: p<(y) = 0 (the worst element, eq (5)) gives 1; p≤(y) = 0 (then p<(y) = 0 too: nothing at
 * or below y has mass) is treated the same way and gives 1.
 *
 * @example
 * bestOfNCorrection(0.5, 1, 3); // 1.75  (1 + 1/2 + 1/4)
 */
export function bestOfNCorrection(pBelow: number, pAtOrBelow: number, n: number): number {
  assertQuantilePair('bestOfNCorrection', pBelow, pAtOrBelow);
  assertPositiveInteger('bestOfNCorrection', 'n', n);
  // Rounding in exp/expm1 can step a hair outside the bound of eq (5); the bound is exact, so clamp.
  return Math.min(n, Math.max(1, Math.exp(logCorrection(pBelow, pAtOrBelow, n))));
}

/**
 * The logarithm of term (B) of eq (4), computed without forming B (so it stays accurate when ρ → 1).
 *
 * Formula: log B(y) = log(1 − ρ^N) − log(1 − ρ), ρ = p<(y)/p≤(y). Eq. (4) of the BOND paper; bounded in
 * [0, log N] by Eq. (5). Same edge cases as {@link bestOfNCorrection} (log B = 0 when p<(y) = 0).
 *
 * @example
 * logBestOfNCorrection(0, 0.5, 4); // 0
 */
export function logBestOfNCorrection(pBelow: number, pAtOrBelow: number, n: number): number {
  assertQuantilePair('logBestOfNCorrection', pBelow, pAtOrBelow);
  assertPositiveInteger('logBestOfNCorrection', 'n', n);
  return Math.min(Math.log(n), Math.max(0, logCorrection(pBelow, pAtOrBelow, n)));
}

function logCorrection(pBelow: number, pAtOrBelow: number, n: number): number {
  if (pBelow === 0) return 0;
  if (pBelow === pAtOrBelow) return Math.log(n);
  // log ρ via log1p when ρ is near 1, where 1 − ρ = (p≤ − p<)/p≤ is exact (Sterbenz) and ρ itself is not.
  const share = (pAtOrBelow - pBelow) / pAtOrBelow;
  const logRho = share < 0.5 ? Math.log1p(-share) : Math.log(pBelow / pAtOrBelow);
  return Math.log(-Math.expm1(n * logRho)) - Math.log(-Math.expm1(logRho));
}
