/**
 * The mean reward of Best-of-N sampling, estimated from M ≥ N samples of the reference per prompt, and the
 * N whose Best-of-N a single-sample policy matches: the headline number of a BOND run (Section 5 of the
 * BOND paper: J-BOND aims for one sample as good as the Best-of-N of the reference).
 */

/**
 * The mean reward of Best-of-N of the reference, for one N.
 *
 * @example
 * const point: BestOfNPoint = { n: 4, rewardMean: 0.22 };
 */
export interface BestOfNPoint {
  readonly n: number;
  readonly rewardMean: number;
}

/**
 * E[max of N rewards] estimated without bias from M i.i.d. rewards of one prompt, by averaging the
 * maximum over every N-subset of the M draws (a U-statistic): with the rewards sorted ascending,
 * `Σ_{i=N}^{M} r_(i) · C(i−1, N−1) / C(M, N)`, since r_(i) is the maximum of exactly C(i−1, N−1) subsets.
 * Uses every draw for every N, so one batch of M = 16 samples gives the whole curve N = 1…16.
 *
 * @example
 * expectedMaxOfN([1, 2, 3], 1); // 2 (the mean)
 * expectedMaxOfN([1, 2, 3], 2); // (2 + 3 + 3) / 3 = 8/3
 * expectedMaxOfN([1, 2, 3], 3); // 3
 */
export function expectedMaxOfN(rewards: ReadonlyArray<number>, n: number): number {
  const m = rewards.length;
  if (!(Number.isInteger(n) && n >= 1 && n <= m)) {
    throw new RangeError(`expectedMaxOfN: expected n an integer in [1, ${m}] (the number of rewards), got ${n}`);
  }
  const sorted = [...rewards].sort((a, b) => a - b);
  const logTotal = logChoose(m, n);
  let sum = 0;
  for (let i = n; i <= m; i++) sum += (sorted[i - 1] as number) * Math.exp(logChoose(i - 1, n - 1) - logTotal);
  return sum;
}

/**
 * Where a policy's mean reward falls on the Best-of-N curve of the reference.
 *
 * @example
 * const matched: MatchedN = { n: 1.5, bound: 'within' };
 */
export interface MatchedN {
  /** N interpolated linearly in log N between the two bracketing points of the curve. */
  readonly n: number;
  /** `below`: worse than one reference sample; `above`: better than the largest N measured. */
  readonly bound: 'within' | 'below' | 'above';
}

/**
 * The N for which Best-of-N of the reference has the policy's mean reward, interpolating linearly in
 * log N between the measured points (Best-of-N reward grows roughly like log N; cf. the KL bound
 * log N − (N−1)/N of Best-of-N). The curve must be sorted by N with non-decreasing rewards (as
 * {@link expectedMaxOfN} gives); on a flat stretch the smallest matching N is returned. Outside the
 * curve, the nearest end is returned with `bound` saying so.
 *
 * @example
 * matchingN(1.5, [{ n: 1, rewardMean: 1 }, { n: 4, rewardMean: 2 }]); // { n: 2, bound: 'within' }
 * matchingN(0, [{ n: 1, rewardMean: 1 }, { n: 4, rewardMean: 2 }]);   // { n: 1, bound: 'below' }
 */
export function matchingN(policyReward: number, curve: ReadonlyArray<BestOfNPoint>): MatchedN {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('matchingN: expected a non-empty Best-of-N curve, got none');
  if (policyReward < first.rewardMean) return { n: first.n, bound: 'below' };
  if (policyReward > last.rewardMean) return { n: last.n, bound: 'above' };
  for (let k = 1; k < curve.length; k++) {
    const a = curve[k - 1] as BestOfNPoint;
    const b = curve[k] as BestOfNPoint;
    if (policyReward <= b.rewardMean) {
      if (policyReward <= a.rewardMean) return { n: a.n, bound: 'within' };
      if (policyReward === b.rewardMean) return { n: b.n, bound: 'within' }; // exactly, without exp(log) rounding
      const fraction = (policyReward - a.rewardMean) / (b.rewardMean - a.rewardMean);
      return { n: Math.exp(Math.log(a.n) + fraction * (Math.log(b.n) - Math.log(a.n))), bound: 'within' };
    }
  }
  return { n: first.n, bound: 'within' }; // a one-point curve equal to the policy's reward
}

/** log C(a, b) as a sum of logs, exact enough and free of overflow for any sample count. */
function logChoose(a: number, b: number): number {
  let s = 0;
  for (let k = 1; k <= b; k++) s += Math.log(a - b + k) - Math.log(k);
  return s;
}
