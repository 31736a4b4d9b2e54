import type { Generation } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import { readLogProbs, sampleRows } from './logProbs.js';
import type { SurrogateTerm } from './records.js';
import { mean } from './stats.js';

/**
 * Options of {@link policyGradientTerm}: the return R = rewardScale·r(y) − klScale·(log π(y) − log π_ref(y)).
 *
 * @example
 * const bond8: PolicyGradientOptions = { reference, rewardScale: 7, klScale: 1 }; // eq (15) with N = 8
 */
export interface PolicyGradientOptions {
  /** π_ref of the return's KL penalty: the anchor for J-BOND, the reference for BOND and REINFORCE. */
  readonly reference: Policy;
  /** (N − 1) for BOND's eq (15) (1 for J-BOND's N = 2); 1 for REINFORCE. */
  readonly rewardScale: number;
  /** 1 for BOND's eq (15) ((N − 1)·β_BOND = 1); β_RL for REINFORCE's eq (1). */
  readonly klScale: number;
}

/**
 * A policy-gradient (REINFORCE) term over the policy samples y ∼ π, each with its equivalent reward r(y):
 * return R = rewardScale·r(y) − klScale·(log π(y) − log π_ref(y)), leave-one-out baseline b (see
 * {@link leaveOneOutBaseline}), surrogate coefficients −(R − b)/M over the M samples, so that its gradient is
 * −E_π[∇log π(y)·(R − b)]. With rewardScale = N − 1 and klScale = 1 this is eq (15) of the BOND paper
 * exactly — deliberately not divided by N − 1, which would rescale the backward term against the
 * forward one and silently change what β means. The reported value −mean(R) estimates
 * KL(π ‖ π_BoN) = E_π[log π − log π_BoN] (eq (14)), since log π_BoN = log π_ref + (N − 1)·r_BOND.
 *
 * @example
 * policyGradientTerm(rec.policySamples, rec.jbondRewards, { reference: anchor, rewardScale: 1, klScale: 1 });
 */
export function policyGradientTerm(
  samples: ReadonlyArray<ReadonlyArray<Generation>>,
  rewards: ReadonlyArray<ReadonlyArray<number>>,
  options: PolicyGradientOptions,
): SurrogateTerm {
  const rows = sampleRows(samples);
  const refLogProbs = readLogProbs(options.reference, rows.prompts, rows.completions);
  let k = 0;
  const returns = samples.map((group, i) =>
    group.map((_, j) => {
      const r = rewards[i]?.[j];
      if (r === undefined) throw new RangeError(`policyGradientTerm: expected a reward for sample ${j} of prompt ${i}, got none`);
      const klPenalty = (rows.logProbs[k] as number) - (refLogProbs[k] as number);
      k++;
      return options.rewardScale * r - options.klScale * klPenalty;
    }),
  );
  const baselines = leaveOneOutBaseline(returns).flat();
  const flatReturns = returns.flat();
  return {
    prompts: rows.prompts,
    completions: rows.completions,
    coefficients: flatReturns.map((ret, m) => -(ret - (baselines[m] as number)) / flatReturns.length),
    value: -mean(flatReturns),
  };
}

/**
 * The leave-one-out baseline: each return's baseline is the mean return of the other samples of the same
 * prompt (as REINFORCE with 2 samples per prompt in Section 6), or, when some prompt has a single sample
 * (J-BOND's 1 policy sample per prompt), of every other sample in the batch ("average return of the other
 * generations in the batch", Algorithm 2). Leaving the sample itself out keeps the gradient unbiased. A
 * lone sample gets baseline 0.
 *
 * @example
 * leaveOneOutBaseline([[1, 3], [5, 7]]); // [[3, 1], [7, 5]]
 * leaveOneOutBaseline([[1], [3], [5]]); // [[4], [3], [2]]
 */
export function leaveOneOutBaseline(returns: ReadonlyArray<ReadonlyArray<number>>): number[][] {
  const others = (xs: ReadonlyArray<number>): number[] => {
    const total = xs.reduce((a, b) => a + b, 0);
    return xs.map((x) => (xs.length > 1 ? (total - x) / (xs.length - 1) : 0));
  };
  if (returns.every((group) => group.length >= 2)) return returns.map(others);
  const flat = others(returns.flat());
  let k = 0;
  return returns.map((group) => group.map(() => flat[k++] as number));
}
