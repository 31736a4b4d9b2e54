import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { sampleAnchor } from '../../src/operators/index.js';
import { exactDistribution, LENGTH, runStage, sequenceIndex, toyBatch, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sampleAnchor', () => {
  it('adds count anchor samples per prompt without mutating the batch or leaking tensors', async () => {
    const anchor = toyPolicy(1);
    const out = await runStage(sampleAnchor({ anchor, count: 2, rng: createRng(5), maxNewTokens: LENGTH }), toyBatch(4));
    expect(out.anchorSamples.map((group) => group.length)).toEqual([2, 2, 2, 2]);
    expect(out.anchorSamples.flat().every((g) => g.tokens.length === LENGTH)).toBe(true);
    anchor.dispose();
  });

  it('draws from the anchor: sample frequencies match its exact distribution (total variation < 0.07 over 4000 draws)', async () => {
    const anchor = toyPolicy(7);
    const out = await runStage(sampleAnchor({ anchor, count: 1000, rng: createRng(8), maxNewTokens: LENGTH }), toyBatch(4));
    const counts = new Array<number>(64).fill(0);
    for (const g of out.anchorSamples.flat()) counts[sequenceIndex(g.tokens)]! += 1;
    const exact = exactDistribution(anchor);
    const tv = counts.reduce((acc, c, i) => acc + Math.abs(c / 4000 - (exact[i] as number)), 0) / 2;
    expect(tv).toBeLessThan(0.07);
    anchor.dispose();
  });

  it('rejects maxNewTokens 0 when the stage is built', () => {
    const anchor = toyPolicy(1);
    expect(() => sampleAnchor({ anchor, count: 2, rng: createRng(1), maxNewTokens: 0 })).toThrow(/sampleAnchor: expected maxNewTokens a positive integer, got 0/);
    anchor.dispose();
  });
});
