import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, map, pipe, range, toArray, type Observable, type OperatorFunction } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Prompt, type Rng } from '../../src/core/index.js';
import {
  backwardKlLoss, bestOfN, emaAnchor, evaluate, forwardKlLoss, jeffreysUpdate, logMetrics, sampleAnchor,
  samplePolicy, scoreRewards, stepwise, StepMetrics, type WithAnchorRewards, type WithPolicyRewards,
} from '../../src/operators/index.js';
import type { Policy } from '../../src/policy/index.js';
import type { RewardModel } from '../../src/reward/index.js';
import { exactDistribution, expectedReward, LENGTH, toyPolicy, toyPrompts, toyReward } from '../helpers/toyTask.js';

// ---- The custom-pipeline example of docs/pipelines.md (keep the two in sync) -----------------------

/** log of a smoothed quantile, (#{anchor rewards ≤ r} + ½) / (k + 1): finite even for the worst sample. */
const smoothedLogQuantiles = <R extends WithPolicyRewards & WithAnchorRewards>(): OperatorFunction<R, R & { myRewards: number[][] }> =>
  map((rec) => ({
    ...rec,
    myRewards: rec.policyRewards.map((rs, i) => {
      const anchor = rec.anchorRewards[i] ?? [];
      return rs.map((r) => Math.log((anchor.filter((a) => a <= r).length + 0.5) / (anchor.length + 1)));
    }),
  }));

/** BOND with N = 4 against an EMA anchor, with the quantile estimator above instead of r_J-BOND. */
function myBond(policy: Policy, reference: Policy, anchor: Policy, reward: RewardModel, rng: Rng, optimizer: tf.Optimizer) {
  const sampleAndScore = pipe(
    samplePolicy({ policy, count: 1, rng, maxNewTokens: 3 }),
    sampleAnchor({ anchor, count: 4, rng, maxNewTokens: 3 }),
    scoreRewards({ reward }),
    bestOfN(), // Best-of-4 of the anchor: the forward-KL target
    smoothedLogQuantiles(),
  );
  return (prompts$: Observable<ReadonlyArray<Prompt>>): Observable<StepMetrics> =>
    prompts$.pipe(
      stepwise(
        pipe(
          sampleAndScore,
          forwardKlLoss({ policy }),
          backwardKlLoss({ reference: anchor, n: 4, reward: (rec) => rec.myRewards }),
          evaluate({ policy, reference, anchor, reward }),
          jeffreysUpdate({ policy, optimizer, beta: 0.5, gamma: 0 }),
          emaAnchor({ anchor, policy, eta: 0.05 }),
          logMetrics(),
        ),
      ),
    );
}

// ---------------------------------------------------------------------------------------------------

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the custom-pipeline example of docs/pipelines.md', () => {
  it('is the code docs/pipelines.md shows (bar the imports)', () => {
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const start = source.indexOf('/** log of a smoothed quantile');
    const example = source.slice(start, source.indexOf('\n// ----', start)).trim();
    expect(example.length).toBeGreaterThan(500);
    expect(readFileSync(fileURLToPath(new URL('../../docs/pipelines.md', import.meta.url)), 'utf8')).toContain(example);
  });

  it('compiles, runs, and raises the exact expected reward of the toy task (observed 0.57 → 0.89 in 40 steps)', async () => {
    expect(LENGTH).toBe(3); // the example's maxNewTokens
    const reference = toyPolicy(61);
    const policy = reference.clone();
    const anchor = reference.clone();
    const optimizer = tf.train.adam(0.05);
    const before = expectedReward(exactDistribution(policy));
    const metrics = await lastValueFrom(
      range(40).pipe(map(() => toyPrompts(16)), myBond(policy, reference, anchor, toyReward, createRng(62), optimizer), toArray()),
    );
    const after = expectedReward(exactDistribution(policy));
    expect(metrics).toHaveLength(40);
    expect(metrics.every((m) => StepMetrics.is(m) && m.loss_bw !== undefined)).toBe(true);
    expect(after).toBeGreaterThan(before + 0.2);
    [policy, reference, anchor, optimizer].forEach((x) => x.dispose());
  });
});
