import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hardAnchor } from '../../src/operators/index.js';
import type { Policy } from '../../src/policy/index.js';
import { runStage, toyBatch, toyPolicy } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const weights = (p: Policy): number[][] => p.variables.map((v) => Array.from(v.dataSync()));

describe('hardAnchor', () => {
  it('copies the policy into the anchor after steps K − 1, 2K − 1, … and leaves it alone otherwise (Algorithm 1)', async () => {
    const policy = toyPolicy(1);
    const anchor = toyPolicy(2);
    const stage = hardAnchor({ anchor, policy, every: 3 });
    const copiedAt: number[] = [];
    for (let step = 0; step < 7; step++) {
      const moved = toyPolicy(10 + step); // the policy moves every step
      policy.assignFrom(moved);
      moved.dispose();
      const before = weights(anchor);
      await runStage(stage, toyBatch(1, step));
      const after = weights(anchor);
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        copiedAt.push(step);
        expect(after).toEqual(weights(policy));
      }
    }
    expect(copiedAt).toEqual([2, 5]);
    policy.dispose();
    anchor.dispose();
  });

  it('rejects every = 0 when built', () => {
    const policy = toyPolicy(1);
    expect(() => hardAnchor({ anchor: policy, policy, every: 0 })).toThrow(/hardAnchor: expected every a positive integer, got 0/);
    policy.dispose();
  });
});
