import { describe, expect, it } from 'vitest';
import {
  assertComparable,
  assertDistribution,
  assertNonEmpty,
  assertNotNaN,
  assertPositiveInteger,
  assertProbability,
  assertQuantilePair,
  assertSameLength,
  assertUnitInterval,
} from '../../src/math/validate.js';

describe('validate', () => {
  it('assertDistribution returns the sum of a valid vector and names the argument otherwise', () => {
    expect(assertDistribution('f', 'p', [0.25, 0.75])).toBe(1);
    expect(assertDistribution('f', 'p', [0.5, 0.5 + 5e-10])).toBe(0.5 + (0.5 + 5e-10)); // within the tolerance: accepted
    expect(() => assertDistribution('bestOfNDistribution', 'ref', [0.5, 0.2])).toThrow(
      new RangeError('bestOfNDistribution: ref: expected probabilities summing to 1 (±1e-9), got sum 0.7'),
    );
    expect(() => assertDistribution('f', 'p', [])).toThrow('f: p: expected probabilities summing to 1 (±1e-9), got sum 0');
    expect(() => assertDistribution('f', 'p', [Infinity])).toThrow('f: p: expected non-negative finite probabilities, got p[0] = Infinity');
  });

  it('the other checks accept good values and reject bad ones with `<where>: <name>: expected …, got …`', () => {
    expect(() => assertSameLength('f', 'a', [1], 'b', [1])).not.toThrow();
    expect(() => assertSameLength('f', 'a', [1], 'b', [])).toThrow('f: b: expected length 1 (the length of a), got length 0');
    expect(() => assertPositiveInteger('f', 'n', 3)).not.toThrow();
    expect(() => assertPositiveInteger('f', 'n', Infinity)).toThrow('f: n: expected an integer ≥ 1, got Infinity');
    expect(() => assertPositiveInteger('f', 'times', 0, 0)).not.toThrow();
    expect(() => assertComparable('f', 'r', [Infinity, -Infinity])).not.toThrow();
    expect(() => assertNotNaN('f', 'x', NaN)).toThrow('f: x: expected a number that is not NaN, got NaN');
    expect(() => assertNonEmpty('f', 'xs', [])).toThrow('f: xs: expected at least one entry, got length 0');
    expect(() => assertProbability('f', 'p', 1 + 1e-12)).not.toThrow();
    expect(() => assertProbability('f', 'p', -0.1)).toThrow('f: p: expected a probability in [0, 1], got -0.1');
    expect(() => assertQuantilePair('f', 0.2, 0.2)).not.toThrow();
    expect(() => assertUnitInterval('f', 'beta', 1 + 1e-12)).toThrow('f: beta: expected a number in [0, 1], got 1.000000000001');
  });
});
