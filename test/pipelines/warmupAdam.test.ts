import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamConfig, WarmupAdam } from '../../pipelines/index.js';
import { decodeOrThrow, decodeWith } from '../../src/core/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('WarmupAdam', () => {
  it('raises the learning rate linearly over warmupSteps updates, then holds it', () => {
    const optimizer = new WarmupAdam(decodeOrThrow(AdamConfig, { learningRate: 0.4, warmupSteps: 3 }, 'adam'));
    const asOptimizer: tf.Optimizer = optimizer; // how pipelines call it: with a map of gradient tensors
    const x = tf.variable(tf.scalar(0));
    const rates: number[] = [];
    for (let i = 0; i < 6; i++) {
      rates.push(optimizer.currentLearningRate());
      tf.tidy(() => asOptimizer.applyGradients({ [x.name]: tf.scalar(1) }));
    }
    [0.1, 0.2, 0.3, 0.4, 0.4, 0.4].forEach((r, i) => expect(rates[i]).toBeCloseTo(r, 12));
    optimizer.dispose();
    x.dispose();
  });

  it('each step uses the scheduled rate: with a constant gradient Adam moves by exactly that rate', () => {
    const optimizer: tf.Optimizer = new WarmupAdam(decodeOrThrow(AdamConfig, { learningRate: 0.4, warmupSteps: 3 }, 'adam'));
    const x = tf.variable(tf.scalar(0));
    const positions = [0];
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => optimizer.applyGradients({ [x.name]: tf.scalar(2) }));
      positions.push(x.dataSync()[0] as number);
    }
    // A constant gradient makes Adam's bias-corrected m̂/√v̂ equal 1, so each step is −lr.
    const steps = positions.slice(1).map((p, i) => positions[i]! - p);
    [0.1, 0.2, 0.3, 0.4, 0.4].forEach((s, i) => expect(steps[i]).toBeCloseTo(s, 5));
    optimizer.dispose();
    x.dispose();
  });

  it('AdamConfig refuses a non-positive learning rate and a fractional warm-up, naming the fields', () => {
    const result = decodeWith(AdamConfig, { learningRate: 0, warmupSteps: 1.5 }, 'adam');
    expect(result).toEqual({ _tag: 'Left', left: [expect.stringMatching(/adam: learningRate: expected Positive, got 0/), expect.stringMatching(/adam: warmupSteps: expected NonNegativeInt, got 1.5/)] });
  });
});
