import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestOfNDistribution } from '../../src/math/bestOfNDistribution.js';
import { quantiles } from '../../src/math/quantiles.js';
import { rankOrder } from '../../src/math/rankOrder.js';
import { distributionWithRewards, strictlyIncreasingTransform } from '../../src/testing/arbitraries.js';

/** Best-of-N by brute force: every N-tuple of draws, the winner by (reward, index), the product of masses. */
function bruteForceBestOfN(ref: readonly number[], rewards: readonly number[], n: number): number[] {
  const result = ref.map(() => 0);
  const tuple = new Array<number>(n).fill(0);
  for (;;) {
    let winner = tuple[0]!;
    let probability = 1;
    for (const y of tuple) {
      probability *= ref[y]!;
      if (rewards[y]! > rewards[winner]! || (rewards[y] === rewards[winner] && y > winner)) winner = y;
    }
    result[winner]! += probability;
    let position = 0;
    while (position < n && tuple[position] === ref.length - 1) tuple[position++] = 0;
    if (position === n) return result;
    tuple[position]! += 1;
  }
}

/** Eq (4) exactly as printed: π_ref · p≤^(N−1) · Σ_{i=1..N} (p</p≤)^(i−1), summed term by term. */
function literalEq4(ref: readonly number[], rewards: readonly number[], n: number): number[] {
  const { below, atOrBelow } = quantiles(ref, rewards);
  return ref.map((p, y) => {
    if (p === 0) return 0;
    let correction = 0;
    for (let i = 1; i <= n; i++) correction += (below[y]! / atOrBelow[y]!) ** (i - 1);
    return p * atOrBelow[y]! ** (n - 1) * correction;
  });
}

const anyDistribution = distributionWithRewards({ maxSize: 12, nearZero: true });

describe('bestOfNDistribution', () => {
  it('is non-negative and sums to 1 (eq 4)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 1, max: 64 }), ({ ref, rewards }, n) => {
        const bon = bestOfNDistribution(ref, rewards, n);
        expect(bon.every((p) => p >= 0)).toBe(true);
        expect(Math.abs(bon.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      }),
    );
  });

  it('equals brute-force enumeration of all N-tuples of draws with ties broken by index (Theorem 1)', () => {
    fc.assert(
      fc.property(distributionWithRewards({ maxSize: 5, nearZero: true }), fc.integer({ min: 1, max: 4 }), ({ ref, rewards }, n) => {
        const bon = bestOfNDistribution(ref, rewards, n);
        const brute = bruteForceBestOfN(ref, rewards, n);
        bon.forEach((p, y) => expect(Math.abs(p - brute[y]!)).toBeLessThan(1e-14));
      }),
    );
  });

  it('equals eq 4 evaluated term by term, π_ref·p≤^(N−1)·Σ(p</p≤)^(i−1) (eq 4)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 1, max: 16 }), ({ ref, rewards }, n) => {
        const bon = bestOfNDistribution(ref, rewards, n);
        const literal = literalEq4(ref, rewards, n);
        bon.forEach((p, y) => expect(Math.abs(p - literal[y]!)).toBeLessThan(1e-13));
      }),
    );
  });

  it('Best-of-1 is the reference distribution', () => {
    fc.assert(
      fc.property(anyDistribution, ({ ref, rewards }) => {
        bestOfNDistribution(ref, rewards, 1).forEach((p, y) => expect(Math.abs(p - ref[y]!)).toBeLessThan(1e-15));
      }),
    );
  });

  it('the worst element gets π_ref(y⁻)^N (eq 5)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 1, max: 4096 }), ({ ref, rewards }, n) => {
        const worst = rankOrder(rewards)[0]!;
        const expected = ref[worst]! ** n;
        const actual = bestOfNDistribution(ref, rewards, n)[worst]!;
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * expected);
      }),
    );
  });

  it('is unchanged by any strictly increasing transform of the rewards (rank invariance, Section 3.3)', () => {
    fc.assert(
      fc.property(anyDistribution, strictlyIncreasingTransform(), fc.integer({ min: 1, max: 64 }), ({ ref, rewards }, f, n) => {
        const transformed = rewards.map(f);
        expect(rankOrder(transformed)).toEqual(rankOrder(rewards));
        expect(bestOfNDistribution(ref, transformed, n)).toEqual(bestOfNDistribution(ref, rewards, n));
      }),
    );
  });

  it('at n = 4096 stays finite and normalised, and an element with mass ≥ 0.01 that is best takes all but 1e-12', () => {
    fc.assert(
      fc.property(anyDistribution, ({ ref, rewards }) => {
        const bon = bestOfNDistribution(ref, rewards, 4096);
        expect(bon.every((p) => Number.isFinite(p) && p >= 0)).toBe(true);
        expect(Math.abs(bon.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
        const best = rankOrder(rewards)[rewards.length - 1]!;
        if (ref[best]! >= 0.01) expect(bon[best]!).toBeGreaterThan(1 - 1e-12);
      }),
    );
  });

  it('at n = 4096 a best element of mass 1e-12 gets 1 − (1 − w)^n to full precision (binomial series)', () => {
    const w = 1e-12;
    const n = 4096;
    const bon = bestOfNDistribution([0.25, 0.75 - w, w], [0, 1, 2], n);
    // 1 − (1 − w)^n = n·w − C(n,2)·w² + C(n,3)·w³ − …; with n·w ≈ 4e-9 three terms reach 1e-25 relative.
    const series = n * w - ((n * (n - 1)) / 2) * w ** 2 + ((n * (n - 1) * (n - 2)) / 6) * w ** 3;
    expect(Math.abs(bon[2]! - series)).toBeLessThan(1e-14 * series);
    // The same element by the naive formula p≤^n − p<^n loses about four digits to cancellation.
    expect(Math.abs(1 - (1 - w) ** n - series)).toBeGreaterThan(1e-6 * series);
  });

  it('rejects bad arguments with a RangeError naming the argument', () => {
    expect(() => bestOfNDistribution([0.5, 0.2], [0, 1], 2)).toThrow(
      new RangeError('bestOfNDistribution: ref: expected probabilities summing to 1 (±1e-9), got sum 0.7'),
    );
    expect(() => bestOfNDistribution([1.5, -0.5], [0, 1], 2)).toThrow(
      'bestOfNDistribution: ref: expected non-negative finite probabilities, got ref[1] = -0.5',
    );
    expect(() => bestOfNDistribution([0.5, 0.5], [0], 2)).toThrow(
      'bestOfNDistribution: rewards: expected length 2 (the length of ref), got length 1',
    );
    expect(() => bestOfNDistribution([0.5, 0.5], [0, 1], 2.5)).toThrow('bestOfNDistribution: n: expected an integer ≥ 1, got 2.5');
    expect(() => bestOfNDistribution([0.5, 0.5], [0, 1], 0)).toThrow(RangeError);
    expect(() => bestOfNDistribution([0.5, 0.5], [0, NaN], 2)).toThrow('rewards: expected numbers that are not NaN, got rewards[1] = NaN');
  });
});
