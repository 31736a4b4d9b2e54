import * as tf from '@tensorflow/tfjs-core';

/** Anything {@link disposeAll} can free: tensors (or arrays/records of them), or objects with `dispose()` such as policies and optimizers. */
export type Disposable = tf.TensorContainer | { dispose(): void } | null | undefined;

/**
 * Frees every tensor, tensor container and disposable object given (policies, optimizers), skipping
 * `null`/`undefined` so cleanup code can pass optional things unconditionally. Tensors already disposed
 * are ignored, so it is safe in `finally` blocks that may run after a partial cleanup.
 *
 * @example
 * const policy = new TabularPolicy(spec, { seed: 0 });
 * const logProbs = policy.sequenceLogProbs(prompts, completions);
 * disposeAll(logProbs, policy);
 */
export function disposeAll(...items: Disposable[]): void {
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (!(item instanceof tf.Tensor) && typeof item === 'object' && 'dispose' in item && typeof item.dispose === 'function') {
      item.dispose();
    } else {
      tf.dispose(item as tf.TensorContainer);
    }
  }
}
