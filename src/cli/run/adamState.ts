import * as tf from '@tensorflow/tfjs-core';
import { BondInputError } from '../../core/index.js';
import type { NamedTensor } from '../../policy/index.js';

/**
 * Adam keeps β₁ᵗ and β₂ᵗ as running products in private variables, and `setWeights` recomputes them as
 * `pow(β, t + 1)`, which differs from the product in the last bits of float32. A resumed run must continue
 * bit for bit, so the products are saved and put back as they were.
 */
interface AdamInternals {
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
}

/**
 * The full state of an Adam optimizer (`tf.AdamOptimizer` or a subclass such as `WarmupAdam`) as named
 * float32 tensors for a safetensors file: the iteration count, `getWeights()`'s first and second moments
 * in order (`slot.0`, `slot.1`, …), and the running products β₁ᵗ, β₂ᵗ.
 *
 * @example
 * writeFileSync('optimizer.safetensors', encodeSafetensors(await adamStateTensors(optimizer)));
 */
export async function adamStateTensors(optimizer: tf.Optimizer): Promise<NamedTensor[]> {
  const internals = adamInternals(optimizer, 'adamStateTensors');
  const [iterations, ...slots] = await optimizer.getWeights();
  if (iterations === undefined) throw new Error('adamStateTensors: expected the iteration count first in getWeights(), got nothing');
  const iter = Float32Array.from(await iterations.tensor.data());
  iterations.tensor.dispose(); // getWeights() made it; the slots are the optimizer's own variables
  const read = async (name: string, x: tf.Tensor): Promise<NamedTensor> => ({ name, shape: x.shape, data: Float32Array.from(await x.data()) });
  return [
    { name: 'iterations', shape: [], data: iter },
    await read('accBeta1', internals.accBeta1),
    await read('accBeta2', internals.accBeta2),
    ...(await Promise.all(slots.map((s, i) => read(`slot.${i}`, s.tensor)))),
  ];
}

/**
 * Puts a state saved by {@link adamStateTensors} into a freshly built Adam optimizer of the same
 * configuration, so that its next update is exactly the one the saved optimizer would have made.
 * A missing or malformed tensor is a `BondInputError` naming `where` and the tensor.
 *
 * @example
 * await restoreAdamState(new WarmupAdam(adam), decodeSafetensors(bytes, 'optimizer.safetensors').tensors, 'optimizer.safetensors');
 */
export async function restoreAdamState(optimizer: tf.Optimizer, tensors: ReadonlyArray<NamedTensor>, where: string): Promise<void> {
  const internals = adamInternals(optimizer, 'restoreAdamState');
  const byName = new Map(tensors.map((x) => [x.name, x]));
  const get = (name: string): NamedTensor => {
    const x = byName.get(name);
    if (x === undefined) throw new BondInputError(`${where}: tensor "${name}": expected in the optimizer state, got nothing (missing)`);
    return x;
  };
  const slotCount = tensors.filter((x) => x.name.startsWith('slot.')).length;
  if (slotCount % 2 !== 0) throw new BondInputError(`${where}: expected an even number of moment slots (first and second moments), got ${slotCount}`);
  const iterations = get('iterations').data[0];
  if (iterations === undefined || !Number.isInteger(iterations) || iterations < 0) {
    throw new BondInputError(`${where}: tensor "iterations": expected a non-negative integer, got ${String(iterations)}`);
  }
  const weights = [
    { name: 'iter', tensor: tf.scalar(iterations, 'int32') },
    ...Array.from({ length: slotCount }, (_, i) => {
      const x = get(`slot.${i}`);
      return { name: x.name, tensor: tf.tensor(x.data, [...x.shape], 'float32') };
    }),
  ];
  try {
    await optimizer.setWeights(weights);
  } finally {
    // setWeights makes its own variables from these (sharing data, reference-counted).
    tf.dispose(weights.map((w) => w.tensor));
  }
  tf.tidy(() => {
    internals.accBeta1.assign(tf.scalar(get('accBeta1').data[0] ?? NaN));
    internals.accBeta2.assign(tf.scalar(get('accBeta2').data[0] ?? NaN));
  });
}

function adamInternals(optimizer: tf.Optimizer, where: string): AdamInternals {
  const candidate = optimizer as unknown as Partial<AdamInternals>;
  if (!(optimizer instanceof tf.AdamOptimizer) || !(candidate.accBeta1 instanceof tf.Variable) || !(candidate.accBeta2 instanceof tf.Variable)) {
    throw new Error(`${where}: expected a tf.AdamOptimizer, got ${optimizer.getClassName()}`);
  }
  return candidate as AdamInternals;
}
