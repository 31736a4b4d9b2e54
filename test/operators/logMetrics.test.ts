import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { logMetrics, StepMetrics, type SurrogateTerm } from '../../src/operators/index.js';
import { runStage, toyBatch } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const term = (value: number): SurrogateTerm => ({ prompts: [], completions: [], coefficients: [], value });
const gen = (n: number) => ({ prompt: [0], tokens: Array.from({ length: n }, () => 1), logProbs: Array.from({ length: n }, () => -1) });

describe('logMetrics', () => {
  it('maps a J-BOND-like record to the snake_case StepMetrics line and hands it to the sink', async () => {
    const seen: StepMetrics[] = [];
    const rec = {
      ...toyBatch(2, 7),
      startedAt: performance.now() - 50,
      policySamples: [[gen(3)], [gen(3)]],
      anchorSamples: [[gen(3), gen(3)], [gen(3), gen(3)]],
      evaluation: { exact: true, rewardMean: 0.4, rewardStd: 0.2, entropy: 3.1, klRef: 0.01, klAnchor: 0.002, logQuantile: -0.6, klFwdBon: 0.3, klBwdBon: 0.2 },
      lossFw: term(4.2),
      lossBw: term(0.1),
      lossReg: term(0.002),
      update: { loss: 2.1, gradNorm: 1.5, skipped: false },
      nonFiniteSkips: 1,
    };
    const m = await runStage(logMetrics((x) => seen.push(x)), rec);
    expect(seen).toEqual([m]);
    expect(StepMetrics.is(m)).toBe(true);
    expect(m).toMatchObject({
      step: 7, reward_mean: 0.4, reward_std: 0.2, entropy: 3.1, kl_ref: 0.01, kl_anchor: 0.002, log_quantile: -0.6,
      loss_fw: 4.2, loss_bw: 0.1, loss_reg: 0.002, grad_norm: 1.5, kl_fwd_bon: 0.3, kl_bwd_bon: 0.2, non_finite_skips: 1,
    });
    expect(m.step_ms).toBeGreaterThanOrEqual(50);
    // 18 sampled tokens (2 policy + 4 anchor samples of 3) over step_ms.
    expect(m.tokens_per_s).toBeCloseTo((18 * 1000) / m.step_ms, 0);
  });

  it('leaves out what the step does not have and non-finite values (JSON has no NaN)', async () => {
    const rec = { ...toyBatch(1), evaluation: { exact: false, rewardMean: 1, rewardStd: 0, entropy: 2 }, update: { loss: NaN, gradNorm: NaN, skipped: true } };
    const m = await runStage(logMetrics(), rec);
    expect(Object.keys(m).sort()).toEqual(['entropy', 'non_finite_skips', 'reward_mean', 'reward_std', 'step', 'step_ms', 'tokens_per_s']);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
});
