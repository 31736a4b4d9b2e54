import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { bestOfNDistribution, klDivergence } from '../../src/math/index.js';
import { StepMetrics } from '../../src/operators/index.js';
import {
  bond,
  BondConfig,
  bondDefaults,
  decodeConfig,
  iterativeBond,
  IterativeBondConfig,
  iterativeBondDefaults,
  type TrainingDeps,
} from '../../pipelines/index.js';
import { factorizedPolicy, meanOf, runSteps, toyDeps } from '../helpers/pipelineRun.js';
import { exactDistribution, expectedReward, LENGTH, REWARD_TABLE, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const training = { learningRate: 0.05, warmupSteps: 0, maxNewTokens: LENGTH, clipNorm: 100, policySamples: 4, beta: 0.5 };
const config = (overrides: object = {}): IterativeBondConfig =>
  decodeConfig(IterativeBondConfig, iterativeBondDefaults, { ...training, ...overrides }, 'test config');

const deps = toyDeps;

describe('iterativeBond', () => {
  it('keeps raising the exact expected reward after fixed-N BOND has plateaued (Figure 4; observed quarter means 0.58 → 0.77 → 0.85 → 0.91, vs 0.61 → 0.62 → 0.64 → 0.64 for N = 4)', async () => {
    const steps = 400;
    /** Exact expected reward of π after every step, averaged per quarter of the run. */
    const quarters = async (pipeline: (d: TrainingDeps) => Parameters<typeof runSteps>[0]): Promise<number[]> => {
      const reference = factorizedPolicy(1);
      const policy = reference.clone();
      const rewards: number[] = [];
      await runSteps(pipeline(deps(policy, reference, 7)), steps, 4, () => rewards.push(expectedReward(exactDistribution(policy))));
      [policy, reference].forEach((p) => p.dispose());
      return [0, 1, 2, 3].map((q) => meanOf(rewards.slice((q * steps) / 4, ((q + 1) * steps) / 4)));
    };
    const fixed = await quarters((d) => bond(d, decodeConfig(BondConfig, bondDefaults, { ...training, n: 4 }, 'test config')));
    const iterative = await quarters((d) => iterativeBond(d, config({ n: 2, anchorEvery: 50 })));
    const bestOf4 = (() => {
      const reference = factorizedPolicy(1);
      const reward = expectedReward(bestOfNDistribution(exactDistribution(reference), REWARD_TABLE, 4));
      reference.dispose();
      return reward;
    })();
    // Fixed N = 4 saturates: the last quarter is within 0.05 of the second.
    expect(Math.abs(fixed[3]! - fixed[1]!)).toBeLessThan(0.05);
    // Iterative n = 2 keeps improving, quarter after quarter, and ends well above the plateau.
    iterative.slice(1).forEach((r, q) => expect(r, `quarter ${q + 1} vs ${q}`).toBeGreaterThan(iterative[q]!));
    expect(iterative[3]! - iterative[1]!).toBeGreaterThan(0.1);
    expect(iterative[3]!).toBeGreaterThan(fixed[3]! + 0.1);
    // It even beats exact Best-of-4 sampling from π_ref (0.72), the best BOND with N = 4 could reach.
    expect(iterative[3]!).toBeGreaterThan(bestOf4);
  });

  it('resets the anchor to the policy after every K-th step and leaves it alone in between', async () => {
    const reference = toyPolicy(21);
    const policy = reference.clone();
    const anchor = reference.clone();
    const anchorMatchesPolicy: boolean[] = [];
    await runSteps(iterativeBond(deps(policy, reference, 22, { anchor }), config({ anchorEvery: 3, mcSamples: 4 })), 7, 2, () =>
      anchorMatchesPolicy.push(klDivergence(exactDistribution(policy), exactDistribution(anchor)) === 0),
    );
    // Steps 2 and 5 end with π_anchor ← π_t; after the others the policy has moved away from the anchor.
    expect(anchorMatchesPolicy).toEqual([false, false, true, false, false, true, false]);
    [policy, reference, anchor].forEach((p) => p.dispose());
  });

  it('reports exact KLs against Best-of-n of the current anchor, with the same live tensors after step 1 and the last step', async () => {
    const reference = toyPolicy(23);
    const policy = reference.clone();
    const before = tf.memory().numTensors;
    const { metrics, tensors } = await runSteps(
      iterativeBond(deps(policy, reference, 24, { enumeration: { length: LENGTH } }), config({ anchorEvery: 5, quantiles: 'exact' })),
      12,
      2,
    );
    const ref = exactDistribution(reference);
    const bo2 = bestOfNDistribution(ref, REWARD_TABLE, 2);
    // Step 0: π = π_anchor = π_ref.
    expect(metrics[0]!.kl_fwd_bon).toBeCloseTo(klDivergence(bo2, ref), 6);
    expect(metrics[0]!.kl_anchor).toBeCloseTo(0, 9);
    // Step 5 starts right after the reset at the end of step 4: π_5 = π_anchor again.
    expect(metrics[5]!.kl_anchor).toBeCloseTo(0, 9);
    expect(metrics[5]!.kl_ref).toBeGreaterThan(0.01);
    expect(metrics.every((m) => StepMetrics.is(m) && m.non_finite_skips === 0)).toBe(true);
    expect(tensors[11]).toBe(tensors[0]);
    expect(tf.memory().numTensors, 'the created anchor and optimizer are freed').toBe(before);
    [policy, reference].forEach((p) => p.dispose());
  });

  it('refuses a zero anchor period, naming the field', () => {
    expect(() => decodeConfig(IterativeBondConfig, iterativeBondDefaults, { anchorEvery: 0 }, 'iterative config')).toThrow(BondInputError);
    expect(() => decodeConfig(IterativeBondConfig, iterativeBondDefaults, { anchorEvery: 0 }, 'iterative config')).toThrow(
      /iterative config: .*anchorEvery: expected PositiveInt, got 0/,
    );
    expect(iterativeBondDefaults).toMatchObject({ n: 2, anchorEvery: 50, beta: 0.5 });
  });
});
