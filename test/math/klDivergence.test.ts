import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { klDivergence } from '../../src/math/klDivergence.js';
import { discreteDistribution, distributionPair } from '../../src/testing/arbitraries.js';

/** Two distributions on the same support, both possibly with zeros and near-zero masses. */
const pair = distributionPair({ nearZero: [true, true] });

describe('klDivergence', () => {
  it('KL(p‖p) = 0', () => {
    fc.assert(fc.property(discreteDistribution({ nearZero: true }), (p) => {
      expect(klDivergence(p, p)).toBe(0);
    }));
  });

  it('KL(p‖q) ≥ 0 (Gibbs), and is +Infinity exactly when p puts mass where q has none', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const kl = klDivergence(p, q);
        expect(kl).toBeGreaterThanOrEqual(-1e-15);
        expect(kl === Infinity).toBe(p.some((x, i) => x > 0 && q[i] === 0));
      }),
    );
  });

  it('equals cross-entropy minus entropy, −Σp·log q + Σp·log p', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        fc.pre(p.every((x, i) => x === 0 || q[i]! > 0));
        const crossEntropy = -p.reduce((acc, x, i) => (x > 0 ? acc + x * Math.log(q[i]!) : acc), 0);
        const entropy = -p.reduce((acc, x) => (x > 0 ? acc + x * Math.log(x) : acc), 0);
        expect(Math.abs(klDivergence(p, q) - (crossEntropy - entropy))).toBeLessThan(1e-12 * Math.max(1, crossEntropy));
      }),
    );
  });

  it('matches a hand computation', () => {
    expect(klDivergence([1, 0], [0.5, 0.5])).toBe(Math.log(2));
    expect(Math.abs(klDivergence([0.5, 0.5], [0.25, 0.75]) - (0.5 * Math.log(2) + 0.5 * Math.log(2 / 3)))).toBeLessThan(1e-15);
  });

  it('rejects non-distributions and length mismatch, naming the argument', () => {
    expect(() => klDivergence([0.5, 0.5], [1])).toThrow('klDivergence: q: expected length 2 (the length of p), got length 1');
    expect(() => klDivergence([0.5, 0.5], [0.5, 0.6])).toThrow('klDivergence: q: expected probabilities summing to 1 (±1e-9), got sum 1.1');
    expect(() => klDivergence([NaN, 1], [0.5, 0.5])).toThrow('klDivergence: p: expected non-negative finite probabilities, got p[0] = NaN');
  });
});
