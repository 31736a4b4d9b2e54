import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TabularPolicy } from '../../src/policy/index.js';
import { lexiconSentiment, type RewardModel } from '../../src/reward/index.js';
import { bestOfNIdentities } from '../../src/testing/bestOfNIdentities.js';
import { policyCasesFor } from '../../src/testing/policyCases.js';

const countOnes = (tokens: readonly number[]): number => tokens.filter((y) => y === 1).length;
const RUNS = { numRuns: 40 };

describe('bestOfNIdentities', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('holds for a token reward with ties and for a reward with distinct values, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    await fc.assert(bestOfNIdentities(countOnes), RUNS);
    await fc.assert(bestOfNIdentities((tokens) => tokens.reduce((acc, y) => 7 * acc + y + 1, 0)), RUNS);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('holds for a text reward model through a detokenizer', async () => {
    const words = ['good', 'bad', 'the', 'awful'];
    const result = await fc.check(bestOfNIdentities(lexiconSentiment(), { detokenize: (ts) => ts.map((y) => words[y]).join(' ') }), { numRuns: 20 });
    expect(result.failed).toBe(false);
  });

  it('holds on clones of a given policy with drawn prompts', async () => {
    const pi = new TabularPolicy({ kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false }, { seed: 9, initStd: 3 });
    const result = await fc.check(bestOfNIdentities(countOnes, { cases: policyCasesFor(pi) }), { numRuns: 20 });
    pi.dispose();
    expect(result.failed).toBe(false);
  });

  it('catches a reward that depends on the position in the batch, naming the identity it breaks', async () => {
    const byPosition: RewardModel = { name: 'by-position', score: async (batch) => batch.map((_, i) => i) };
    const result = await fc.check(bestOfNIdentities(byPosition), RUNS);
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toContain('expected the same reward when the batch is scored in reverse order');
  });

  it('catches a reward that is not finite on some completion', async () => {
    const result = await fc.check(bestOfNIdentities((tokens) => (tokens[0] === 1 ? Number.NaN : 0)), RUNS);
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toContain('expected a finite number, got NaN');
  });

  it('catches a reward model that returns too few rewards', async () => {
    const short: RewardModel = { name: 'short', score: async (batch) => batch.slice(1).map(() => 0) };
    const result = await fc.check(bestOfNIdentities(short), RUNS);
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/reward "short": expected \d+ finite rewards/);
  });
});
