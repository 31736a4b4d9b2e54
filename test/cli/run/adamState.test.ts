import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamStateTensors, restoreAdamState } from '../../../src/cli/run/adamState.js';
import { AdamConfig, WarmupAdam } from '../../../pipelines/index.js';
import { decodeOrThrow } from '../../../src/core/index.js';
import { BondInputError } from '../../../src/core/index.js';

const adam = (learningRate: number, warmupSteps: number): AdamConfig => decodeOrThrow(AdamConfig, { learningRate, warmupSteps }, 'test adam config');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Applies `steps` Adam updates with fixed pseudo-random gradients to `w`, from update number `from`. */
function train(optimizer: tf.Optimizer, w: tf.Variable, from: number, steps: number): void {
  for (let t = from; t < from + steps; t++) {
    tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor1d([Math.sin(t + 1), Math.cos(3 * t), 0.1 * t - 1]) }));
  }
}

describe('adamStateTensors / restoreAdamState', () => {
  it('a restored optimizer continues bit for bit like the one that was never stopped', async () => {
    const config = { learningRate: 0.05, warmupSteps: 3 };
    const whole = tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'adamState.whole');
    const split = tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'adamState.split');
    const a = new WarmupAdam(adam(config.learningRate, config.warmupSteps));
    train(a, whole, 0, 30);

    const b = new WarmupAdam(adam(config.learningRate, config.warmupSteps));
    train(b, split, 0, 20);
    const saved = await adamStateTensors(b);
    b.dispose();
    const c = new WarmupAdam(adam(config.learningRate, config.warmupSteps));
    await restoreAdamState(c, saved, 'test');
    // After 20 updates, β^21 computed by tf.pow differs from Adam's running product in float32; the restored product must not.
    train(c, split, 20, 10);

    expect(Array.from(split.dataSync())).toEqual(Array.from(whole.dataSync()));
    tf.dispose([whole, split]);
    a.dispose();
    c.dispose();
  });

  it("is needed: tf's own getWeights/setWeights alone would not continue bit for bit", async () => {
    const config = { learningRate: 0.05, warmupSteps: 3 };
    const whole = tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'adamState.whole2');
    const split = tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'adamState.split2');
    const a = new WarmupAdam(adam(config.learningRate, config.warmupSteps));
    train(a, whole, 0, 30);
    const b = new WarmupAdam(adam(config.learningRate, config.warmupSteps));
    train(b, split, 0, 20);
    const c = new WarmupAdam(adam(config.learningRate, config.warmupSteps));
    await c.setWeights(await b.getWeights());
    train(c, split, 20, 10);
    expect(Array.from(split.dataSync())).not.toEqual(Array.from(whole.dataSync()));
    tf.dispose([whole, split]);
    [a, b, c].forEach((o) => o.dispose());
  });

  it('saves the iteration count, both β products and one first and one second moment per variable', async () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'adamState.names');
    const optimizer = new WarmupAdam(adam(0.1, 0));
    train(optimizer, w, 0, 2);
    const before = tf.memory().numTensors;
    const tensors = await adamStateTensors(optimizer);
    expect(tf.memory().numTensors).toBe(before);
    expect(tensors.map((x) => x.name)).toEqual(['iterations', 'accBeta1', 'accBeta2', 'slot.0', 'slot.1']);
    expect(Array.from(tensors[0]?.data ?? [])).toEqual([2]);
    w.dispose();
    optimizer.dispose();
  });

  it('refuses a state with a missing tensor, naming it', async () => {
    const optimizer = new WarmupAdam(adam(0.1, 0));
    const state = [{ name: 'iterations', shape: [], data: new Float32Array([3]) }];
    await expect(restoreAdamState(optimizer, state, 'optimizer.safetensors')).rejects.toThrow(BondInputError);
    await expect(restoreAdamState(optimizer, state, 'optimizer.safetensors')).rejects.toThrow('optimizer.safetensors: tensor "accBeta1": expected in the optimizer state, got nothing (missing)');
    optimizer.dispose();
  });
});
