import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { jbondRewards } from '../../src/operators/index.js';
import { runStage } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('jbondRewards', () => {
  it('gives −log 16 exactly when the policy sample is worse than both anchor samples, else 0 (eq 17)', async () => {
    const prompt = fc.record({ policy: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }), anchor: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })) });
    await fc.assert(
      fc.asyncProperty(fc.array(prompt, { minLength: 1, maxLength: 4 }), async (prompts) => {
        const rec = { policyRewards: prompts.map((p) => p.policy), anchorRewards: prompts.map((p) => p.anchor) };
        const out = await runStage(jbondRewards(), rec);
        const slow = prompts.map((p) => p.policy.map((r) => (r < p.anchor[0] && r < p.anchor[1] ? -Math.log(16) : 0)));
        expect(out.jbondRewards).toEqual(slow);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a prompt without exactly 2 anchor rewards, naming the prompt', async () => {
    const rec = { policyRewards: [[1], [1]], anchorRewards: [[0, 2], [0, 2, 3]] };
    await expect(runStage(jbondRewards(), rec)).rejects.toThrow(/jbondRewards: expected 2 anchor rewards for prompt 1, got 3/);
  });
});
