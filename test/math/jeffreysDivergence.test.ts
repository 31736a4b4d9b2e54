import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jeffreysDivergence } from '../../src/math/jeffreysDivergence.js';
import { klDivergence } from '../../src/math/klDivergence.js';
import { discreteDistribution, distributionPair } from '../../src/testing/arbitraries.js';

/** A policy π (no zeros, as a softmax policy) and a target such as π_BoN (zeros allowed). */
const policyAndTarget = distributionPair({ nearZero: [false, true] });

describe('jeffreysDivergence', () => {
  it('with β = 0 is the forward KL(π_BoN‖π) and with β = 1 the backward KL(π‖π_BoN) (eqs 11, 12, 14)', () => {
    fc.assert(
      fc.property(policyAndTarget, ([pi, bon]) => {
        expect(jeffreysDivergence(pi, bon, 0)).toBe(klDivergence(bon, pi));
        expect(jeffreysDivergence(pi, bon, 1)).toBe(klDivergence(pi, bon));
      }),
    );
  });

  it('is (1 − β)·KL(q‖p) + β·KL(p‖q) for every β in [0, 1] (eq 11)', () => {
    fc.assert(
      fc.property(policyAndTarget, fc.double({ min: 0, max: 1, noNaN: true }), ([pi, bon], beta) => {
        fc.pre(pi.every((x, i) => bon[i]! > 0 || x === 0) || beta === 0);
        const expected = (1 - beta) * klDivergence(bon, pi) + (beta > 0 ? beta * klDivergence(pi, bon) : 0);
        expect(Math.abs(jeffreysDivergence(pi, bon, beta) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, expected));
      }),
    );
  });

  it('is 0 between a distribution and itself', () => {
    fc.assert(fc.property(discreteDistribution({ nearZero: true }), fc.double({ min: 0, max: 1, noNaN: true }), (p, beta) => {
      expect(jeffreysDivergence(p, p, beta)).toBe(0);
    }));
  });

  it('ignores an infinite KL on the side whose weight is 0, instead of returning NaN', () => {
    expect(jeffreysDivergence([1, 0], [0.5, 0.5], 1)).toBe(Math.log(2));
    expect(jeffreysDivergence([1, 0], [0.5, 0.5], 0)).toBe(Infinity);
    expect(jeffreysDivergence([0.5, 0.5], [1, 0], 0)).toBe(Math.log(2));
  });

  it('rejects β outside [0, 1], naming it', () => {
    expect(() => jeffreysDivergence([1], [1], 1.5)).toThrow('jeffreysDivergence: beta: expected a number in [0, 1], got 1.5');
    expect(() => jeffreysDivergence([1], [1], NaN)).toThrow(RangeError);
  });
});
