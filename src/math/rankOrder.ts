import { assertComparable } from './validate.js';

/**
 * The support indices sorted from worst to best under the strict total order of footnote 1 of the BOND
 * paper: `i` is better than `j` when `rewards[i] > rewards[j]`, or when the rewards are equal and
 * `i > j` (among equal rewards the higher index counts as better).
 *
 * Formula: sort indices by the pair (rewards[i], i), ascending. O(K log K).
 *
 * @example
 * rankOrder([0.3, 0.1, 0.3]); // [1, 0, 2]: index 2 beats index 0 on the tie
 */
export function rankOrder(rewards: ReadonlyArray<number>): number[] {
  assertComparable('rankOrder', 'rewards', rewards);
  return rewards.map((_, i) => i).sort((i, j) => (rewards[i] as number) - (rewards[j] as number) || i - j);
}
