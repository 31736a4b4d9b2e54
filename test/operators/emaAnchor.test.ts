import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { emaAnchor } from '../../src/operators/index.js';
import type { Policy } from '../../src/policy/index.js';
import { runStage, runStages, toyBatch, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const weights = (p: Policy): number[][] => p.variables.map((v) => Array.from(v.dataSync()));

describe('emaAnchor', () => {
  it('η = 1 makes the anchor track the policy exactly, step after step', async () => {
    const policy = toyPolicy(1);
    const anchor = toyPolicy(2);
    const stage = emaAnchor({ anchor, policy, eta: 1 });
    await runStage(stage, toyBatch(1));
    expect(weights(anchor)).toEqual(weights(policy));
    const moved = toyPolicy(3);
    policy.assignFrom(moved);
    moved.dispose();
    await runStage(stage, toyBatch(1, 1));
    expect(weights(anchor)).toEqual(weights(policy));
    policy.dispose();
    anchor.dispose();
  });

  it('η = 0 never moves the anchor', async () => {
    const policy = toyPolicy(1);
    const anchor = toyPolicy(2);
    const before = weights(anchor);
    await runStages(emaAnchor({ anchor, policy, eta: 0 }), [toyBatch(1), toyBatch(1, 1), toyBatch(1, 2)]);
    expect(weights(anchor)).toEqual(before);
    policy.dispose();
    anchor.dispose();
  });

  it('η = 0.25 moves the anchor a quarter of the way to the policy (eq 18), passing the record through unchanged', async () => {
    const policy = toyPolicy(1);
    const anchor = toyPolicy(2);
    const [a, p] = [weights(anchor), weights(policy)];
    const rec = toyBatch(2);
    const out = await runStage(emaAnchor({ anchor, policy, eta: 0.25 }), rec);
    expect(out).toBe(rec);
    weights(anchor).forEach((w, k) => w.forEach((x, i) => expect(x).toBeCloseTo(0.75 * a[k]![i]! + 0.25 * p[k]![i]!, 6)));
    policy.dispose();
    anchor.dispose();
  });

  it('rejects η outside [0, 1] when built', () => {
    const policy = toyPolicy(1);
    expect(() => emaAnchor({ anchor: policy, policy, eta: 1.5 })).toThrow(/emaAnchor: expected eta a number in \[0, 1\], got 1.5/);
    policy.dispose();
  });
});
