import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestOfNDistribution } from '../../src/math/bestOfNDistribution.js';
import { iteratedBestOfN } from '../../src/math/iteratedBestOfN.js';
import { distributionWithRewards } from '../../src/testing/arbitraries.js';

describe('iteratedBestOfN', () => {
  it('Best-of-n applied m times equals Best-of-n^m (eq 16)', () => {
    fc.assert(
      fc.property(
        distributionWithRewards({ maxSize: 12, nearZero: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 4 }),
        ({ ref, rewards }, n, m) => {
          const iterated = iteratedBestOfN(ref, rewards, n, m);
          const once = bestOfNDistribution(ref, rewards, n ** m);
          iterated.forEach((p, y) => expect(Math.abs(p - once[y]!)).toBeLessThan(1e-12));
        },
      ),
    );
  });

  it('zero applications return the reference unchanged', () => {
    expect(iteratedBestOfN([0.2, 0.8], [1, 0], 3, 0)).toEqual([0.2, 0.8]);
  });

  it('rejects a negative or fractional number of applications, naming it', () => {
    expect(() => iteratedBestOfN([1], [0], 2, -1)).toThrow('iteratedBestOfN: times: expected an integer ≥ 0, got -1');
    expect(() => iteratedBestOfN([1], [0], 0, 1)).toThrow('iteratedBestOfN: n: expected an integer ≥ 1, got 0');
  });
});
