import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestOfNContinuousDensity } from '../../src/math/bestOfNContinuousDensity.js';
import { bestOfNCorrection } from '../../src/math/bestOfNCorrection.js';
import { bestOfNDistribution } from '../../src/math/bestOfNDistribution.js';
import { quantiles } from '../../src/math/quantiles.js';

const factorial = (m: number): number => (m <= 1 ? 1 : m * factorial(m - 1));
const binomial = (m: number, j: number): number => factorial(m) / (factorial(j) * factorial(m - j));

/** Beta(a, b) with integer parameters: exact density and CDF (the CDF is a binomial tail). */
function betaDistribution(a: number, b: number): { pdf: (x: number) => number; cdf: (x: number) => number } {
  const normaliser = (factorial(a - 1) * factorial(b - 1)) / factorial(a + b - 1);
  const m = a + b - 1;
  return {
    pdf: (x) => (x ** (a - 1) * (1 - x) ** (b - 1)) / normaliser,
    cdf: (x) => {
      let s = 0;
      for (let j = a; j <= m; j++) s += binomial(m, j) * x ** j * (1 - x) ** (m - j);
      return s;
    },
  };
}

/**
 * Discretises the distribution into K equal bins (bin masses from the CDF, reward = bin index) and
 * returns, over the bins whose midpoint is in [0.25, 0.9], the largest relative error of K·π_BoN(bin)
 * against eq (22) at the midpoint, and of term (B) of eq (4) against N.
 */
function discretisationErrors(pdf: (x: number) => number, cdf: (x: number) => number, n: number, k: number) {
  const ref = Array.from({ length: k }, (_, i) => cdf((i + 1) / k) - cdf(i / k));
  const rewards = ref.map((_, i) => i);
  const bon = bestOfNDistribution(ref, rewards, n);
  const { below, atOrBelow } = quantiles(ref, rewards);
  const density = bestOfNContinuousDensity(pdf, cdf, n);
  let densityError = 0, correctionError = 0;
  for (let i = 0; i < k; i++) {
    const mid = (i + 0.5) / k;
    if (mid < 0.25 || mid > 0.9) continue;
    densityError = Math.max(densityError, Math.abs((k * bon[i]!) / density(mid) - 1));
    correctionError = Math.max(correctionError, Math.abs(bestOfNCorrection(below[i]!, atOrBelow[i]!, n) / n - 1));
  }
  return { densityError, correctionError };
}

describe('bestOfNContinuousDensity', () => {
  it('is N·f·F^(N−1): the max of 3 uniforms has density 3y² (eq 22)', () => {
    const f = bestOfNContinuousDensity(() => 1, (y) => y, 3);
    expect(f(0.5)).toBe(0.75);
    expect(f(1)).toBe(3);
  });

  it('finer discretisations of a Beta density make eq 4 approach eq 22 and term (B) approach N (Appendix A.2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 32 }), (a, b, n) => {
        const { pdf, cdf } = betaDistribution(a, b);
        const errors = [100, 400, 1600, 6400].map((k) => discretisationErrors(pdf, cdf, n, k));
        for (let i = 1; i < errors.length; i++) {
          // Midpoint error is O(1/K²) and 1 − B/N is O(N/K) (pre-asymptotic when N/K is not small):
          // quadrupling K must cut them by more than 4 and 1.5 respectively, unless the density error is rounding already (f_N linear, e.g. uniform with N = 2: midpoints exact).
          expect(errors[i]!.densityError).toBeLessThan(Math.max(errors[i - 1]!.densityError / 4, 1e-12));
          expect(errors[i]!.correctionError).toBeLessThan(errors[i - 1]!.correctionError / 1.5);
        }
        expect(errors[3]!.densityError).toBeLessThan(1e-3);
        expect(errors[3]!.correctionError).toBeLessThan(0.05);
      }),
      { numRuns: 50 }, // each run discretises into 8,500 bins in all; 50 of the 496 (a, b, N) cases suffice
    );
  });

  it('rejects a non-integer n, naming it', () => {
    expect(() => bestOfNContinuousDensity(() => 1, (y) => y, 1.5)).toThrow('bestOfNContinuousDensity: n: expected an integer ≥ 1, got 1.5');
  });
});
