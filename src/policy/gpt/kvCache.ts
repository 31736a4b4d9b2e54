import * as tf from '@tensorflow/tfjs-core';

/**
 * The keys and values of every layer for the positions decoded so far, [batch, heads, cached, headDim]
 * each, so that decoding one more token costs one incremental step instead of a re-run of the prefix.
 * The cache owns its tensors: they survive the `tf.tidy` of the step that made them and are freed by
 * the next `extend` of the same layer or by `dispose`.
 *
 * @example
 * const cache = new KvCache(2);
 * const { keys, values } = tf.tidy(() => cache.extend(0, k, v)); // k, v: [B, H, T, D]
 * cache.dispose();
 */
export class KvCache {
  private readonly keys: (tf.Tensor4D | undefined)[];
  private readonly values: (tf.Tensor4D | undefined)[];

  constructor(layers: number) {
    this.keys = new Array<tf.Tensor4D | undefined>(layers).fill(undefined);
    this.values = new Array<tf.Tensor4D | undefined>(layers).fill(undefined);
  }

  /** Number of cached positions (0 before the first `extend`). */
  get length(): number {
    return this.keys[0]?.shape[2] ?? 0;
  }

  /**
   * Appends the new positions' keys and values of `layer` (along the position axis) and returns the
   * whole cached keys and values of that layer, which attention then reads.
   */
  extend(layer: number, keys: tf.Tensor4D, values: tf.Tensor4D): { keys: tf.Tensor4D; values: tf.Tensor4D } {
    const allKeys = this.append(this.keys, layer, keys);
    const allValues = this.append(this.values, layer, values);
    return { keys: allKeys, values: allValues };
  }

  /** Frees every cached tensor. */
  dispose(): void {
    for (const store of [this.keys, this.values]) {
      store.forEach((t) => t?.dispose());
      store.fill(undefined);
    }
  }

  private append(store: (tf.Tensor4D | undefined)[], layer: number, fresh: tf.Tensor4D): tf.Tensor4D {
    if (!(layer >= 0 && layer < store.length)) throw new RangeError(`KvCache.extend: expected a layer in [0, ${store.length}), got ${layer}`);
    const old = store[layer];
    const all = tf.keep(old === undefined ? tf.clone(fresh) : tf.concat([old, fresh], 2));
    old?.dispose();
    store[layer] = all;
    return all;
  }
}
