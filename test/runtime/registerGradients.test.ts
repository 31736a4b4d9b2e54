import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { registerGradients } from '../../src/runtime/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';

type Inputs = readonly tf.Tensor[];
interface Case {
  readonly name: string;
  /** Input shapes, filled with values in [lo, hi] (chosen away from kinks and ties). */
  readonly shapes: readonly number[][];
  readonly range?: readonly [number, number];
  readonly f: (xs: Inputs) => tf.Tensor;
  /** Backends lacking the forward kernel. */
  readonly skip?: readonly string[];
}

const CASES: readonly Case[] = [
  { name: 'add (broadcast)', shapes: [[2, 3], [3]], f: ([a, b]) => tf.add(a!, b!) },
  { name: 'sub (broadcast)', shapes: [[2, 1], [2, 3]], f: ([a, b]) => tf.sub(a!, b!) },
  { name: 'mul (broadcast)', shapes: [[2, 3], [1, 3]], f: ([a, b]) => tf.mul(a!, b!) },
  { name: 'div (broadcast)', shapes: [[2, 3], [3]], range: [0.5, 2], f: ([a, b]) => tf.div(a!, b!) },
  { name: 'squaredDifference', shapes: [[2, 3], [2, 3]], f: ([a, b]) => tf.squaredDifference(a!, b!) },
  { name: 'pow', shapes: [[4], [4]], range: [0.5, 2], f: ([a, b]) => tf.pow(a!, b!) },
  { name: 'maximum / minimum', shapes: [[5], [5]], f: ([a, b]) => tf.add(tf.maximum(a!, b!), tf.mul(2, tf.minimum(a!, b!))) },
  { name: 'addN', shapes: [[3], [3], [3]], f: (xs) => tf.addN([xs[0]!, tf.mul(2, xs[1]!), tf.square(xs[2]!)]) },
  { name: 'neg, exp, square', shapes: [[4]], f: ([x]) => tf.add(tf.neg(tf.exp(x!)), tf.square(x!)) },
  { name: 'log, sqrt, rsqrt, reciprocal', shapes: [[4]], range: [0.5, 2], f: ([x]) => tf.addN([tf.log(x!), tf.sqrt(x!), tf.rsqrt(x!), tf.reciprocal(x!)]) },
  { name: 'tanh, sigmoid, erf, sin, cos', shapes: [[5]], f: ([x]) => tf.addN([tf.tanh(x!), tf.sigmoid(x!), tf.erf(x!), tf.sin(x!), tf.cos(x!)]) },
  { name: 'relu', shapes: [[6]], f: ([x]) => tf.relu(x!) },
  { name: 'clipByValue', shapes: [[6]], f: ([x]) => tf.clipByValue(x!, -0.3, 0.4) },
  { name: 'sum / mean over an axis', shapes: [[2, 3, 2]], f: ([x]) => tf.concat([tf.reshape(tf.sum(x!, 1), [-1]), tf.reshape(tf.mean(x!, [0, 2], true), [-1])]) },
  { name: 'max / min over an axis', shapes: [[3, 4]], f: ([x]) => tf.concat([tf.max(x!, 1), tf.min(x!, 0)]) },
  { name: 'softmax and logSoftmax', shapes: [[2, 4]], f: ([x]) => tf.add(tf.softmax(x!), tf.logSoftmax(x!)) },
  { name: 'matMul (no transpose)', shapes: [[2, 3], [3, 4]], f: ([a, b]) => tf.matMul(a!, b!) },
  { name: 'matMul (transpose a)', shapes: [[3, 2], [3, 4]], f: ([a, b]) => tf.matMul(a!, b!, true, false) },
  { name: 'matMul (transpose b)', shapes: [[2, 3], [4, 3]], f: ([a, b]) => tf.matMul(a!, b!, false, true) },
  { name: 'matMul (transpose both)', shapes: [[3, 2], [4, 3]], f: ([a, b]) => tf.matMul(a!, b!, true, true) },
  { name: 'batched matMul', shapes: [[2, 2, 3], [2, 3, 2]], f: ([a, b]) => tf.matMul(a!, b!) },
  { name: 'batched matMul (transpose a)', shapes: [[2, 3, 2], [2, 3, 4]], f: ([a, b]) => tf.matMul(a!, b!, true, false) },
  { name: 'batched matMul (transpose b)', shapes: [[2, 2, 3], [2, 4, 3]], f: ([a, b]) => tf.matMul(a!, b!, false, true) },
  { name: 'batched matMul (transpose both)', shapes: [[2, 3, 2], [2, 4, 3]], f: ([a, b]) => tf.matMul(a!, b!, true, true) },
  { name: 'reshape and transpose', shapes: [[2, 3, 2]], f: ([x]) => tf.transpose(tf.reshape(x!, [3, 4]), [1, 0]) },
  { name: 'slice and pad', shapes: [[3, 4]], f: ([x]) => tf.pad(tf.slice(x!, [1, 1], [2, -1]), [[1, 0], [0, 2]]) },
  { name: 'concat, stack, unstack, split', shapes: [[2, 3], [2, 2]], f: ([a, b]) => {
    const joined = tf.concat([a!, b!], 1);
    const [left, right] = tf.split(joined, [1, 4], 1);
    return tf.stack([...tf.unstack(right!, 0), ...tf.unstack(tf.tile(left!, [1, 4]), 0)], 0);
  } },
  { name: 'tile', shapes: [[2, 3]], f: ([x]) => tf.tile(x!, [2, 3]) },
  { name: 'broadcastTo', shapes: [[3, 1]], f: ([x]) => tf.broadcastTo(x!, [2, 3, 4]), skip: ['wasm'] },
  { name: 'cast and where (select)', shapes: [[6]], f: ([x]) => tf.where(tf.greater(x!, 0), tf.cast(tf.square(x!), 'float32'), tf.mul(3, x!)) },
  { name: 'gather on axis 0 with repeats', shapes: [[4, 3]], f: ([x]) => tf.gather(x!, tf.tensor1d([2, 0, 2, 3], 'int32')) },
  { name: 'gather on axis 1 with 2-d indices', shapes: [[2, 4, 2]], f: ([x]) => tf.gather(x!, tf.tensor2d([[1, 1], [3, 0]], [2, 2], 'int32'), 1) },
];

