import { rankOrder } from './rankOrder.js';
import { assertDistribution, assertSameLength } from './validate.js';

/** The reward quantiles of every support element under the reference distribution. */
export interface Quantiles {
  /** p<(y): reference mass strictly worse than `y`, eq (2). */
  readonly below: number[];
  /** p≤(y) = p<(y) + π_ref(y): reference mass not better than `y`, eq (3). */
  readonly atOrBelow: number[];
  /**
   * 1 − p≤(y): reference mass strictly better than `y`, summed from the top so that it keeps full
   * relative precision where p≤(y) is within rounding of 1.
   */
  readonly above: number[];
}

/**
 * The quantiles p<(y) and p≤(y) of every support element y under the reference distribution.
 *
 * Formula: p<(y) = Σ_{y' worse than y} π_ref(y'), p≤(y) = p<(y) + π_ref(y).
 * Eqs. (2) and (3) of the BOND paper.
 *
 * "Worse" is the strict total order of footnote 1: a lower reward, or an equal reward and a lower index
 * (among equal rewards the higher index counts as better). So p≤(y) − p<(y) = π_ref(y) exactly, as the
 * proof of Theorem 1 needs, and the worst element has p<(y) = 0. O(K log K).
 *
 * @example
 * quantiles([0.5, 0.25, 0.25], [1, 0, 1]);
 * // { below: [0.25, 0, 0.75], atOrBelow: [0.75, 0.25, 1], above: [0.25, 0.75, 0] }
 */
export function quantiles(ref: ReadonlyArray<number>, rewards: ReadonlyArray<number>): Quantiles {
  assertDistribution('quantiles', 'ref', ref);
  assertSameLength('quantiles', 'ref', ref, 'rewards', rewards);
  const order = rankOrder(rewards);
  const below = new Array<number>(ref.length);
  const atOrBelow = new Array<number>(ref.length);
  const above = new Array<number>(ref.length);
  let cumulative = 0;
  for (const i of order) {
    below[i] = cumulative;
    cumulative += ref[i] as number;
    atOrBelow[i] = cumulative;
  }
  cumulative = 0;
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k] as number;
    above[i] = cumulative;
    cumulative += ref[i] as number;
  }
  return { below, atOrBelow, above };
}
