import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { klRegularizer } from '../../src/operators/index.js';
import { exactDistribution, generationOf, runStage, sequenceIndex, toyBatch, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('klRegularizer', () => {
  it('has coefficients +(log π − log π_anchor)/M and reports their mean, the k1 estimate of KL(π ‖ π_anchor) (eq 19)', async () => {
    const policy = toyPolicy(1);
    const anchor = toyPolicy(2);
    const groups = [[[0, 1, 2], [3, 0, 0]], [[2, 2, 2], [1, 0, 3]]];
    const rec = { ...toyBatch(2), policySamples: groups.map((g, i) => g.map((y) => generationOf(policy, [i], y))) };
    const out = await runStage(klRegularizer({ anchor }), rec);
    const pi = exactDistribution(policy), pa = exactDistribution(anchor);
    const slow = groups.flat().map((y) => Math.log(pi[sequenceIndex(y)]!) - Math.log(pa[sequenceIndex(y)]!));
    out.lossReg.coefficients.forEach((c, m) => expect(c).toBeCloseTo(slow[m]! / 4, 4));
    expect(out.lossReg.value).toBeCloseTo(slow.reduce((a, b) => a + b, 0) / 4, 4);
    expect(out.lossReg.completions).toEqual(groups.flat());
    policy.dispose();
    anchor.dispose();
  });
});
