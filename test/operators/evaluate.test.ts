import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/operators/index.js';
import type { RewardModel } from '../../src/reward/index.js';
import { exactDistribution, generationOf, REWARD_TABLE, runStage, sequenceIndex, toyBatch, toyPolicy, toyReward } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sum = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0);
const kl = (p: ReadonlyArray<number>, q: ReadonlyArray<number>): number => sum(p.map((x, i) => (x > 0 ? x * Math.log(x / q[i]!) : 0)));

/** p≤(y) = Σ_{y′} q(y′)·𝕀{r(y′) ≤ r(y)} (the toy rewards have no ties). */
const atOrBelow = (q: ReadonlyArray<number>): number[] => REWARD_TABLE.map((r) => sum(q.filter((_, j) => REWARD_TABLE[j]! <= r)));
/** π_Bo2(y) = p≤(y)² − p<(y)², from drawing twice and keeping the better one. */
const bestOf2 = (q: ReadonlyArray<number>): number[] => atOrBelow(q).map((le, i) => le ** 2 - (le - q[i]!) ** 2);

function countingReward(): RewardModel & { calls: number } {
  const counter = { calls: 0 };
  return Object.assign(counter, { name: 'counting', score: async (batch: Parameters<RewardModel['score']>[0]) => { counter.calls++; return toyReward.score(batch); } });
}

describe('evaluate', () => {
  it('with an enumeration, every metric is exact: expected reward, entropy, KL to reference and anchor, log-quantile, KL to/from π_Bo2 of the anchor', async () => {
    const [policy, reference, anchor] = [toyPolicy(1), toyPolicy(2), toyPolicy(3)];
    const [pi, ref, pa] = [policy, reference, anchor].map(exactDistribution) as [number[], number[], number[]];
    const rec = { ...toyBatch(2), policySamples: [[generationOf(policy, [0], [0, 0, 0])], [generationOf(policy, [1], [1, 2, 3])]], policyRewards: [[0], [0]] };
    const stage = evaluate({ policy, reference, anchor, reward: toyReward, enumeration: { length: 3 }, n: 2, bestOfNOf: 'anchor' });
    const { evaluation: e } = await runStage(stage, rec);
    const mean = sum(pi.map((p, i) => p * REWARD_TABLE[i]!));
    expect(e.exact).toBe(true);
    expect(e.rewardMean).toBeCloseTo(mean, 6);
    expect(e.rewardStd).toBeCloseTo(Math.sqrt(sum(pi.map((p, i) => p * (REWARD_TABLE[i]! - mean) ** 2))), 6);
    expect(e.entropy).toBeCloseTo(-sum(pi.map((p) => p * Math.log(p))), 6);
    expect(e.klRef).toBeCloseTo(kl(pi, ref), 6);
    expect(e.klAnchor).toBeCloseTo(kl(pi, pa), 6);
    expect(e.logQuantile).toBeCloseTo(sum(atOrBelow(ref).map((q, i) => pi[i]! * Math.log(q))), 6);
    expect(e.klFwdBon).toBeCloseTo(kl(bestOf2(pa), pi), 6);
    expect(e.klBwdBon).toBeCloseTo(kl(pi, bestOf2(pa)), 6);
    [policy, reference, anchor].forEach((p) => p.dispose());
  });

  it('compares with Best-of-n of the reference by default, and scores the space once per prompt across steps', async () => {
    const [policy, reference] = [toyPolicy(1), toyPolicy(2)];
    const [pi, ref] = [exactDistribution(policy), exactDistribution(reference)];
    const reward = countingReward();
    const rec = { ...toyBatch(3), policySamples: [[], [], []], policyRewards: [[], [], []] };
    const stage = evaluate({ policy, reference, reward, enumeration: { length: 3 }, n: 3 });
    await runStage(stage, rec);
    const { evaluation: e } = await runStage(stage, { ...rec, step: 1 });
    const le = atOrBelow(ref);
    const bo3 = le.map((x, i) => x ** 3 - (x - ref[i]!) ** 3);
    expect(e.klFwdBon).toBeCloseTo(kl(bo3, pi), 6);
    expect(e.klAnchor).toBeUndefined();
    expect(reward.calls).toBe(3);
    [policy, reference].forEach((p) => p.dispose());
  });

  it('without an enumeration, estimates from the step samples: reward mean/std, −mean log π, k1 KLs, mean log p̂≤', async () => {
    const [policy, reference, anchor] = [toyPolicy(1), toyPolicy(2), toyPolicy(3)];
    const ys = [[0, 1, 2], [3, 3, 3], [2, 0, 1]];
    const [pi, ref, pa] = [policy, reference, anchor].map(exactDistribution) as [number[], number[], number[]];
    const rec = { ...toyBatch(3), policySamples: ys.map((y, i) => [generationOf(policy, [i], y)]), policyRewards: [[1], [2], [6]], quantiles: [[0.5], [1], [0.25]] };
    const { evaluation: e } = await runStage(evaluate({ policy, reference, anchor, reward: toyReward }), rec);
    const lp = (d: number[]) => ys.map((y) => Math.log(d[sequenceIndex(y)]!));
    expect(e.exact).toBe(false);
    expect(e.rewardMean).toBe(3);
    expect(e.rewardStd).toBeCloseTo(Math.sqrt((4 + 1 + 9) / 3), 9);
    expect(e.entropy).toBeCloseTo(-sum(lp(pi)) / 3, 4);
    expect(e.klRef).toBeCloseTo((sum(lp(pi)) - sum(lp(ref))) / 3, 4);
    expect(e.klAnchor).toBeCloseTo((sum(lp(pi)) - sum(lp(pa))) / 3, 4);
    expect(e.logQuantile).toBeCloseTo((Math.log(0.5) + Math.log(0.25)) / 3, 9);
    expect(e.klFwdBon).toBeUndefined();
    [policy, reference, anchor].forEach((p) => p.dispose());
  });

  it('floors each Monte-Carlo p̂≤ at 1/(k + 1) when the k anchor rewards are in the record, so a sample worse than all k keeps log_quantile finite', async () => {
    const [policy, reference] = [toyPolicy(1), toyPolicy(2)];
    const ys = [[0, 1, 2], [3, 3, 3]];
    const rec = {
      ...toyBatch(2),
      policySamples: ys.map((y, i) => [generationOf(policy, [i], y)]),
      policyRewards: [[0], [5]],
      anchorRewards: [[1, 2, 3], [1, 5, 9, 9, 9]],
      quantiles: [[0], [0.4]],
    };
    const { evaluation: e } = await runStage(evaluate({ policy, reference, reward: toyReward }), rec);
    expect(e.logQuantile).toBeCloseTo((Math.log(1 / 4) + Math.log(0.4)) / 2, 12);
    [policy, reference].forEach((p) => p.dispose());
  });

  it("refuses bestOfNOf 'anchor' without an anchor when built", () => {
    const policy = toyPolicy(1);
    expect(() => evaluate({ policy, reference: policy, reward: toyReward, bestOfNOf: 'anchor' })).toThrow(/evaluate: expected an anchor/);
    policy.dispose();
  });
});

