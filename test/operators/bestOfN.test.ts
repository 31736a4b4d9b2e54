import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { bestOfNDistribution } from '../../src/math/index.js';
import { bestOfN, sampleAnchor, scoreRewards } from '../../src/operators/index.js';
import { exactDistribution, LENGTH, REWARD_TABLE, runStage, sequenceIndex, toyBatch, toyPolicy, toyReward } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const gen = (id: number) => ({ prompt: [0], tokens: [id], logProbs: [-1] });

/** The obvious argmax: the last index whose reward is ≥ every reward (the higher index wins ties). */
function slowBest(rewards: number[]): number {
  return rewards.findLastIndex((r) => rewards.every((s) => r >= s));
}

describe('bestOfN', () => {
  it('picks the highest-reward anchor sample per prompt, the higher index on ties (footnote 1 order)', async () => {
    const groups = fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(groups, async (rewards) => {
        const rec = { ...toyBatch(rewards.length), anchorSamples: rewards.map((g) => g.map((_, j) => gen(j))), anchorRewards: rewards };
        const out = await runStage(bestOfN(), rec);
        expect(out.bestOfN.map((g) => g.tokens[0])).toEqual(rewards.map(slowBest));
      }),
      { numRuns: 100 },
    );
  });

  it("picks among the policy samples with { from: 'policy' }", async () => {
    const rec = { ...toyBatch(2), policySamples: [[gen(0), gen(1), gen(2)], [gen(0), gen(1)]], policyRewards: [[0.5, 0.9, 0.1], [2, 2]] };
    const out = await runStage(bestOfN({ from: 'policy' }), rec);
    expect(out.bestOfN.map((g) => g.tokens[0])).toEqual([1, 1]);
  });

  it('Best-of-2 anchor draws are distributed as π_BoN of eq (4), not as π_anchor (TV ≈ 0.04 vs ≈ 0.25 over 4000 draws)', async () => {
    const anchor = toyPolicy(11);
    const rec = await runStage(sampleAnchor({ anchor, count: 2, rng: createRng(3), maxNewTokens: LENGTH }), toyBatch(4000));
    const out = await runStage(bestOfN(), await runStage(scoreRewards({ reward: toyReward }), rec));
    const counts = new Array<number>(64).fill(0);
    for (const g of out.bestOfN) counts[sequenceIndex(g.tokens)]! += 1;
    const tv = (q: ReadonlyArray<number>): number => counts.reduce((acc, c, i) => acc + Math.abs(c / 4000 - (q[i] as number)), 0) / 2;
    const piAnchor = exactDistribution(anchor);
    expect(tv(bestOfNDistribution(piAnchor, REWARD_TABLE, 2))).toBeLessThan(0.07);
    expect(tv(piAnchor)).toBeGreaterThan(0.15);
    anchor.dispose();
  });

  it('rejects a prompt whose rewards do not match its samples', async () => {
    const rec = { ...toyBatch(1), anchorSamples: [[gen(0), gen(1)]], anchorRewards: [[1]] };
    await expect(runStage(bestOfN(), rec)).rejects.toThrow(/bestOfN: expected one reward per sample/);
  });
});
