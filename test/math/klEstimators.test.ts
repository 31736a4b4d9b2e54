import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { klDivergence } from '../../src/math/klDivergence.js';
import { k1, k2, k3 } from '../../src/math/klEstimators.js';
import { distributionPair } from '../../src/testing/arbitraries.js';

/** p (the sampling distribution, zeros allowed) and q with full support, so KL(p‖q) is finite. */
const pair = distributionPair({ nearZero: [true, false] });

/** E_{x∼p}[estimator(log p(x), log q(x))], summed exactly over the support. */
const expectation = (estimator: (logP: number, logQ: number) => number, p: number[], q: number[]): number =>
  p.reduce((acc, x, i) => (x > 0 ? acc + x * estimator(Math.log(x), Math.log(q[i]!)) : acc), 0);

describe('k1, k2, k3', () => {
  it('E_p[k1] = KL(p‖q): k1 is unbiased', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const kl = klDivergence(p, q);
        expect(Math.abs(expectation(k1, p, q) - kl)).toBeLessThan(1e-12 * Math.max(1, kl));
      }),
    );
  });

  it('E_p[k3] = KL(p‖q) when q > 0 wherever p > 0 and Σ q over p’s support is 1: k3 is unbiased', () => {
    fc.assert(
      fc.property(
        distributionPair(),
        ([p, q]) => {
          const kl = klDivergence(p, q);
          expect(Math.abs(expectation(k3, p, q) - kl)).toBeLessThan(1e-12 * Math.max(1, kl));
        },
      ),
    );
  });

  it('k2 and k3 are non-negative per sample, and all three are 0 when log p = log q', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 0, noNaN: true }), fc.double({ min: -50, max: 0, noNaN: true }), (logP, logQ) => {
        expect(k2(logP, logQ)).toBeGreaterThanOrEqual(0);
        expect(k3(logP, logQ)).toBeGreaterThanOrEqual(0);
        expect([k1(logP, logP), k2(logP, logP), k3(logP, logP)]).toEqual([0, 0, 0]);
      }),
    );
  });

  it('k3 keeps precision near r = 1, where (r − 1) − log r cancels: k3 ≈ (log r)²/2', () => {
    const logR = 1e-9;
    expect(Math.abs(k3(0, logR) - logR ** 2 / 2)).toBeLessThan(1e-6 * (logR ** 2 / 2));
  });

  it('match the hand formulas: k1 = log p − log q, k2 = (log q − log p)²/2, k3 = (q/p − 1) − log(q/p)', () => {
    expect(k1(Math.log(0.5), Math.log(0.25))).toBe(Math.log(0.5) - Math.log(0.25));
    expect(k2(0, Math.log(2))).toBe(Math.log(2) ** 2 / 2);
    expect(Math.abs(k3(Math.log(0.5), Math.log(0.25)) - (0.5 - 1 - Math.log(0.5)))).toBeLessThan(1e-15);
    expect(() => k1(NaN, 0)).toThrow('k1: logP: expected a number that is not NaN, got NaN');
  });
});
