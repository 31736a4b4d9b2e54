import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TabularPolicy } from '../../src/policy/index.js';
import { backwardKlLoss, leaveOneOutBaseline, policyGradientTerm } from '../../src/operators/index.js';
import { exactDistribution, generationOf, runStage, sequenceIndex, toyBatch, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const returnsArb = (groupSize: fc.Arbitrary<number>) =>
  fc.array(groupSize.chain((k) => fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: k, maxLength: k })), { minLength: 1, maxLength: 5 });

describe('leaveOneOutBaseline', () => {
  it('with ≥ 2 samples per prompt, each baseline is the mean of the other samples of that prompt', () => {
    fc.assert(
      fc.property(returnsArb(fc.integer({ min: 2, max: 4 })), (returns) => {
        const b = leaveOneOutBaseline(returns);
        returns.forEach((group, i) =>
          group.forEach((_, j) => {
            const others = group.filter((_, k) => k !== j);
            expect(b[i]?.[j]).toBeCloseTo(others.reduce((a, x) => a + x, 0) / others.length, 9);
          }),
        );
      }),
    );
  });

  it('with 1 sample per prompt, each baseline is the mean return of the other prompts of the batch', () => {
    fc.assert(
      fc.property(returnsArb(fc.constant(1)), (returns) => {
        const flat = returns.flat();
        const b = leaveOneOutBaseline(returns).flat();
        flat.forEach((_, m) => {
          const others = flat.filter((_, k) => k !== m);
          expect(b[m]).toBeCloseTo(others.length === 0 ? 0 : others.reduce((a, x) => a + x, 0) / others.length, 9);
        });
      }),
    );
  });

  it('matches the documented examples', () => {
    expect(leaveOneOutBaseline([[1, 3], [5, 7]])).toEqual([[3, 1], [7, 5]]);
    expect(leaveOneOutBaseline([[1], [3], [5]])).toEqual([[4], [3], [2]]);
  });
});

describe('backwardKlLoss', () => {
  let policy: TabularPolicy;
  let anchor: TabularPolicy;
  beforeAll(() => {
    policy = toyPolicy(1);
    anchor = toyPolicy(2);
  });
  afterAll(() => {
    policy.dispose();
    anchor.dispose();
  });
  const completions = [[0, 1, 2], [3, 3, 3], [2, 0, 1], [1, 1, 0]];

  /** R = (n − 1)·r − (log π − log π_anchor) from exact enumerated probabilities (eq 15). */
  function slowReturns(rewards: number[], n: number): number[] {
    const pi = exactDistribution(policy), pa = exactDistribution(anchor);
    return completions.map((y, m) => (n - 1) * (rewards[m] as number) - (Math.log(pi[sequenceIndex(y)] as number) - Math.log(pa[sequenceIndex(y)] as number)));
  }

  it('J-BOND (1 sample per prompt, n = 2): coefficients −(R − b)/B with batch leave-one-out b, value −mean(R)', async () => {
    const rewards = [0, -Math.log(16), 0, -Math.log(16)];
    const rec = { ...toyBatch(4), policySamples: completions.map((y, i) => [generationOf(policy, [i], y)]), jbondRewards: rewards.map((r) => [r]) };
    const out = await runStage(backwardKlLoss({ reference: anchor, n: 2, reward: (r) => r.jbondRewards }), rec);
    const R = slowReturns(rewards, 2);
    const b = R.map((_, m) => (R.reduce((a, x) => a + x, 0) - (R[m] as number)) / 3);
    out.lossBw.coefficients.forEach((c, m) => expect(c).toBeCloseTo(-((R[m] as number) - (b[m] as number)) / 4, 4));
    expect(out.lossBw.value).toBeCloseTo(-R.reduce((a, x) => a + x, 0) / 4, 4);
    expect(out.lossBw.completions).toEqual(completions);
  });

  it('scales the reward by N − 1 and does not divide the term by N − 1 (n = 5)', async () => {
    const rewards = [-0.1, -0.7, -2, -0.3];
    const rec = { ...toyBatch(2), policySamples: [[generationOf(policy, [0], completions[0]!), generationOf(policy, [0], completions[1]!)], [generationOf(policy, [1], completions[2]!), generationOf(policy, [1], completions[3]!)]], quantileRewards: [[rewards[0]!, rewards[1]!], [rewards[2]!, rewards[3]!]] };
    const out = await runStage(backwardKlLoss({ reference: anchor, n: 5, reward: (r) => r.quantileRewards }), rec);
    const R = slowReturns(rewards, 5);
    // Two samples per prompt: each sample's baseline is the other sample of its prompt.
    const b = [R[1]!, R[0]!, R[3]!, R[2]!];
    out.lossBw.coefficients.forEach((c, m) => expect(c).toBeCloseTo(-((R[m] as number) - (b[m] as number)) / 4, 4));
  });

  it('policyGradientTerm with reward scale 1 and KL scale β_RL is the REINFORCE return r − β_RL·(log π − log π_ref)', () => {
    const samples = completions.map((y, i) => [generationOf(policy, [i], y)]);
    const rewards = [[1], [0.2], [0.5], [0.9]];
    const term = policyGradientTerm(samples, rewards, { reference: anchor, rewardScale: 1, klScale: 0.3 });
    const pi = exactDistribution(policy), pa = exactDistribution(anchor);
    const R = completions.map((y, m) => rewards[m]![0]! - 0.3 * (Math.log(pi[sequenceIndex(y)]!) - Math.log(pa[sequenceIndex(y)]!)));
    expect(term.value).toBeCloseTo(-R.reduce((a, x) => a + x, 0) / 4, 4);
  });
});
