import type { StepMetrics } from '../../operators/index.js';
import { mean } from '../../operators/stats.js';

/**
 * The printed summary of a training run: the mean reward over the first and the last few steps (a
 * fifth of the run, 1 to 40 steps: single steps are noisy, all the more with a sparse reward) with the
 * standard error of each mean (from
 * the spread of the per-step means, so a reader can tell a gain from noise), the KL to the reference
 * over the last few steps, and the number of skipped non-finite updates.
 *
 * @example
 * runSummary(run.readMetrics());
 * // reward: 0.412 ± 0.031 at the start (mean of steps 1–40) → 1.874 ± 0.040 at the end (steps 161–200)
 * // KL(π ‖ π_ref) at the end: 2.310 (k1 estimate, steps 161–200)
 * // non-finite updates skipped: 0
 */
export function runSummary(metrics: ReadonlyArray<StepMetrics>): string {
  if (metrics.length === 0) return 'no steps were run\n';
  const k = Math.max(1, Math.min(40, Math.floor(metrics.length / 5)));
  const first = metrics.slice(0, k);
  const last = metrics.slice(-k);
  const range = (ms: ReadonlyArray<StepMetrics>): string => {
    const a = (ms[0]?.step ?? 0) + 1;
    const b = (ms[ms.length - 1]?.step ?? 0) + 1;
    return a === b ? `step ${a}` : `steps ${a}–${b}`;
  };
  const kl = last.flatMap((m) => (m.kl_ref === undefined ? [] : [m.kl_ref]));
  return [
    `reward: ${meanAndError(first.map((m) => m.reward_mean))} at the start (mean of ${range(first)}) → ${meanAndError(last.map((m) => m.reward_mean))} at the end (${range(last)})`,
    `KL(π ‖ π_ref) at the end: ${kl.length === 0 ? 'not measured' : `${mean(kl).toFixed(3)} (k1 estimate, ${range(last)})`}`,
    `non-finite updates skipped: ${metrics[metrics.length - 1]?.non_finite_skips ?? 0}`,
    '',
  ].join('\n');
}

/** `mean ± standard error` (the error only with at least two values). */
function meanAndError(xs: ReadonlyArray<number>): string {
  const m = mean(xs);
  if (xs.length < 2) return m.toFixed(3);
  const variance = xs.reduce((acc, x) => acc + (x - m) ** 2, 0) / (xs.length - 1);
  return `${m.toFixed(3)} ± ${Math.sqrt(variance / xs.length).toFixed(3)}`;
}
