import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { mcQuantile } from '../../src/math/mcQuantile.js';
import { quantiles } from '../../src/math/quantiles.js';
import { distributionWithRewards } from '../../src/testing/arbitraries.js';

describe('mcQuantile', () => {
  it('is the fraction of samples with reward ≤ r, ties included (eq 10)', () => {
    expect(mcQuantile(0.5, [0.1, 0.5, 0.9, 0.7])).toBe(0.5);
    expect(mcQuantile(0, [1, 2])).toBe(0);
    expect(mcQuantile(2, [1, 2])).toBe(1);
  });

  it('over k draws is an unbiased estimate of p≤ (eq 10): the mean over 2,000 seeds is within 5 standard errors', () => {
    const repeats = 2_000;
    fc.assert(
      fc.property(
        distributionWithRewards({ maxSize: 12, nearZero: true }),
        fc.nat(),
        fc.integer({ min: 1, max: 16 }),
        fc.integer(),
        ({ ref, rewards }, pick, k, seed) => {
          const y = pick % ref.length;
          const r = rewards[y]!;
          // P[r(y′) ≤ r] counts tied rewards, so it is p≤ of the highest index sharing the reward r.
          const top = rewards.lastIndexOf(r);
          const pAtOrBelow = quantiles(ref, rewards).atOrBelow[top]!;
          const rng = createRng(seed);
          let sum = 0;
          for (let t = 0; t < repeats; t++) {
            const samples = Array.from({ length: k }, () => rewards[rng.categorical(ref)]!);
            sum += mcQuantile(r, samples);
          }
          const standardError = Math.sqrt(Math.max(0, pAtOrBelow * (1 - pAtOrBelow)) / (k * repeats)); // p≤ may round above 1
          expect(Math.abs(sum / repeats - pAtOrBelow)).toBeLessThanOrEqual(5 * standardError + 1e-9);
        },
      ),
      { numRuns: 50 }, // up to 32,000 categorical draws per run
    );
  });

  it('rejects an empty sample and NaN, naming the argument', () => {
    expect(() => mcQuantile(0, [])).toThrow('mcQuantile: sampleRewards: expected at least one entry, got length 0');
    expect(() => mcQuantile(NaN, [1])).toThrow('mcQuantile: r: expected a number that is not NaN, got NaN');
    expect(() => mcQuantile(0, [1, NaN])).toThrow('mcQuantile: sampleRewards: expected numbers that are not NaN, got sampleRewards[1] = NaN');
  });
});
