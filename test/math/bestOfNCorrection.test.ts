import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestOfNCorrection, logBestOfNCorrection } from '../../src/math/bestOfNCorrection.js';
import { quantiles } from '../../src/math/quantiles.js';
import { rankOrder } from '../../src/math/rankOrder.js';
import { distributionWithRewards } from '../../src/testing/arbitraries.js';

const anyDistribution = distributionWithRewards({ maxSize: 12, nearZero: true });

describe('bestOfNCorrection', () => {
  it('term (B) of eq 4 lies in [1, N] for every element (eq 5)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 1, max: 4096 }), ({ ref, rewards }, n) => {
        const { below, atOrBelow } = quantiles(ref, rewards);
        below.forEach((pBelow, y) => {
          const b = bestOfNCorrection(pBelow, atOrBelow[y]!, n);
          expect(b).toBeGreaterThanOrEqual(1);
          expect(b).toBeLessThanOrEqual(n);
        });
      }),
    );
  });

  it('equals the geometric sum Σ_{i=1..N} (p</p≤)^(i−1) computed term by term (eq 4)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 1, max: 64 }), ({ ref, rewards }, n) => {
        const { below, atOrBelow } = quantiles(ref, rewards);
        below.forEach((pBelow, y) => {
          if (atOrBelow[y] === 0) return;
          let sum = 0;
          for (let i = 1; i <= n; i++) sum += (pBelow / atOrBelow[y]!) ** (i - 1);
          expect(Math.abs(bestOfNCorrection(pBelow, atOrBelow[y]!, n) - sum)).toBeLessThan(1e-12 * sum);
        });
      }),
    );
  });

  it('is 1 for the worst element, whose p< is 0 (eq 5)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 1, max: 64 }), ({ ref, rewards }, n) => {
        const worst = rankOrder(rewards)[0]!;
        const { below, atOrBelow } = quantiles(ref, rewards);
        expect(below[worst]).toBe(0);
        expect(bestOfNCorrection(0, atOrBelow[worst]!, n)).toBe(1);
      }),
    );
  });

  it('is N when p< = p≤, the continuous limit (Appendix A.2), and its log is log N', () => {
    expect(bestOfNCorrection(0.3, 0.3, 7)).toBe(7);
    expect(logBestOfNCorrection(0.3, 0.3, 7)).toBe(Math.log(7));
  });

  it('treats p≤ = 0 like the worst element: correction 1', () => {
    expect(bestOfNCorrection(0, 0, 5)).toBe(1);
    expect(logBestOfNCorrection(0, 0, 5)).toBe(0);
  });

  it('rejects p< > p≤ and probabilities outside [0, 1], naming the argument', () => {
    expect(() => bestOfNCorrection(0.6, 0.5, 2)).toThrow('bestOfNCorrection: pBelow: expected a probability ≤ pAtOrBelow (0.5), got 0.6');
    expect(() => bestOfNCorrection(0, 1.5, 2)).toThrow('bestOfNCorrection: pAtOrBelow: expected a probability in [0, 1], got 1.5');
    expect(() => logBestOfNCorrection(0, 0.5, 0)).toThrow('logBestOfNCorrection: n: expected an integer ≥ 1, got 0');
  });
});
