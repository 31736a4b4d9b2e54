import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankOrder } from '../../src/math/rankOrder.js';
import { rewardVector } from '../../src/testing/arbitraries.js';

describe('rankOrder', () => {
  it('is a permutation sorted by (reward, index), so among equal rewards the higher index is better', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }).chain((k) => rewardVector(k, { ties: true })), (rewards) => {
        const order = rankOrder(rewards);
        expect([...order].sort((a, b) => a - b)).toEqual(rewards.map((_, i) => i));
        for (let k = 1; k < order.length; k++) {
          const [a, b] = [order[k - 1]!, order[k]!];
          expect(rewards[a]! < rewards[b]! || (rewards[a] === rewards[b] && a < b)).toBe(true);
        }
      }),
    );
  });

  it('puts the higher index last on a tie', () => {
    expect(rankOrder([0.3, 0.1, 0.3])).toEqual([1, 0, 2]);
    expect(rankOrder([-Infinity, Infinity, 0])).toEqual([0, 2, 1]);
  });
});
