import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { firstValueFrom, of } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bestOfFirstN } from '../../src/operators/index.js';
import { runStage } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const generation = (id: number) => ({ prompt: [0], tokens: [id], logProbs: [-1] });

describe('bestOfFirstN', () => {
  it('picks, per prompt, the highest reward among the first n anchor samples only, the later one on ties', async () => {
    const group = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }).chain((rewards) =>
      fc.record({ rewards: fc.constant(rewards), n: fc.integer({ min: 1, max: rewards.length }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(group, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 8 }), async (groups, cap) => {
        const n = Math.min(cap, ...groups.map((g) => g.rewards.length));
        const rec = {
          anchorSamples: groups.map((g) => g.rewards.map((_, j) => generation(j))),
          anchorRewards: groups.map((g) => g.rewards),
        };
        const out = await runStage(bestOfFirstN({ n }), rec);
        groups.forEach((g, i) => {
          const first = g.rewards.slice(0, n);
          expect(out.bestOfN[i]).toBe(rec.anchorSamples[i]![first.lastIndexOf(Math.max(...first))]);
        });
        expect(out.anchorSamples).toBe(rec.anchorSamples);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses n larger than a prompt’s sample count, and a non-integer n', async () => {
    const rec = { anchorSamples: [[generation(0), generation(1)]], anchorRewards: [[0, 1]] };
    await expect(firstValueFrom(of(rec).pipe(bestOfFirstN({ n: 3 })))).rejects.toThrow('bestOfFirstN: expected at least n = 3 anchor samples for prompt 0, got 2');
    expect(() => bestOfFirstN({ n: 1.5 })).toThrow('bestOfFirstN: expected n a positive integer, got 1.5');
  });
});
