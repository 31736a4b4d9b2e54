import * as tf from '@tensorflow/tfjs-core';
import type { Generation, TokenBatch } from '../core/index.js';
import type { Policy } from '../policy/index.js';

/**
 * log π(completions[i] | prompts[i]) as plain numbers: the non-differentiable values a loss term's
 * coefficients and reported value are made of. The tensor is freed before returning.
 *
 * @example
 * readLogProbs(anchor, [[1]], [[2, 0]]); // [-1.73]
 */
export function readLogProbs(policy: Policy, prompts: TokenBatch, completions: TokenBatch): number[] {
  if (completions.length === 0) return [];
  return Array.from(tf.tidy(() => policy.sequenceLogProbs(prompts, completions).dataSync()));
}

/**
 * Per-prompt sample groups flattened into parallel rows, with each sample's log-probability.
 *
 * @example
 * const rows: SampleRows = { prompts: [[1]], completions: [[2, 3]], logProbs: [-1.5] };
 */
export interface SampleRows {
  readonly prompts: ReadonlyArray<ReadonlyArray<number>>;
  readonly completions: ReadonlyArray<ReadonlyArray<number>>;
  /** log π(y) of the policy the sample was drawn from: the sum of its per-token log-probs. */
  readonly logProbs: ReadonlyArray<number>;
}

/**
 * Flattens per-prompt sample groups into rows (prompt-major), keeping each sample's own log-probability.
 * At temperature 1 that is log π(y) under the sampling policy, so no forward pass is needed for it.
 *
 * @example
 * sampleRows([[{ prompt: [1], tokens: [2], logProbs: [-0.5] }]]).logProbs; // [-0.5]
 */
export function sampleRows(groups: ReadonlyArray<ReadonlyArray<Generation>>): SampleRows {
  const flat = groups.flat();
  return {
    prompts: flat.map((g) => g.prompt),
    completions: flat.map((g) => g.tokens),
    logProbs: flat.map((g) => g.logProbs.reduce((a, b) => a + b, 0)),
  };
}
