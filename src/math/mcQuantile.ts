import { assertComparable, assertNonEmpty, assertNotNaN } from './validate.js';

/**
 * The Monte-Carlo estimate of the quantile p≤(y) from k reference samples' rewards.
 *
 * Formula: p̂≤(y) = (1/k) · Σ_{i=1..k} 𝕀{r(yᵢ) ≤ r(y)}. Eq. (10) of the BOND paper.
 * Ties in reward count as "at or below" (the samples carry no index to break them), so this is an
 * unbiased estimate of P_{y′∼π_ref}[r(y′) ≤ r(y)].
 *
 * @example
 * mcQuantile(0.5, [0.1, 0.5, 0.9, 0.7]); // 0.5
 */
export function mcQuantile(r: number, sampleRewards: ReadonlyArray<number>): number {
  assertNotNaN('mcQuantile', 'r', r);
  assertNonEmpty('mcQuantile', 'sampleRewards', sampleRewards);
  assertComparable('mcQuantile', 'sampleRewards', sampleRewards);
  let count = 0;
  for (const s of sampleRewards) if (s <= r) count++;
  return count / sampleRewards.length;
}
