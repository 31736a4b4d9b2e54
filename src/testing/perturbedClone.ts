import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../core/index.js';
import type { Policy } from '../policy/index.js';

/**
 * A clone of `policy` with seeded uniform noise in [−scale, scale] added to every weight: distinct
 * policies of one architecture from a single trained one, so that {@link policyConsistency}'s EMA laws
 * (eq 18) compare different weights when all you have is a checkpoint. The caller disposes the clone.
 *
 * @example
 * await fc.assert(policyConsistency((seed) => perturbedClone(loaded.policy, seed)), { numRuns: 10 });
 */
export function perturbedClone(policy: Policy, seed: number, scale = 0.05): Policy {
  if (!(Number.isFinite(scale) && scale >= 0)) throw new RangeError(`perturbedClone: expected a finite scale ≥ 0, got ${scale}`);
  const copy = policy.clone();
  const rng = createRng(seed);
  copy.variables.forEach((v) => {
    const noise = Float32Array.from({ length: v.size }, () => scale * (2 * rng.next() - 1));
    tf.tidy(() => v.assign(tf.add(v, tf.tensor(noise, v.shape))));
  });
  return copy;
}
