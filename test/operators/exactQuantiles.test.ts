import * as tf from '@tensorflow/tfjs-core';
import { firstValueFrom, of } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { exactQuantiles, samplePolicy } from '../../src/operators/index.js';
import { fromFunction } from '../../src/reward/index.js';
import { exactDistribution, LENGTH, REWARD_TABLE, runStage, sequenceIndex, toyBatch, toyPolicy, toyReward } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exactQuantiles', () => {
  it('gives each policy sample its exact p≤ and p< under the reference, summed the slow way (eqs 2–3)', async () => {
    const policy = toyPolicy(1);
    const reference = toyPolicy(2);
    const sampled = await firstValueFrom(of(toyBatch(3)).pipe(samplePolicy({ policy, count: 4, rng: createRng(3), maxNewTokens: LENGTH })));
    const out = await runStage(exactQuantiles({ reference, reward: toyReward, enumeration: { length: LENGTH } }), sampled);
    const ref = exactDistribution(reference);
    // p≤(y) = Σ of π_ref over completions with a lower reward, or the same one (the table has no ties).
    const massAtOrBelow = (r: number): number => ref.reduce((acc, p, i) => acc + (REWARD_TABLE[i]! <= r ? p : 0), 0);
    sampled.policySamples.forEach((group, i) =>
      group.forEach((g, j) => {
        const k = sequenceIndex(g.tokens);
        expect(out.quantiles[i]![j]).toBeCloseTo(massAtOrBelow(REWARD_TABLE[k]!), 9);
        expect(out.quantilesBelow[i]![j]).toBeCloseTo(massAtOrBelow(REWARD_TABLE[k]!) - ref[k]!, 9);
      }),
    );
    [policy, reference].forEach((p) => p.dispose());
  });

  it('scores the space once per distinct prompt across steps', async () => {
    const reference = toyPolicy(4);
    let scored = 0;
    const reward = fromFunction((x) => {
      scored++;
      return REWARD_TABLE[sequenceIndex(x.completionTokens)]!;
    });
    const stage = exactQuantiles({ reference, reward, enumeration: { length: LENGTH } });
    const batch = (step: number) => ({
      ...toyBatch(2, step),
      policySamples: [[{ prompt: [0], tokens: [0, 1, 2], logProbs: [0, 0, 0] }], [{ prompt: [1], tokens: [3, 3, 3], logProbs: [0, 0, 0] }]],
    });
    await firstValueFrom(of(batch(0)).pipe(stage));
    await firstValueFrom(of(batch(1)).pipe(stage));
    expect(scored).toBe(2 * 4 ** LENGTH);
    reference.dispose();
  });

  it('refuses a policy sample whose length is not the enumerated length', async () => {
    const reference = toyPolicy(5);
    const rec = { ...toyBatch(1), policySamples: [[{ prompt: [0], tokens: [1, 2], logProbs: [0, 0] }]] };
    await expect(firstValueFrom(of(rec).pipe(exactQuantiles({ reference, reward: toyReward, enumeration: { length: LENGTH } })))).rejects.toThrow(
      'exactQuantiles: expected policy samples of enumeration.length = 3 tokens, got 2',
    );
    reference.dispose();
  });
});
