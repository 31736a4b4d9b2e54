import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// example:start
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { map } from 'rxjs';
import { fromFunction, selectBackend } from '../../src/index.js';
import { bestOfNIdentities, operatorHygiene, scoredBatch, type ScoredBatch } from '../../src/testing/index.js';

// A custom reward: ones are good, length costs a little.
const reward = fromFunction((x) => x.completionTokens.filter((y) => y === 1).length - 0.1 * x.completionTokens.length, 'ones');

// A custom operator: each policy reward minus the mean of its prompt's anchor rewards.
const advantages = map((rec: ScoredBatch) => ({
  ...rec,
  advantages: tf.tidy(() => {
    const policy = tf.tensor2d(rec.policyRewards.map((rs) => [...rs]));
    const anchorMean = tf.mean(tf.tensor2d(rec.anchorRewards.map((rs) => [...rs])), 1, true);
    return tf.sub(policy, anchorMean).arraySync() as number[][];
  }),
}));

it('my reward satisfies the Best-of-N identities (eqs 4, 16)', async () => {
  await selectBackend('cpu'); // or selectBackend(): the fastest installed backend
  await fc.assert(bestOfNIdentities(reward), { numRuns: 50 });
});

it('my operator leaks no tensor, mutates nothing and keeps the batch', async () => {
  await fc.assert(operatorHygiene(advantages, scoredBatch({ policySamples: 2 })), { numRuns: 50 });
});
// example:end

describe('docs/testing.md', () => {
  it('shows exactly the example above, with the package imports, in under 30 lines', async () => {
    const [doc, self] = await Promise.all([readFile('docs/testing.md', 'utf8'), readFile('test/docs/testingExample.test.ts', 'utf8')]);
    const example = /\/\/ example:start\n([\s\S]*?)\/\/ example:end/.exec(self)?.[1] ?? '';
    const asPublished = example.replace("'../../src/index.js'", "'bond-rlhf'").replace("'../../src/testing/index.js'", "'bond-rlhf/testing'");
    const shown = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(shown).toBe(asPublished.replace("import fc from 'fast-check';\n", "import fc from 'fast-check';\nimport { it } from 'vitest';\n"));
    expect(shown?.trimEnd().split('\n').length).toBeLessThan(30);
  });
});