/** Inputs spread over [lo, hi] with no two values equal, so max/min/relu/maximum have no ties or kinks. */
function inputs(shapes: readonly number[][], [lo, hi]: readonly [number, number], seed: number): tf.Tensor[] {
  const rng = createRng(seed);
  const count = shapes.reduce((s, shape) => s + tf.util.sizeFromShape(shape), 0);
  const grid = Array.from({ length: count }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / count);
  for (let i = grid.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [grid[i], grid[j]] = [grid[j]!, grid[i]!];
  }
  let offset = 0;
  return shapes.map((shape) => {
    const size = tf.util.sizeFromShape(shape);
    const t = tf.tensor(grid.slice(offset, offset + size), shape);
    offset += size;
    return t;
  });
}

describe.each(BACKENDS)('registered gradients on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
    registerGradients();
  });

  const cases = CASES.filter((c) => !(c.skip ?? []).includes(backend));
  it.each(cases.map((c) => [c.name, c] as const))('%s: tf.grads matches central finite differences', (_name, c) => {
    const before = tf.memory().numTensors;
    const xs = inputs(c.shapes, c.range ?? [-1, 1], 1);
    // Random output weights make the loss sensitive to every output element.
    const loss = (args: Inputs): tf.Scalar =>
      tf.tidy(() => {
        const y = c.f(args);
        const w = inputs([y.shape], [-1, 1], 2)[0]!;
        return tf.sum(tf.mul(y, w));
      });
    const analytic = tf.tidy(() => tf.grads((...args: tf.Tensor[]) => loss(args))(xs).map((g) => Array.from(g.dataSync())));
    const eps = 1e-2;
    xs.forEach((x, k) => {
      const values = Array.from(x.dataSync());
      values.forEach((v, i) => {
        const at = (delta: number): number =>
          tf.tidy(() => {
            const moved = values.slice();
            moved[i] = v + delta;
            const args = xs.map((other, j) => (j === k ? tf.tensor(moved, x.shape) : other));
            return loss(args).dataSync()[0]!;
          });
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        expect(analytic[k]![i], `d loss / d input${k}[${i}]`).toBeCloseTo(numeric, 2);
      });
    });
    tf.dispose(xs);
    expect(tf.memory().numTensors).toBe(before);
  });
});
