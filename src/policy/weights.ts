import * as tf from '@tensorflow/tfjs-core';
import type { Policy, PolicySpec } from './types.js';

/**
 * Weight operations shared by every {@link Policy} implementation (`TabularPolicy`, `GptPolicy`, …):
 * checking that two policies have the same architecture, hard copies and the EMA of eq (18). A policy's
 * `assignFrom` / `emaFrom` can be one line each by delegating here.
 */

/**
 * Throws a `RangeError` unless `a` and `b` describe the same architecture (every spec field equal) and
 * their variables have pairwise identical shapes, so weights can be copied between them.
 *
 * @example
 * assertSameArchitecture('TabularPolicy.assignFrom', target, source); // throws if vocabSize differs
 */
export function assertSameArchitecture(where: string, a: Policy, b: Policy): void {
  if (!sameSpec(a.spec, b.spec)) {
    throw new RangeError(`${where}: expected a policy with spec ${JSON.stringify(a.spec)}, got ${JSON.stringify(b.spec)}`);
  }
  if (a.variables.length !== b.variables.length) {
    throw new RangeError(`${where}: expected ${a.variables.length} variables, got ${b.variables.length}`);
  }
  a.variables.forEach((v, i) => {
    const w = b.variables[i] as tf.Variable;
    if (!tf.util.arraysEqual(v.shape, w.shape)) {
      const name = a.weightNames[i] ?? String(i);
      throw new RangeError(`${where}: expected weight "${name}" of shape [${v.shape.join(',')}], got [${w.shape.join(',')}]`);
    }
  });
}

/**
 * Hard update θ ← θ_source (the anchor update of Algorithm 1). Values are shared copy-on-write by
 * TensorFlow.js, so later updates of either policy never affect the other.
 *
 * @example
 * copyWeights('anchor.assignFrom', anchor, policy);
 */
export function copyWeights(where: string, target: Policy, source: Policy): void {
  assertSameArchitecture(where, target, source);
  target.variables.forEach((v, i) => v.assign(source.variables[i] as tf.Variable));
}

/**
 * Exponential moving average of eq (18) of the BOND paper: θ ← (1 − η)·θ + η·θ_source.
 * η = 0 leaves `target` unchanged and η = 1 copies `source` exactly (the products are exact in float32).
 *
 * @example
 * emaWeights('anchor.emaFrom', anchor, policy, 0.02);
 */
export function emaWeights(where: string, target: Policy, source: Policy, eta: number): void {
  if (!(eta >= 0 && eta <= 1)) throw new RangeError(`${where}: expected eta in [0, 1], got ${eta}`);
  assertSameArchitecture(where, target, source);
  target.variables.forEach((v, i) => {
    const mixed = tf.tidy(() => tf.add(tf.mul(v, 1 - eta), tf.mul(source.variables[i] as tf.Variable, eta)));
    v.assign(mixed);
    mixed.dispose();
  });
}

function sameSpec(a: PolicySpec, b: PolicySpec): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a as unknown as Record<string, unknown>)[k] === (b as unknown as Record<string, unknown>)[k]);
}
