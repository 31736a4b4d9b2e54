import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSumExp, softmax } from '../../src/math/logSumExp.js';

const logits = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 12 });

describe('logSumExp', () => {
  it('equals log Σ exp(x) where that does not overflow', () => {
    fc.assert(
      fc.property(logits, (xs) => {
        const naive = Math.log(xs.reduce((acc, x) => acc + Math.exp(x), 0));
        expect(Math.abs(logSumExp(xs) - naive)).toBeLessThan(1e-12 * Math.max(1, Math.abs(naive)));
      }),
    );
  });

  it('shifts with its argument, lse(x + c) = lse(x) + c, even where exp overflows', () => {
    fc.assert(
      fc.property(logits, fc.double({ min: 1000, max: 1e5, noNaN: true }), (xs, c) => {
        expect(Math.abs(logSumExp(xs.map((x) => x + c)) - (logSumExp(xs) + c))).toBeLessThan(1e-10 * c);
      }),
    );
  });

  it('is −Infinity for an empty list or all −Infinity', () => {
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([1000, 1000])).toBe(1000 + Math.log(2));
  });
});

describe('softmax', () => {
  it('sums to 1 and keeps the ratios exp(xᵢ − xⱼ)', () => {
    fc.assert(
      fc.property(logits, (xs) => {
        const p = softmax(xs);
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-14);
        expect(Math.abs(p[0]! / p[p.length - 1]! - Math.exp(xs[0]! - xs[xs.length - 1]!))).toBeLessThan(1e-9 * Math.exp(xs[0]! - xs[xs.length - 1]!));
      }),
    );
  });

  it('matches a hand computation', () => {
    const p = softmax([0, Math.log(3)]);
    expect(Math.abs(p[0]! - 0.25)).toBeLessThan(1e-15);
    expect(Math.abs(p[1]! - 0.75)).toBeLessThan(1e-15);
  });
});
