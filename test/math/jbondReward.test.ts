import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { expectedJBondReward } from '../../src/math/expectedJBondReward.js';
import { jbondReward } from '../../src/math/jbondReward.js';
import { distributionWithRewards } from '../../src/testing/arbitraries.js';

describe('jbondReward', () => {
  it('is −log 16 exactly when the sample is strictly worse than both anchors (eq 17)', () => {
    expect(jbondReward(0.1, [0.2, 0.7])).toBe(-Math.log(16));
    expect(jbondReward(0.2, [0.2, 0.7])).toBe(0);
    expect(jbondReward(0.5, [0.2, 0.7])).toBe(0);
    expect(jbondReward(0.9, [0.2, 0.7])).toBe(0);
  });

  it('averaged over two anchor draws converges to −log(16)·(1 − p≤)² (eqs 17, 24), within 5 standard errors', () => {
    const draws = 20_000;
    fc.assert(
      fc.property(distributionWithRewards({ maxSize: 12, nearZero: true }), fc.nat(), fc.integer(), ({ ref, rewards }, pick, seed) => {
        const y = pick % ref.length;
        const r = rewards[y]!;
        // p≤ of eq (24) compares rewards only (the anchor samples carry no index to break ties).
        const pAtOrBelow = ref.reduce((acc, p, i) => (rewards[i]! <= r ? acc + p : acc), 0);
        const rng = createRng(seed);
        let sum = 0;
        for (let t = 0; t < draws; t++) sum += jbondReward(r, [rewards[rng.categorical(ref)]!, rewards[rng.categorical(ref)]!]);
        const q = (1 - pAtOrBelow) ** 2; // probability of the penalty
        const standardError = Math.log(16) * Math.sqrt((q * (1 - q)) / draws);
        expect(Math.abs(sum / draws - expectedJBondReward(pAtOrBelow))).toBeLessThanOrEqual(5 * standardError + 1e-12);
      }),
      { numRuns: 50 }, // 40,000 categorical draws per run
    );
  });

  it('rejects NaN rewards, naming the argument', () => {
    expect(() => jbondReward(NaN, [0, 1])).toThrow('jbondReward: r: expected a number that is not NaN, got NaN');
    expect(() => jbondReward(0, [0, NaN])).toThrow('jbondReward: anchorRewards[1]: expected a number that is not NaN, got NaN');
  });
});

describe('expectedJBondReward', () => {
  it('equals log p≤ = log(0.5) at the median, which is what calibrates −log 16 (eq 24, Appendix A.4)', () => {
    expect(Math.abs(expectedJBondReward(0.5) - Math.log(0.5))).toBeLessThan(1e-12);
  });

  it('is −log 16 at p≤ = 0, 0 at p≤ = 1, and non-decreasing in p≤ (eq 24)', () => {
    expect(expectedJBondReward(0)).toBe(-Math.log(16));
    expect(expectedJBondReward(1)).toBe(-0);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(expectedJBondReward(lo)).toBeLessThanOrEqual(expectedJBondReward(hi));
      }),
    );
  });

  it('rejects a p≤ outside [0, 1], naming it', () => {
    expect(() => expectedJBondReward(1.5)).toThrow('expectedJBondReward: pAtOrBelow: expected a probability in [0, 1], got 1.5');
    expect(() => expectedJBondReward(NaN)).toThrow(RangeError);
  });
});
