import * as tf from '@tensorflow/tfjs-core';
import { firstValueFrom, from, lastValueFrom, of, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BondInputError, createRng } from '../../src/core/index.js';
import { bestOfNDistribution } from '../../src/math/index.js';
import { StepMetrics, type Batch } from '../../src/operators/index.js';
import { fromFunction } from '../../src/reward/index.js';
import {
  bestOfNDraws,
  bestOfNSample,
  bestOfNSampling,
  BestOfNSamplingConfig,
  bestOfNSamplingDefaults,
  decodeConfig,
  type PipelineDeps,
} from '../../pipelines/index.js';
import { samePrompts, meanOf } from '../helpers/pipelineRun.js';
import { exactDistribution, LENGTH, REWARD_TABLE, sequenceIndex, SPACE, toyPolicy, toyReward } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const batchOf = (count: number): Batch => ({ step: 0, startedAt: performance.now(), prompts: samePrompts(count) });

describe('bestOfNSampling', () => {
  it('picks, per prompt, the draw with the highest reward, the later draw on ties', async () => {
    const policy = toyPolicy(3);
    // Reward = first token: only 4 values over 64 completions, so ties are frequent.
    const reward = fromFunction((x) => x.completionTokens[0] ?? 0, 'first-token');
    const deps: PipelineDeps = { policy, reference: policy, reward, rng: createRng(4) };
    const rec = await firstValueFrom(of(batchOf(50)).pipe(bestOfNDraws(deps, { n: 6, maxNewTokens: LENGTH })));
    let ties = 0;
    rec.policySamples.forEach((draws, i) => {
      const rewards = rec.policyRewards[i]!;
      expect(draws).toHaveLength(6);
      expect(rewards).toEqual(draws.map((g) => g.tokens[0]));
      // The slow way: scan for the maximum, keep the last index that attains it.
      const best = Math.max(...rewards);
      const last = rewards.lastIndexOf(best);
      ties += rewards.indexOf(best) !== last ? 1 : 0;
      expect(rec.bestOfN[i]).toBe(draws[last]);
    });
    expect(ties, 'prompts whose maximum is tied').toBeGreaterThan(10);
    policy.dispose();
  });

  it('draws from π_BoN: the empirical distribution of its outputs is within the sampling tolerance of bestOfNDistribution (eq 4; observed TV 0.038, tolerance 0.075 for 4000 draws)', async () => {
    const policy = toyPolicy(5);
    const n = 4;
    const samples = 4000;
    const chosen = await bestOfNSample({ policy, reference: policy, reward: toyReward, rng: createRng(6) }, { n, maxNewTokens: LENGTH }, samePrompts(samples));
    const counts = new Array<number>(SPACE).fill(0);
    chosen.forEach((g) => counts[sequenceIndex(g.tokens)]!++);
    const expected = bestOfNDistribution(exactDistribution(policy), REWARD_TABLE, n);
    const tv = 0.5 * counts.reduce((acc, c, i) => acc + Math.abs(c / samples - expected[i]!), 0);
    // E[TV] ≤ ½·Σ √(p(1−p)/S) (Jensen), and TV moves by at most 1/S per draw, so by McDiarmid it exceeds
    // its mean by more than √(ln(1000)/(2S)) with probability below 1/1000.
    const tolerance = 0.5 * expected.reduce((acc, p) => acc + Math.sqrt((p * (1 - p)) / samples), 0) + Math.sqrt(Math.log(1000) / (2 * samples));
    expect(tv).toBeLessThan(tolerance);
    // And it is not just π: Best-of-4 is far from the policy it samples (guards a vacuous tolerance).
    const tvToPolicy = 0.5 * counts.reduce((acc, c, i) => acc + Math.abs(c / samples - exactDistribution(policy)[i]!), 0);
    expect(tvToPolicy).toBeGreaterThan(3 * tolerance);
    policy.dispose();
  });

  it('emits one metrics line per batch about the chosen completions, and bestOfNSample returns them', async () => {
    const policy = toyPolicy(7);
    const config = decodeConfig(BestOfNSamplingConfig, bestOfNSamplingDefaults, { n: 3, maxNewTokens: LENGTH }, 'test config');
    const deps = (seed: number): PipelineDeps => ({ policy, reference: policy, reward: toyReward, rng: createRng(seed) });
    const before = tf.memory().numTensors;
    const metrics = await lastValueFrom(bestOfNSampling(deps(8), config)(from([samePrompts(5), samePrompts(5)])).pipe(toArray()));
    expect(tf.memory().numTensors, 'live tensors after sampling').toBe(before);
    expect(metrics.map((m) => m.step)).toEqual([0, 1]);
    expect(metrics.every((m) => StepMetrics.is(m) && m.tokens_per_s > 0 && m.loss_fw === undefined)).toBe(true);
    // The same seed replays the same draws: the first line is about the best of each prompt's 3 draws.
    const rec = await firstValueFrom(of(batchOf(5)).pipe(bestOfNDraws(deps(8), config)));
    const best = rec.policyRewards.map((rs) => Math.max(...rs));
    expect(metrics[0]!.reward_mean).toBeCloseTo(meanOf(best), 12);
    expect(metrics[0]!.entropy).toBeCloseTo(-meanOf(rec.policySamples.flat().map((g) => g.logProbs.reduce((a, b) => a + b, 0))), 9);
    expect(await bestOfNSample(deps(8), config, samePrompts(5))).toEqual(rec.bestOfN);
    policy.dispose();
  });

  it('refuses a config with n < 1, naming the field', () => {
    expect(() => decodeConfig(BestOfNSamplingConfig, bestOfNSamplingDefaults, { n: 0 }, 'sampling config')).toThrow(BondInputError);
    expect(() => decodeConfig(BestOfNSamplingConfig, bestOfNSamplingDefaults, { n: 0 }, 'sampling config')).toThrow(/sampling config: n: expected PositiveInt, got 0/);
  });
});
