import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantiles } from '../../src/math/quantiles.js';
import { distributionWithRewards } from '../../src/testing/arbitraries.js';

/** y′ is worse than y: lower reward, or equal reward and lower index (footnote 1). */
const worse = (rewards: readonly number[], a: number, b: number): boolean => rewards[a]! < rewards[b]! || (rewards[a] === rewards[b] && a < b);

describe('quantiles', () => {
  it('p< and p≤ equal the sums over worse and not-better elements under the (reward, index) order (eqs 2, 3)', () => {
    fc.assert(
      fc.property(distributionWithRewards({ maxSize: 12, nearZero: true }), ({ ref, rewards }) => {
        const { below, atOrBelow, above } = quantiles(ref, rewards);
        ref.forEach((_, y) => {
          const slowBelow = ref.reduce((acc, p, i) => (worse(rewards, i, y) ? acc + p : acc), 0);
          const slowAbove = ref.reduce((acc, p, i) => (worse(rewards, y, i) ? acc + p : acc), 0);
          expect(Math.abs(below[y]! - slowBelow)).toBeLessThan(1e-15);
          expect(Math.abs(atOrBelow[y]! - (slowBelow + ref[y]!))).toBeLessThan(1e-15);
          expect(Math.abs(above[y]! - slowAbove)).toBeLessThan(1e-15);
        });
      }),
    );
  });

  it('p≤ − p< = π_ref(y), p≤ + p> = 1, and the worst element has p< = 0', () => {
    fc.assert(
      fc.property(distributionWithRewards({ maxSize: 12, nearZero: true }), ({ ref, rewards }) => {
        const { below, atOrBelow, above } = quantiles(ref, rewards);
        ref.forEach((p, y) => {
          expect(Math.abs(atOrBelow[y]! - below[y]! - p)).toBeLessThan(1e-15);
          expect(Math.abs(atOrBelow[y]! + above[y]! - 1)).toBeLessThan(1e-14);
        });
        expect(Math.min(...below)).toBe(0);
      }),
    );
  });

  it('breaks ties by index: of two equal rewards, the higher index has the higher quantile', () => {
    expect(quantiles([0.5, 0.25, 0.25], [1, 0, 1])).toEqual({ below: [0.25, 0, 0.75], atOrBelow: [0.75, 0.25, 1], above: [0.25, 0.75, 0] });
  });

  it('rejects rewards of the wrong length, naming them', () => {
    expect(() => quantiles([1], [0, 1])).toThrow('quantiles: rewards: expected length 1 (the length of ref), got length 2');
  });
});
