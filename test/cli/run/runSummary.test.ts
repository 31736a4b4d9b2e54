import { describe, expect, it } from 'vitest';
import type { StepMetrics } from '../../../src/operators/index.js';
import { runSummary } from '../../../src/cli/run/runSummary.js';

const step = (i: number, reward: number, klRef?: number, skips = 0): StepMetrics => ({
  step: i,
  reward_mean: reward,
  reward_std: 0,
  entropy: 1,
  tokens_per_s: 1,
  step_ms: 1,
  non_finite_skips: skips,
  ...(klRef === undefined ? {} : { kl_ref: klRef }),
});

describe('runSummary', () => {
  it('compares the mean reward, with its standard error, of the first and last fifth of the run', () => {
    const metrics = Array.from({ length: 20 }, (_, i) => step(i, i, i / 100, i === 19 ? 2 : 0));
    // First 4 steps: rewards 0..3, mean 1.5, sample sd √(5/3), standard error √(5/3)/2.
    const error = Math.sqrt(5 / 3) / 2;
    expect(runSummary(metrics)).toBe(
      [
        `reward: 1.500 ± ${error.toFixed(3)} at the start (mean of steps 1–4) → 17.500 ± ${error.toFixed(3)} at the end (steps 17–20)`,
        'KL(π ‖ π_ref) at the end: 0.175 (k1 estimate, steps 17–20)',
        'non-finite updates skipped: 2',
        '',
      ].join('\n'),
    );
  });

  it('uses at most 40 steps, at least 1, and says when KL was not measured', () => {
    expect(runSummary(Array.from({ length: 500 }, (_, i) => step(i, 1, 0)))).toContain('(mean of steps 1–40)');
    expect(runSummary([step(0, 2)])).toContain('reward: 2.000 at the start (mean of step 1) → 2.000 at the end (step 1)');
    expect(runSummary([step(0, 2)])).toContain('KL(π ‖ π_ref) at the end: not measured');
    expect(runSummary([])).toBe('no steps were run\n');
  });
});
