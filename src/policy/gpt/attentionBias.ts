import * as tf from '@tensorflow/tfjs-core';

/**
 * Added to masked attention scores. Finite (not -Infinity) so a query whose keys are all masked — a
 * padding position — still gets a finite softmax; large enough that exp(score + MASKED − max) is exactly
 * 0 in float32, so masked keys contribute nothing to real positions.
 */
export const MASKED = -1e9;

/**
 * The additive attention mask [batch, 1, queries, keys] of causal self-attention over left-padded rows:
 * query `q` (at absolute index `queryOffset + q`) of row `b` may attend to key `k` iff
 * `padding[b] ≤ k ≤ queryOffset + q`. Entries are 0 where allowed and {@link MASKED} elsewhere.
 *
 * With zero padding and `queryOffset = 0` this is the plain causal mask of a full forward pass; with
 * `queries = 1` and `queryOffset = keys − 1` it is the mask of one cached decoding step.
 *
 * @example
 * attentionBias([1], 0, 2, 2).arraySync(); // [[[[MASKED, MASKED], [MASKED, 0]]]]
 */
export function attentionBias(padding: readonly number[], queryOffset: number, queries: number, keys: number): tf.Tensor4D {
  const values = new Float32Array(padding.length * queries * keys);
  padding.forEach((pad, b) => {
    for (let q = 0; q < queries; q++) {
      const row = (b * queries + q) * keys;
      for (let k = 0; k < keys; k++) values[row + k] = k >= pad && k <= queryOffset + q ? 0 : MASKED;
    }
  });
  return tf.tensor4d(values, [padding.length, 1, queries, keys]);
}
