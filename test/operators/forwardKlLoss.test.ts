import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardKlLoss } from '../../src/operators/index.js';
import { exactDistribution, generationOf, runStage, sequenceIndex, toyBatch, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('forwardKlLoss', () => {
  it('is the NLL of the Best-of-N samples: coefficients −1/B, value = mean −log π(y) (eqs 12–13)', async () => {
    const policy = toyPolicy(1);
    const anchor = toyPolicy(2);
    const chosen = [[0, 1, 2], [3, 3, 3], [2, 0, 1]];
    const rec = { ...toyBatch(3), bestOfN: chosen.map((tokens, i) => generationOf(anchor, [i], tokens)) };
    const out = await runStage(forwardKlLoss({ policy }), rec);
    const pi = exactDistribution(policy);
    expect(out.lossFw.completions).toEqual(chosen);
    expect(out.lossFw.prompts).toEqual([[0], [1], [2]]);
    expect(out.lossFw.coefficients).toEqual([-1 / 3, -1 / 3, -1 / 3]);
    const slowNll = -chosen.reduce((acc, y) => acc + Math.log(pi[sequenceIndex(y)] as number), 0) / 3;
    expect(out.lossFw.value).toBeCloseTo(slowNll, 4);
    policy.dispose();
    anchor.dispose();
  });
});
