import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, map, range, tap, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BondInputError, createRng } from '../../src/core/index.js';
import { klDivergence } from '../../src/math/index.js';
import { StepMetrics } from '../../src/operators/index.js';
import { decodeConfig, jbond, JBondConfig, jbondDefaults, type TrainingDeps } from '../../pipelines/index.js';
import { exactDistribution, expectedReward, LENGTH, toyPolicy, toyReward } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = (overrides: object = {}): JBondConfig =>
  decodeConfig(JBondConfig, jbondDefaults, { learningRate: 0.05, warmupSteps: 0, batchSize: 16, maxNewTokens: LENGTH, ...overrides }, 'test config');

/**
 * 16 copies of one prompt: the tabular policy and the toy reward ignore prompts, and `evaluate` does the
 * exact enumeration once per distinct prompt, so identical prompts keep the exact metrics cheap.
 */
const PROMPTS = Array.from({ length: 16 }, () => ({ text: '', tokens: [0] }));

/** Runs `steps` J-BOND steps of 16 toy prompts, recording the live tensor count after each step. */
async function run(deps: TrainingDeps, cfg: JBondConfig, steps: number): Promise<{ metrics: StepMetrics[]; tensors: number[] }> {
  const tensors: number[] = [];
  const metrics = await lastValueFrom(
    range(steps).pipe(
      map(() => PROMPTS),
      jbond(deps, cfg),
      tap(() => tensors.push(tf.memory().numTensors)),
      toArray(),
    ),
  );
  return { metrics, tensors };
}

const meanOf = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('jbond', () => {
  it('raises the exact expected reward steadily while the exact KL to the reference grows (observed reward 0.50 → 0.70, KL 0 → 0.42 in 60 steps), leak-free', async () => {
    const reference = toyPolicy(21);
    const policy = reference.clone();
    const before = tf.memory().numTensors;
    const { metrics, tensors } = await run({ policy, reference, reward: toyReward, rng: createRng(22), enumeration: { length: LENGTH } }, config(), 60);
    const reward = metrics.map((m) => m.reward_mean);
    const klRef = metrics.map((m) => m.kl_ref ?? NaN);
    // Steadily: every 10-step window's mean reward beats the previous one.
    const windows = [0, 1, 2, 3, 4, 5].map((w) => meanOf(reward.slice(10 * w, 10 * w + 10)));
    windows.slice(1).forEach((m, w) => expect(m, `window ${w + 1} vs ${w}`).toBeGreaterThan(windows[w]!));
    expect(klRef[0]).toBeCloseTo(0, 9);
    expect(klRef[59]).toBeGreaterThan(0.3);
    expect(meanOf(klRef.slice(50))).toBeGreaterThan(meanOf(klRef.slice(20, 30)));
    // The policy closes in on Best-of-2 of its moving anchor (observed KL(π_Bo2 ‖ π) 0.19 → 0.045).
    expect(metrics[59]!.kl_fwd_bon).toBeLessThan(0.5 * metrics[0]!.kl_fwd_bon!);
    // Metrics are of π before each update; the final policy did one more step.
    expect(expectedReward(exactDistribution(policy))).toBeGreaterThan(reward[0]! + 0.2);
    expect(metrics.every((m) => StepMetrics.is(m) && m.non_finite_skips === 0)).toBe(true);
    expect(metrics.map((m) => m.step)).toEqual([...Array(60).keys()]);
    // Same live tensors after step 1 and step 60; the anchor and Adam state are freed at the end.
    expect(tensors[59]).toBe(tensors[0]);
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
    reference.dispose();
  });

  it('is deterministic given the seeds (all but the timing fields)', async () => {
    const once = async (): Promise<unknown[]> => {
      const reference = toyPolicy(31);
      const policy = reference.clone();
      const { metrics } = await run({ policy, reference, reward: toyReward, rng: createRng(32) }, config(), 4);
      [policy, reference].forEach((p) => p.dispose());
      return metrics.map(({ step_ms: _ms, tokens_per_s: _tps, ...rest }) => rest);
    };
    expect(await once()).toEqual(await once());
  });

  it('γ > 0 keeps the policy closer to the reference (Figure 6; observed exact KL after 30 steps 0.21 at γ = 0 vs 0.065 at γ = 2)', async () => {
    const klAfter = async (gamma: number): Promise<number> => {
      const reference = toyPolicy(41);
      const policy = reference.clone();
      await run({ policy, reference, reward: toyReward, rng: createRng(42) }, config({ gamma }), 30);
      const kl = klDivergence(exactDistribution(policy), exactDistribution(reference));
      [policy, reference].forEach((p) => p.dispose());
      return kl;
    };
    const [free, regularised] = [await klAfter(0), await klAfter(2)];
    expect(regularised).toBeLessThan(0.5 * free);
  });

  it('leaves a borrowed anchor and optimizer to the caller, and numbers steps from firstStep', async () => {
    const reference = toyPolicy(51);
    const policy = reference.clone();
    const anchor = reference.clone();
    const optimizer = tf.train.adam(0.05);
    const { metrics } = await run({ policy, reference, anchor, optimizer, firstStep: 100, reward: toyReward, rng: createRng(52) }, config({ eta: 1 }), 2);
    expect(metrics.map((m) => m.step)).toEqual([100, 101]);
    // η = 1: the borrowed anchor followed the policy and is still usable.
    expect(exactDistribution(anchor)).toEqual(exactDistribution(policy));
    [policy, reference, anchor, optimizer].forEach((x) => x.dispose());
  });

  it('decodeConfig refuses unknown fields and out-of-range values, naming them', () => {
    expect(() => decodeConfig(JBondConfig, jbondDefaults, { beat: 0.3 }, 'jbond config')).toThrow(/jbond config: beat: expected one of .*beta.*, got an unknown field/);
    expect(() => decodeConfig(JBondConfig, jbondDefaults, { beta: 1.5 }, 'jbond config')).toThrow(BondInputError);
    expect(() => decodeConfig(JBondConfig, jbondDefaults, { beta: 1.5 }, 'jbond config')).toThrow(/jbond config: .*beta: expected UnitInterval, got 1.5/);
    expect(jbondDefaults).toMatchObject({ beta: 0.5, eta: 0.02, gamma: 0 });
  });
});
