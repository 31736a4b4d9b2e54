import type { StepMetrics } from '../../operators/index.js';

/**
 * The printed summary of a training run: the mean reward over the first and the last few steps (a
 * tenth of the run, 1 to 10 steps: single steps are noisy), the KL to the reference over the last few,
 * and the number of skipped non-finite updates.
 *
 * @example
 * runSummary(run.readMetrics());
 * // reward: 0.412 at the start (mean of steps 1–10) → 1.874 at the end (steps 191–200)
 * // KL(π ‖ π_ref) at the end: 2.310 (k1 estimate, steps 191–200)
 * // non-finite updates skipped: 0
 */
export function runSummary(metrics: ReadonlyArray<StepMetrics>): string {
  if (metrics.length === 0) return 'no steps were run\n';
  const k = Math.max(1, Math.min(10, Math.floor(metrics.length / 10)));
  const first = metrics.slice(0, k);
  const last = metrics.slice(-k);
  const range = (ms: ReadonlyArray<StepMetrics>): string => {
    const a = (ms[0]?.step ?? 0) + 1;
    const b = (ms[ms.length - 1]?.step ?? 0) + 1;
    return a === b ? `step ${a}` : `steps ${a}–${b}`;
  };
  const kl = last.flatMap((m) => (m.kl_ref === undefined ? [] : [m.kl_ref]));
  return [
    `reward: ${mean(first.map((m) => m.reward_mean)).toFixed(3)} at the start (mean of ${range(first)}) → ${mean(last.map((m) => m.reward_mean)).toFixed(3)} at the end (${range(last)})`,
    `KL(π ‖ π_ref) at the end: ${kl.length === 0 ? 'not measured' : `${mean(kl).toFixed(3)} (k1 estimate, ${range(last)})`}`,
    `non-finite updates skipped: ${metrics[metrics.length - 1]?.non_finite_skips ?? 0}`,
    '',
  ].join('\n');
}

function mean(xs: ReadonlyArray<number>): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
