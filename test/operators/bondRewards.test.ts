import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bondReward } from '../../src/math/index.js';
import { bondRewards } from '../../src/operators/index.js';
import { runStage } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('bondRewards', () => {
  it('with Monte-Carlo quantiles only, is log max(p̂≤, floor): term (A) of eq (8), finite for p̂≤ = 0', async () => {
    const out = await runStage(bondRewards({ n: 8, floor: 1 / 17 }), { quantiles: [[0, 0.5], [1]] });
    expect(out.bondRewards).toEqual([[Math.log(1 / 17), Math.log(0.5)], [0]]);
  });

  it('with exact p< and p≤, is the full r_BOND of eq (8) including the correction term (B)', async () => {
    const pair = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1e-6, max: 1, noNaN: true })).map(([a, b]) => [Math.min(a, b), b] as const);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(pair, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 2, max: 16 }), async (groups, n) => {
        const rec = { quantiles: groups.map((g) => g.map(([, atOrBelow]) => atOrBelow)), quantilesBelow: groups.map((g) => g.map(([below]) => below)) };
        const out = await runStage(bondRewards({ n, floor: 0 }), rec);
        expect(out.bondRewards).toEqual(groups.map((g) => g.map(([below, atOrBelow]) => bondReward(below, atOrBelow, n))));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses N < 2 and a floor outside [0, 1]', () => {
    expect(() => bondRewards({ n: 1, floor: 0 })).toThrow('bondRewards: expected n an integer ≥ 2, got 1');
    expect(() => bondRewards({ n: 4, floor: 2 })).toThrow('bondRewards: expected floor a number in [0, 1], got 2');
  });
});
