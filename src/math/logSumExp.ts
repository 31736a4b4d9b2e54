import { assertComparable } from './validate.js';

/**
 * log Σᵢ exp(xᵢ), computed without overflow or underflow.
 *
 * Formula: m + log Σᵢ exp(xᵢ − m) with m = maxᵢ xᵢ; −Infinity for an empty list or all −Infinity.
 * A helper for the log-space forms of Eqs. (4), (7) and (14) of the BOND paper.
 *
 * @example
 * logSumExp([1000, 1000]); // 1000 + Math.log(2)
 */
export function logSumExp(xs: ReadonlyArray<number>): number {
  assertComparable('logSumExp', 'xs', xs);
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/**
 * The softmax of a vector of logits: the distribution a softmax policy puts on its support.
 *
 * Formula: softmax(x)ᵢ = exp(xᵢ − logSumExp(x)). Used for the closed form of eq (7),
 * π(y) ∝ π_ref(y)·exp(r(y)/β), in the BOND paper.
 *
 * @example
 * softmax([0, Math.log(3)]); // [0.25, 0.75]
 */
export function softmax(logits: ReadonlyArray<number>): number[] {
  const lse = logSumExp(logits);
  return logits.map((x) => Math.exp(x - lse));
}
