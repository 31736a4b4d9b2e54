import * as t from 'io-ts';
import * as tf from '@tensorflow/tfjs-core';
import { NonNegativeInt, Positive } from '../src/core/index.js';

/**
 * The optimiser part of every training pipeline's config: Adam (as in Section 6 of the BOND paper: Adam,
 * learning rate 3e-6 with 100 warm-up steps for Gemma) with a linear learning-rate warm-up.
 *
 * @example
 * decodeOrThrow(AdamConfig, { learningRate: 1e-3, warmupSteps: 10 }, 'config'); // ok
 */
export const AdamConfig = t.type({ learningRate: Positive, warmupSteps: NonNegativeInt }, 'AdamConfig');
/** See the {@link AdamConfig} codec. */
export type AdamConfig = t.TypeOf<typeof AdamConfig>;

/**
 * Adam whose learning rate rises linearly from `learningRate / (warmupSteps + 1)` at the first update to
 * `learningRate` after `warmupSteps` updates, then stays there. Warm-up keeps the first steps small
 * while Adam's second-moment estimate is still based on a handful of gradients.
 *
 * @example
 * const optimizer = new WarmupAdam({ learningRate: 1e-3, warmupSteps: 10 });
 * optimizer.currentLearningRate(); // 1e-3 / 11 before the first update
 */
export class WarmupAdam extends tf.AdamOptimizer {
  constructor(readonly config: AdamConfig) {
    super(config.learningRate, 0.9, 0.999);
    this.learningRate = this.currentLearningRate();
  }

  /** The learning rate the next update will use. */
  currentLearningRate(): number {
    const { learningRate, warmupSteps } = this.config;
    return learningRate * Math.min(1, (this.iterations + 1) / (warmupSteps + 1));
  }

  override applyGradients(gradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    this.learningRate = this.currentLearningRate();
    super.applyGradients(gradients);
  }
}
