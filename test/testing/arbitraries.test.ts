import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertDistribution } from '../../src/math/validate.js';
import { discreteDistribution, distributionPair, distributionWithRewards, rewardVector, strictlyIncreasingTransform } from '../../src/testing/arbitraries.js';

const onGrid = (r: number): boolean => Number.isInteger(r * 4) && Math.abs(r) <= 8;

describe('discreteDistribution', () => {
  it('generates probability vectors of the requested size that src/math validation accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), (minSize, extra, nearZero) => {
        const [p] = fc.sample(discreteDistribution({ minSize, maxSize: minSize + extra, nearZero }), { numRuns: 1, seed: minSize * 31 + extra });
        expect(p!.length).toBeGreaterThanOrEqual(minSize);
        expect(p!.length).toBeLessThanOrEqual(minSize + extra);
        expect(p!.every((x) => x >= 0)).toBe(true);
        expect(Math.abs(assertDistribution('test', 'p', p!) - 1)).toBeLessThan(1e-14);
      }),
    );
  });

  it('with nearZero draws exact zeros and masses below 1e-8; without, never', () => {
    const near = fc.sample(discreteDistribution({ nearZero: true }), { numRuns: 300, seed: 1 }).flat();
    expect(near.some((x) => x === 0)).toBe(true);
    expect(near.some((x) => x > 0 && x < 1e-8)).toBe(true);
    const regular = fc.sample(discreteDistribution(), { numRuns: 300, seed: 1 }).flat();
    expect(regular.every((x) => x > 1e-3)).toBe(true);
  });
});

describe('rewardVector', () => {
  it('without ties gives distinct grid rewards; with ties every vector of length ≥ 2 has a repeat', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }).chain((k) => fc.tuple(fc.constant(k), rewardVector(k), rewardVector(k, { ties: true }))), ([k, distinct, tied]) => {
        expect(distinct.length).toBe(k);
        expect(new Set(distinct).size).toBe(k);
        expect(tied.length).toBe(k);
        if (k >= 2) expect(new Set(tied).size).toBeLessThan(k);
        expect([...distinct, ...tied].every(onGrid)).toBe(true);
      }),
    );
  });
});

describe('strictlyIncreasingTransform', () => {
  it('is finite and strictly increasing on the reward grid and between any two grid rewards', () => {
    fc.assert(
      fc.property(strictlyIncreasingTransform(), rewardVector(2), (f, [a, b]) => {
        const [lo, hi] = a! < b! ? [a!, b!] : [b!, a!];
        expect(f(lo)).toBeLessThan(f(hi));
        expect(Number.isFinite(f(lo)) && Number.isFinite(f(hi))).toBe(true);
      }),
    );
  });

  it('is not always affine, and prints as its formula', () => {
    const fs = fc.sample(strictlyIncreasingTransform(), { numRuns: 50, seed: 2 });
    expect(fs.some((f) => Math.abs(f(1) - f(0) - (f(2) - f(1))) > 1e-6)).toBe(true);
    expect(fc.stringify(fs[0])).toMatch(/^x => /);
  });
});

describe('distributionWithRewards', () => {
  it('pairs a distribution with one reward per element, with and without ties when ties is left out', () => {
    const samples = fc.sample(distributionWithRewards({ minSize: 4, maxSize: 8 }), { numRuns: 100, seed: 3 });
    expect(samples.every(({ ref, rewards }) => ref.length === rewards.length)).toBe(true);
    const tied = samples.filter(({ rewards }) => new Set(rewards).size < rewards.length).length;
    expect(tied).toBeGreaterThan(10);
    expect(tied).toBeLessThan(90);
  });
});

describe('distributionPair', () => {
  it('draws two distributions on one support, with near-zero masses only on the sides asked for', () => {
    const samples = fc.sample(distributionPair({ minSize: 2, maxSize: 6, nearZero: [true, false] }), { numRuns: 300, seed: 4 });
    expect(samples.every(([p, q]) => p.length === q.length && p.length >= 2 && p.length <= 6)).toBe(true);
    expect(samples.every(([p, q]) => Math.abs(assertDistribution('test', 'p', p) - 1) < 1e-14 && Math.abs(assertDistribution('test', 'q', q) - 1) < 1e-14)).toBe(true);
    expect(samples.some(([p]) => p.some((x) => x < 1e-8))).toBe(true);
    expect(samples.every(([, q]) => q.every((x) => x > 1e-3))).toBe(true);
  });
});
