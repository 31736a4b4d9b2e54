import type { StepMetrics } from '../../operators/index.js';
import { mean } from '../../operators/stats.js';
import type { EvalResult } from '../eval/evalResult.js';
import type { ChartSpec } from './plots.js';

/**
 * The three charts of a run report, as chart specs (rendered by `lineChartSvg` / `scatterChartSvg`).
 *
 * @example
 * const { reward, kl, rewardVsKl }: ReportCharts = reportCharts(metrics);
 */
export interface ReportCharts {
  /** Reward per step and its moving average (line chart). */
  readonly reward: ChartSpec;
  /** KL(π ‖ π_ref) and KL(π ‖ π_anchor) per step, as moving averages (line chart). */
  readonly kl: ChartSpec;
  /** Reward against KL to the reference (scatter chart), as in Figure 4 of the BOND paper. */
  readonly rewardVsKl: ChartSpec;
}

/**
 * Builds the report's charts from a run's metrics (and its evaluation, if any). Single steps are noisy,
 * so the KL chart and the trade-off chart use means over windows of `window` steps (default: a
 * tenth of the run, at least 1); the reward chart shows both the raw per-step values and the moving
 * mean. The trade-off chart adds, from `eval.json`, the policy's point and Best-of-N of the reference at
 * its KL upper bound log N − (N − 1)/N, the curve J-BOND aims to reach with one sample.
 *
 * @example
 * const charts = reportCharts(run.readMetrics(), evalResult);
 * writeFileSync('reward.svg', await lineChartSvg(charts.reward));
 */
export function reportCharts(metrics: ReadonlyArray<StepMetrics>, evaluation?: EvalResult, window = Math.max(1, Math.round(metrics.length / 10))): ReportCharts {
  const step = (m: StepMetrics): number => m.step + 1;
  const movingMean = (pick: (m: StepMetrics) => number | undefined): Array<readonly [number, number]> =>
    metrics.flatMap((m, i) => {
      const values = metrics.slice(Math.max(0, i - window + 1), i + 1).flatMap((x) => {
        const v = pick(x);
        return v === undefined ? [] : [v];
      });
      return values.length === 0 ? [] : [[step(m), mean(values)] as const];
    });
  const blocks = chunks(metrics, window).map((ms) => [mean(ms.flatMap((m) => (m.kl_ref === undefined ? [] : [m.kl_ref]))), mean(ms.map((m) => m.reward_mean))] as const);
  const label = `${window}-step mean`;
  // Series names stay short: Vega-Lite truncates legend labels.
  return {
    reward: {
      title: 'Reward of the policy’s samples',
      xLabel: 'step',
      yLabel: 'mean reward',
      series: [
        { name: 'per step', points: metrics.map((m) => [step(m), m.reward_mean] as const) },
        { name: label, points: movingMean((m) => m.reward_mean) },
      ],
    },
    kl: {
      title: `KL divergence (k1 estimate, ${label})`,
      xLabel: 'step',
      yLabel: 'KL',
      series: [
        { name: 'KL(π‖π_ref)', points: movingMean((m) => m.kl_ref) },
        ...(metrics.some((m) => m.kl_anchor !== undefined) ? [{ name: 'KL(π‖π_anchor)', points: movingMean((m) => m.kl_anchor) }] : []),
      ],
    },
    rewardVsKl: {
      title: `Reward vs KL to the reference (training: ${label}s)`,
      xLabel: evaluation === undefined ? 'KL(π‖π_ref)' : 'KL(π‖π_ref); Best-of-N at its bound log N − (N−1)/N',
      yLabel: 'mean reward',
      series: [
        { name: 'training', points: blocks },
        ...(evaluation === undefined
          ? []
          : [
              { name: 'Best-of-N of π_ref', points: evaluation.bestOfN.map((p) => [Math.log(p.n) - (p.n - 1) / p.n, p.rewardMean] as const) },
              { name: 'policy (eval)', points: [[evaluation.policy.klRef, evaluation.policy.rewardMean] as const] },
            ]),
      ],
    },
  };
}

function chunks<T>(xs: ReadonlyArray<T>, size: number): T[][] {
  return Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
}
