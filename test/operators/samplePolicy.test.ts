import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { samplePolicy } from '../../src/operators/index.js';
import { LENGTH, runStage, toyBatch, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('samplePolicy', () => {
  it('adds count samples per prompt, each continuing its prompt, without mutating the batch or leaking tensors', async () => {
    const policy = toyPolicy(1);
    const batch = toyBatch(3);
    const out = await runStage(samplePolicy({ policy, count: 2, rng: createRng(5), maxNewTokens: LENGTH }), batch);
    expect(out.prompts).toBe(batch.prompts);
    expect(out.policySamples).toHaveLength(3);
    out.policySamples.forEach((group, i) => {
      expect(group).toHaveLength(2);
      for (const g of group) {
        expect(g.prompt).toEqual(batch.prompts[i]?.tokens);
        expect(g.tokens).toHaveLength(LENGTH);
        expect(g.logProbs).toHaveLength(LENGTH);
      }
    });
    expect('policySamples' in batch).toBe(false);
    policy.dispose();
  });

  it('the sample log-probs sum to the policy’s sequence log-probability (temperature 1)', async () => {
    const policy = toyPolicy(2);
    const out = await runStage(samplePolicy({ policy, count: 4, rng: createRng(6), maxNewTokens: LENGTH }), toyBatch(2));
    const samples = out.policySamples.flat();
    const exact = tf.tidy(() => Array.from(policy.sequenceLogProbs(samples.map((g) => g.prompt), samples.map((g) => g.tokens)).dataSync()));
    samples.forEach((g, m) => expect(g.logProbs.reduce((a, b) => a + b, 0)).toBeCloseTo(exact[m] as number, 4));
    policy.dispose();
  });

  it('the same rng seed gives the same samples', async () => {
    const policy = toyPolicy(3);
    const draw = async (): Promise<unknown> =>
      (await runStage(samplePolicy({ policy, count: 3, rng: createRng(9), maxNewTokens: LENGTH }), toyBatch(2))).policySamples;
    expect(await draw()).toEqual(await draw());
    policy.dispose();
  });

  it('rejects a non-positive count when the stage is built, naming the option', () => {
    const policy = toyPolicy(4);
    expect(() => samplePolicy({ policy, count: 0, rng: createRng(1), maxNewTokens: LENGTH })).toThrow(/samplePolicy: expected count a positive integer, got 0/);
    policy.dispose();
  });
});
