import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestOfNDistribution } from '../../src/math/bestOfNDistribution.js';
import { bondBeta, bondCorrection, bondReward } from '../../src/math/bondReward.js';
import { klDivergence } from '../../src/math/klDivergence.js';
import { softmax } from '../../src/math/logSumExp.js';
import { quantiles } from '../../src/math/quantiles.js';
import { distributionWithRewards, strictlyIncreasingTransform } from '../../src/testing/arbitraries.js';

const anyDistribution = distributionWithRewards({ maxSize: 12, nearZero: true });
const bondRewards = (ref: readonly number[], rewards: readonly number[], n: number): number[] => {
  const { below, atOrBelow } = quantiles(ref, rewards);
  return below.map((pBelow, y) => bondReward(pBelow, atOrBelow[y]!, n));
};

describe('bondReward', () => {
  it('π_BoN ∝ π_ref·exp(r_BOND/β_BOND) with β_BOND = 1/(N−1) on elements with π_ref > 0 (eqs 7–8)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 2, max: 256 }), ({ ref, rewards }, n) => {
        const bon = bestOfNDistribution(ref, rewards, n);
        const r = bondRewards(ref, rewards, n);
        const support = ref.flatMap((p, y) => (p > 0 ? [y] : []));
        // Eq (7) normalised over the support, in log space so that tiny masses do not underflow.
        const logits = support.map((y) => Math.log(ref[y]!) + r[y]! / bondBeta(n));
        const rlhfOptimum = softmax(logits);
        support.forEach((y, k) => expect(Math.abs(rlhfOptimum[k]! - bon[y]!)).toBeLessThan(1e-12));
      }),
    );
  });

  it('term (B) of eq 8 lies in [0, log(N)/(N−1)] (eqs 5, 8)', () => {
    fc.assert(
      fc.property(anyDistribution, fc.integer({ min: 2, max: 4096 }), ({ ref, rewards }, n) => {
        const { below, atOrBelow } = quantiles(ref, rewards);
        below.forEach((pBelow, y) => {
          const c = bondCorrection(pBelow, atOrBelow[y]!, n);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(Math.log(n) / (n - 1));
        });
      }),
    );
  });

  it('is invariant under any strictly increasing transform of the rewards (Section 3.3)', () => {
    fc.assert(
      fc.property(anyDistribution, strictlyIncreasingTransform(), fc.integer({ min: 2, max: 64 }), ({ ref, rewards }, f, n) => {
        expect(bondRewards(ref, rewards.map(f), n)).toEqual(bondRewards(ref, rewards, n));
      }),
    );
  });

  it('backward-KL gradient equals −(N−1)·E_π[∇log π·(r_BOND − β_BOND(log π − log π_ref))] for a softmax policy (eq 15, A.3)', () => {
    const logits = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(distributionWithRewards({ minSize: 2, maxSize: 12 }), logits, fc.integer({ min: 2, max: 16 }), ({ ref, rewards }, theta, n) => {
        const k = ref.length;
        const bon = bestOfNDistribution(ref, rewards, n);
        const kl = (t: readonly number[]): number => klDivergence(softmax(t.slice(0, k)), bon);
        const pi = softmax(theta.slice(0, k));
        const r = bondRewards(ref, rewards, n);
        const beta = bondBeta(n);
        // ∇_θ log π(y) = e_y − π for a softmax, so E_π[∇log π · R] has j-th entry π_j·(R_j − E_π[R]).
        const ret = pi.map((p, y) => r[y]! - beta * (Math.log(p) - Math.log(ref[y]!)));
        const meanReturn = pi.reduce((acc, p, y) => acc + p * ret[y]!, 0);
        const h = 1e-5;
        for (let j = 0; j < k; j++) {
          const plus = [...theta], minus = [...theta];
          plus[j]! += h;
          minus[j]! -= h;
          const finiteDifference = (kl(plus) - kl(minus)) / (2 * h);
          const policyGradient = -(n - 1) * pi[j]! * (ret[j]! - meanReturn);
          expect(Math.abs(finiteDifference - policyGradient)).toBeLessThan(1e-6 * Math.max(1, Math.abs(policyGradient)));
        }
      }),
    );
  });

  it('is log p≤ for the worst element and −Infinity when p≤ = 0', () => {
    expect(bondReward(0, 0.5, 2)).toBe(Math.log(0.5));
    expect(bondReward(0, 0, 8)).toBe(-Infinity);
  });

  it('needs N ≥ 2, naming n, because β_BOND = 1/(N−1) is infinite at N = 1', () => {
    expect(() => bondReward(0, 0.5, 1)).toThrow('bondReward: n: expected an integer ≥ 2, got 1');
    expect(() => bondBeta(1)).toThrow('bondBeta: n: expected an integer ≥ 2, got 1');
    expect(bondBeta(5)).toBe(0.25);
    expect(() => bondCorrection(0.2, 0.1, 3)).toThrow('bondCorrection: pBelow: expected a probability ≤ pAtOrBelow (0.1), got 0.2');
  });
});
