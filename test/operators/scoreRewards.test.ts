import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { scoreRewards, type Batch, type WithAnchorSamples, type WithPolicySamples } from '../../src/operators/index.js';
import { fromFunction, type RewardInput, type RewardModel } from '../../src/reward/index.js';
import { runStage, toyBatch } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const gen = (prompt: number[], tokens: number[]) => ({ prompt, tokens, logProbs: tokens.map(() => -1) });

function sampledRecord(): Batch & WithPolicySamples & WithAnchorSamples {
  const batch = toyBatch(2);
  return {
    ...batch,
    policySamples: [[gen([0], [1, 2])], [gen([1], [3, 3])]],
    anchorSamples: [[gen([0], [0, 0]), gen([0], [2, 1])], [gen([1], [1, 1]), gen([1], [0, 3])]],
  };
}

/** r = 10·first token + second token, recording what it was asked. */
function recordingReward(): RewardModel & { calls: RewardInput[][] } {
  const calls: RewardInput[][] = [];
  const inner = fromFunction((x) => 10 * (x.completionTokens[0] ?? 0) + (x.completionTokens[1] ?? 0), 'digits');
  return { name: inner.name, calls, score: async (batch) => { calls.push([...batch]); return inner.score(batch); } };
}

describe('scoreRewards', () => {
  it('scores policy and anchor samples per prompt in one reward call, without mutating the input', async () => {
    const reward = recordingReward();
    const out = await runStage(scoreRewards({ reward }), sampledRecord());
    expect(out.policyRewards).toEqual([[12], [33]]);
    expect(out.anchorRewards).toEqual([[0, 21], [11, 3]]);
    expect(reward.calls).toHaveLength(1);
    expect(reward.calls[0]).toHaveLength(6);
  });

  it('passes the prompt text and tokens and the detokenised completion to the reward model', async () => {
    const reward = recordingReward();
    await runStage(scoreRewards({ reward, detokenize: (t) => t.map((x) => 'abcd'[x]).join('') }), sampledRecord());
    expect(reward.calls[0]?.[0]).toEqual({ prompt: 'p0', completion: 'bc', promptTokens: [0], completionTokens: [1, 2] });
  });

  it('uses empty completion text by default (token tasks)', async () => {
    const reward = recordingReward();
    await runStage(scoreRewards({ reward }), sampledRecord());
    expect(reward.calls[0]?.every((x) => x.completion === '')).toBe(true);
  });

  it('adds only policyRewards to a record with only policy samples', async () => {
    const { anchorSamples: _dropped, ...policyOnly } = sampledRecord();
    const out = await runStage(scoreRewards({ reward: recordingReward() }), policyOnly);
    expect(out.policyRewards).toEqual([[12], [33]]);
    expect('anchorRewards' in out).toBe(false);
  });

  it('rejects a reward model that returns the wrong number of rewards, naming it', async () => {
    const short: RewardModel = { name: 'short', score: async () => [1] };
    await expect(runStage(scoreRewards({ reward: short }), sampledRecord())).rejects.toThrow(BondInputError);
    await expect(runStage(scoreRewards({ reward: short }), sampledRecord())).rejects.toThrow(/scoreRewards: expected 6 rewards from "short", got 1/);
  });

  it('rejects non-finite rewards, naming the index', async () => {
    const nan: RewardModel = { name: 'nan', score: async (b) => b.map((_, i) => (i === 4 ? NaN : 0)) };
    await expect(runStage(scoreRewards({ reward: nan }), sampledRecord())).rejects.toThrow(/rewards\[4\]: expected a finite number, got NaN/);
  });
});
