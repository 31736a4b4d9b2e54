import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { klDivergence } from '../../src/math/index.js';
import { StepMetrics } from '../../src/operators/index.js';
import { decodeConfig, reinforce, ReinforceConfig, reinforceDefaults } from '../../pipelines/index.js';
import { runSteps, toyDeps } from '../helpers/pipelineRun.js';
import { exactDistribution, expectedReward, LENGTH, REWARD_TABLE, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = (overrides: object = {}): ReinforceConfig =>
  decodeConfig(ReinforceConfig, reinforceDefaults, { learningRate: 0.05, warmupSteps: 0, maxNewTokens: LENGTH, clipNorm: 100, ...overrides }, 'test config');

const deps = toyDeps;

describe('reinforce', () => {
  it('ends closer to the reference, with less reward, the larger β_RL (Figure 7; observed exact KL 2.42, 1.27, 0.035 at β_RL = 0.01, 0.1, 1)', async () => {
    const BETAS = [0.01, 0.1, 1];
    const ends: { kl: number; reward: number; toOptimum: number }[] = [];
    for (const betaRl of BETAS) {
      const reference = toyPolicy(31);
      const policy = reference.clone();
      await runSteps(reinforce(deps(policy, reference, 32), config({ betaRl })), 150, 8);
      const pi = exactDistribution(policy);
      const ref = exactDistribution(reference);
      // The optimum of eq (1) is π_RL ∝ π_ref·exp(r/β_RL), eq (7).
      const tilted = ref.map((p, i) => p * Math.exp(REWARD_TABLE[i]! / betaRl));
      const optimum = tilted.map((p) => p / tilted.reduce((a, b) => a + b, 0));
      ends.push({ kl: klDivergence(pi, ref), reward: expectedReward(pi), toOptimum: klDivergence(pi, optimum) });
      [policy, reference].forEach((p) => p.dispose());
    }
    // With β_RL ∈ {0.1, 1} the run has essentially reached the optimum (observed KL(π ‖ π_RL) 0.08, 0.001).
    ends.slice(1).forEach((end, i) => expect(end.toOptimum, `KL to π_RL at β_RL = ${BETAS[i + 1]}`).toBeLessThan(0.15));
    ends.slice(1).forEach((end, i) => {
      expect(end.kl, `KL at β_RL = ${BETAS[i + 1]} vs ${BETAS[i]}`).toBeLessThan(ends[i]!.kl);
      expect(end.reward, `reward at β_RL = ${BETAS[i + 1]} vs ${BETAS[i]}`).toBeLessThan(ends[i]!.reward);
    });
  });

  it('reports exact metrics before each update, keeps the same live tensors after step 1 and the last step, and frees what it created', async () => {
    const reference = toyPolicy(33);
    const policy = reference.clone();
    const before = tf.memory().numTensors;
    const { metrics, tensors } = await runSteps(reinforce(deps(policy, reference, 34, { enumeration: { length: LENGTH } }), config()), 15, 4);
    expect(metrics[0]!.kl_ref).toBeCloseTo(0, 9);
    expect(metrics[0]!.reward_mean).toBeCloseTo(expectedReward(exactDistribution(reference)), 6);
    expect(metrics[14]!.kl_ref).toBeGreaterThan(0);
    expect(metrics.every((m) => StepMetrics.is(m) && m.loss_bw !== undefined && m.loss_fw === undefined)).toBe(true);
    expect(tensors[14]).toBe(tensors[0]);
    expect(tf.memory().numTensors).toBe(before);
    [policy, reference].forEach((p) => p.dispose());
  });

  it('leaves a borrowed optimizer to the caller and numbers steps from firstStep', async () => {
    const reference = toyPolicy(35);
    const policy = reference.clone();
    const optimizer = tf.train.adam(0.05);
    const { metrics } = await runSteps(reinforce(deps(policy, reference, 36, { optimizer, firstStep: 40 }), config()), 2, 2);
    expect(metrics.map((m) => m.step)).toEqual([40, 41]);
    // Still usable after the run: Adam's iteration count went up by the 2 steps.
    expect(optimizer.iterations).toBe(2);
    [policy, reference, optimizer].forEach((x) => x.dispose());
  });

  it('refuses a negative β_RL, naming the field', () => {
    expect(() => decodeConfig(ReinforceConfig, reinforceDefaults, { betaRl: -1 }, 'reinforce config')).toThrow(BondInputError);
    expect(() => decodeConfig(ReinforceConfig, reinforceDefaults, { betaRl: -1 }, 'reinforce config')).toThrow(/reinforce config: .*betaRl: expected NonNegative, got -1/);
    expect(reinforceDefaults).toMatchObject({ policySamples: 2, betaRl: 0.1 });
  });
});
