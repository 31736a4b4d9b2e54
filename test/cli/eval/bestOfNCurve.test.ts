import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedMaxOfN, matchingN, type BestOfNPoint } from '../../../src/cli/eval/bestOfNCurve.js';

/** Every n-subset of 0 … m − 1, the slow obvious way. */
function subsets(m: number, n: number): number[][] {
  if (n === 0) return [[]];
  if (m < n) return [];
  return [...subsets(m - 1, n - 1).map((s) => [...s, m - 1]), ...subsets(m - 1, n)];
}

const rewards = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 9 });

describe('expectedMaxOfN', () => {
  it('equals the mean, over every N-subset of the draws, of the subset maximum', () => {
    fc.assert(
      fc.property(rewards, fc.nat(), (rs, k) => {
        const n = (k % rs.length) + 1;
        const all = subsets(rs.length, n);
        const brute = all.reduce((acc, s) => acc + Math.max(...s.map((i) => rs[i] as number)), 0) / all.length;
        expect(expectedMaxOfN(rs, n)).toBeCloseTo(brute, 10);
      }),
    );
  });

  it('is the mean for N = 1, the maximum for N = M, and never decreases with N', () => {
    fc.assert(
      fc.property(rewards, (rs) => {
        expect(expectedMaxOfN(rs, 1)).toBeCloseTo(rs.reduce((a, b) => a + b, 0) / rs.length, 10);
        expect(expectedMaxOfN(rs, rs.length)).toBeCloseTo(Math.max(...rs), 10);
        for (let n = 2; n <= rs.length; n++) expect(expectedMaxOfN(rs, n)).toBeGreaterThanOrEqual(expectedMaxOfN(rs, n - 1) - 1e-12);
      }),
    );
  });

  it('estimates E[max of N i.i.d. draws] without bias (checked against the exact value for a fair die)', () => {
    // For a fair six-sided die, E[max of 2 rolls] = Σ_k k·(k² − (k−1)²)/36 = 161/36.
    let seed = 7;
    const roll = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed % 6) + 1;
    };
    const trials = 4000;
    let total = 0;
    for (let t = 0; t < trials; t++) total += expectedMaxOfN(Array.from({ length: 8 }, roll), 2);
    expect(total / trials).toBeCloseTo(161 / 36, 1);
  });

  it('refuses N outside [1, M]', () => {
    expect(() => expectedMaxOfN([1, 2], 3)).toThrow('expectedMaxOfN: expected n an integer in [1, 2] (the number of rewards), got 3');
    expect(() => expectedMaxOfN([1, 2], 0)).toThrow(RangeError);
  });
});

describe('matchingN', () => {
  const curve: BestOfNPoint[] = [
    { n: 1, rewardMean: 1 },
    { n: 2, rewardMean: 2 },
    { n: 4, rewardMean: 2 },
    { n: 16, rewardMean: 4 },
  ];

  it('interpolates linearly in log N between the bracketing points', () => {
    expect(matchingN(1.5, curve).bound).toBe('within');
    expect(matchingN(1.5, curve).n).toBeCloseTo(Math.SQRT2, 12);
    expect(matchingN(3, curve).n).toBeCloseTo(8, 12);
  });

  it('returns a measured N exactly when the reward is on the curve, the smallest on a flat stretch', () => {
    expect(matchingN(1, curve)).toEqual({ n: 1, bound: 'within' });
    expect(matchingN(2, curve)).toEqual({ n: 2, bound: 'within' });
    expect(matchingN(4, curve)).toEqual({ n: 16, bound: 'within' });
  });

  it('says when the policy is below one reference sample or above the largest N', () => {
    expect(matchingN(0.5, curve)).toEqual({ n: 1, bound: 'below' });
    expect(matchingN(9, curve)).toEqual({ n: 16, bound: 'above' });
  });

  it('is monotone: a better policy never matches a smaller N', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(matchingN(hi, curve).n).toBeGreaterThanOrEqual(matchingN(lo, curve).n);
      }),
    );
  });
});
