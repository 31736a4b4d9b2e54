import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { TabularPolicy } from '../../src/policy/index.js';
import { perturbedClone } from '../../src/testing/perturbedClone.js';

describe('perturbedClone', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('moves every weight by at most the scale, deterministically per seed, leaving the original untouched', () => {
    const policy = new TabularPolicy({ kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false }, { seed: 1 });
    const original = policy.variables.flatMap((v) => Array.from(v.dataSync()));
    const before = tf.memory().numTensors;
    const [a, b, c] = [perturbedClone(policy, 7, 0.1), perturbedClone(policy, 7, 0.1), perturbedClone(policy, 8, 0.1)];
    const weights = [a, b, c].map((p) => p.variables.flatMap((v) => Array.from(v.dataSync())));
    weights[0]!.forEach((w, i) => expect(Math.abs(w - original[i]!)).toBeLessThanOrEqual(0.1 + 1e-6));
    expect(weights[0]).toEqual(weights[1]);
    expect(weights[0]).not.toEqual(weights[2]);
    expect(weights[0]).not.toEqual(original);
    expect(policy.variables.flatMap((v) => Array.from(v.dataSync()))).toEqual(original);
    [a, b, c].forEach((p) => p.dispose());
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('rejects a negative scale, naming it', () => {
    const policy = new TabularPolicy({ kind: 'tabular', vocabSize: 2, maxLength: 1, factorized: true }, { seed: 1 });
    expect(() => perturbedClone(policy, 0, -1)).toThrow('perturbedClone: expected a finite scale ≥ 0, got -1');
    policy.dispose();
  });
});
