import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { mcQuantiles } from '../../src/operators/index.js';
import { runStage } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('mcQuantiles', () => {
  it('each policy sample gets the fraction of its prompt’s anchor rewards at or below its reward (eq 10)', async () => {
    const prompt = fc.record({
      policy: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
      anchor: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(prompt, { minLength: 1, maxLength: 4 }), async (prompts) => {
        const rec = { policyRewards: prompts.map((p) => p.policy), anchorRewards: prompts.map((p) => p.anchor) };
        const out = await runStage(mcQuantiles(), rec);
        const slow = prompts.map((p) => p.policy.map((r) => p.anchor.filter((a) => a <= r).length / p.anchor.length));
        expect(out.quantiles).toEqual(slow);
        expect(out.policyRewards).toBe(rec.policyRewards);
      }),
      { numRuns: 100 },
    );
  });
});
