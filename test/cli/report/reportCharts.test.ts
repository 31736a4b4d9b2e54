import { describe, expect, it } from 'vitest';
import type { StepMetrics } from '../../../src/operators/index.js';
import type { EvalResult } from '../../../src/cli/eval/evalResult.js';
import { reportCharts } from '../../../src/cli/report/reportCharts.js';

const metrics: StepMetrics[] = Array.from({ length: 7 }, (_, step) => ({
  step,
  reward_mean: step * step,
  reward_std: 1,
  entropy: 2,
  tokens_per_s: 100,
  step_ms: 10,
  non_finite_skips: 0,
  kl_ref: step / 10,
  ...(step % 2 === 0 ? { kl_anchor: step } : {}),
}));

const evaluation: EvalResult = {
  prompts: 4,
  policySamplesPerPrompt: 2,
  referenceSamplesPerPrompt: 4,
  maxNewTokens: 8,
  policy: { rewardMean: 0.7, rewardStd: 1, klRef: 0.4 },
  bestOfN: [{ n: 1, rewardMean: 0.1 }, { n: 4, rewardMean: 0.9 }],
  matched: { n: 2.5, bound: 'within' },
};

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('reportCharts', () => {
  it('plots the raw reward per step (numbered from 1) and its trailing moving mean', () => {
    const { reward } = reportCharts(metrics, undefined, 3);
    expect(reward.series[0]?.points).toEqual(metrics.map((m) => [m.step + 1, m.reward_mean]));
    const expected = metrics.map((_, i) => [i + 1, mean(metrics.slice(Math.max(0, i - 2), i + 1).map((x) => x.reward_mean))]);
    expect(reward.series[1]?.points).toEqual(expected);
  });

  it('averages only the steps that have a value (kl_anchor every other step)', () => {
    const { kl } = reportCharts(metrics, undefined, 2);
    expect(kl.series.map((s) => s.name)).toEqual(['KL(π‖π_ref)', 'KL(π‖π_anchor)']);
    // Step 2 (index 1) has no kl_anchor: its window [0, 1] holds only step 0's value.
    expect(kl.series[1]?.points.slice(0, 3)).toEqual([[1, 0], [2, 0], [3, 2]]);
  });

  it('plots reward against KL in blocks of `window` steps, plus Best-of-N at its KL bound and the evaluated policy', () => {
    const { rewardVsKl } = reportCharts(metrics, evaluation, 3);
    const blocks = [metrics.slice(0, 3), metrics.slice(3, 6), metrics.slice(6)].map((b) => [mean(b.map((m) => m.kl_ref ?? NaN)), mean(b.map((m) => m.reward_mean))]);
    expect(rewardVsKl.series[0]?.points).toEqual(blocks);
    expect(rewardVsKl.series[1]?.points).toEqual([[0, 0.1], [Math.log(4) - 3 / 4, 0.9]]);
    expect(rewardVsKl.series[2]?.points).toEqual([[0.4, 0.7]]);
    expect(reportCharts(metrics, undefined, 3).rewardVsKl.series).toHaveLength(1);
  });
});
