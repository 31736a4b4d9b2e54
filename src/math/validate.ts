/**
 * The one place where `src/math` checks its arguments. Every check throws a `RangeError` whose message
 * follows the house pattern `<where>: <argument>: expected <what>, got <value>`, so a caller sees which
 * function and which argument were wrong without reading a stack trace.
 */

/** How far from 1 a probability vector's sum may be: enough for rounding, far too little for a bug. */
export const SUM_TOLERANCE = 1e-9;

/**
 * Throws unless `p` is a probability vector: every entry finite and ≥ 0, and the entries summing to 1
 * within {@link SUM_TOLERANCE}. Returns the sum, so callers that renormalise need not add again.
 *
 * @example
 * assertDistribution('bestOfNDistribution', 'ref', [0.5, 0.2]);
 * // RangeError: bestOfNDistribution: ref: expected probabilities summing to 1 (±1e-9), got sum 0.7
 */
export function assertDistribution(where: string, name: string, p: ReadonlyArray<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const x = p[i] as number;
    if (!Number.isFinite(x) || x < 0) {
      throw new RangeError(`${where}: ${name}: expected non-negative finite probabilities, got ${name}[${i}] = ${x}`);
    }
    sum += x;
  }
  if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
    throw new RangeError(`${where}: ${name}: expected probabilities summing to 1 (±${SUM_TOLERANCE}), got sum ${sum}`);
  }
  return sum;
}

/**
 * Throws unless `b` has as many entries as `a` (e.g. one reward per support element).
 *
 * @example
 * assertSameLength('quantiles', 'ref', [1], 'rewards', [0, 1]);
 * // RangeError: quantiles: rewards: expected length 1 (the length of ref), got length 2
 */
export function assertSameLength(
  where: string,
  nameA: string,
  a: ReadonlyArray<unknown>,
  nameB: string,
  b: ReadonlyArray<unknown>,
): void {
  if (a.length !== b.length) {
    throw new RangeError(`${where}: ${nameB}: expected length ${a.length} (the length of ${nameA}), got length ${b.length}`);
  }
}

/**
 * Throws unless `n` is an integer ≥ `min` (1 by default): a Best-of-N sample size, a repetition count.
 *
 * @example
 * assertPositiveInteger('bestOfNDistribution', 'n', 0);
 * // RangeError: bestOfNDistribution: n: expected an integer ≥ 1, got 0
 */
export function assertPositiveInteger(where: string, name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${where}: ${name}: expected an integer ≥ ${min}, got ${n}`);
  }
}

/**
 * Throws unless no entry of `xs` is NaN (rewards may be ±Infinity: they still order).
 *
 * @example
 * assertComparable('quantiles', 'rewards', [0, NaN]);
 * // RangeError: quantiles: rewards: expected numbers that are not NaN, got rewards[1] = NaN
 */
export function assertComparable(where: string, name: string, xs: ReadonlyArray<number>): void {
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i])) throw new RangeError(`${where}: ${name}: expected numbers that are not NaN, got ${name}[${i}] = NaN`);
  }
}

/**
 * Throws unless `x` is a number in [0, 1 + {@link SUM_TOLERANCE}] (the slack admits sums of masses that
 * round just above 1).
 *
 * @example
 * assertProbability('expectedJBondReward', 'pAtOrBelow', 1.5);
 * // RangeError: expectedJBondReward: pAtOrBelow: expected a probability in [0, 1], got 1.5
 */
export function assertProbability(where: string, name: string, x: number): void {
  if (!(x >= 0 && x <= 1 + SUM_TOLERANCE)) {
    throw new RangeError(`${where}: ${name}: expected a probability in [0, 1], got ${x}`);
  }
}

/**
 * Throws unless `0 ≤ pBelow ≤ pAtOrBelow ≤ 1`, the only pairs eqs (2) and (3) can produce.
 *
 * @example
 * assertQuantilePair('bondReward', 0.6, 0.5);
 * // RangeError: bondReward: pBelow: expected a probability ≤ pAtOrBelow (0.5), got 0.6
 */
export function assertQuantilePair(where: string, pBelow: number, pAtOrBelow: number): void {
  assertProbability(where, 'pBelow', pBelow);
  assertProbability(where, 'pAtOrBelow', pAtOrBelow);
  if (pBelow > pAtOrBelow) {
    throw new RangeError(`${where}: pBelow: expected a probability ≤ pAtOrBelow (${pAtOrBelow}), got ${pBelow}`);
  }
}

/**
 * Throws if `x` is NaN (a reward that cannot be compared with anything).
 *
 * @example
 * assertNotNaN('jbondReward', 'r', NaN);
 * // RangeError: jbondReward: r: expected a number that is not NaN, got NaN
 */
export function assertNotNaN(where: string, name: string, x: number): void {
  if (Number.isNaN(x)) throw new RangeError(`${where}: ${name}: expected a number that is not NaN, got NaN`);
}

/**
 * Throws unless `xs` has at least one entry.
 *
 * @example
 * assertNonEmpty('mcQuantile', 'sampleRewards', []);
 * // RangeError: mcQuantile: sampleRewards: expected at least one entry, got length 0
 */
export function assertNonEmpty(where: string, name: string, xs: ReadonlyArray<unknown>): void {
  if (xs.length === 0) throw new RangeError(`${where}: ${name}: expected at least one entry, got length 0`);
}

/**
 * Throws unless `x` lies in the closed interval [0, 1] (a mixing weight such as β of eq (11)).
 *
 * @example
 * assertUnitInterval('jeffreysDivergence', 'beta', 2);
 * // RangeError: jeffreysDivergence: beta: expected a number in [0, 1], got 2
 */
export function assertUnitInterval(where: string, name: string, x: number): void {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${where}: ${name}: expected a number in [0, 1], got ${x}`);
}
