/**
 * @license Gradient formulas adapted from TensorFlow.js (`tfjs-core/src/gradients`), Copyright 2020 Google
 * LLC, Apache License 2.0. The gather gradient is rewritten (one-hot matMul instead of
 * unsortedSegmentSum) so that it exists on the wasm backend.
 */
import * as tf from '@tensorflow/tfjs-core';

type Grads = Record<string, () => tf.Tensor>;
type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => Grads;

/**
 * Registers gradient functions for the kernels our models use (unless some are already registered).
 *
 * Why this exists: `@tensorflow/tfjs-core`'s Node bundle (`dist/tf-core.node.js`) ships no gradients;
 * they live in `dist/register_all_gradients.js`, an ES module with extension-less imports that Node
 * cannot load, and which tsup leaves external. Without this, `tf.variableGrads` fails with "gradient
 * function not found for BatchMatMul". Idempotent and cheap; `selectBackend` and every policy
 * constructor call it, so users rarely need to.
 *
 * Covered: element-wise arithmetic (Add, AddN, Sub, Multiply, RealDiv, Neg, Exp, Log, Sqrt, Rsqrt, Square,
 * SquaredDifference, Pow, Reciprocal, Maximum, Minimum, ClipByValue, Select), activations (Tanh, Sigmoid,
 * Relu, Erf, Sin, Cos), reductions (Sum, Mean, Max, Min), Softmax, BatchMatMul, shapes (Reshape,
 * Transpose, Slice, PadV2, Concat, Pack, Unpack, SplitV, Tile, BroadcastTo, Cast, Identity), GatherV2
 * (wasm-safe) and zero gradients for comparisons. `tf.logSoftmax` defines its own gradient.
 *
 * @example
 * registerGradients();
 * const { grads } = tf.variableGrads(() => tf.sum(tf.matMul(x, w)));
 */
export function registerGradients(): void {
  for (const [kernelName, config] of Object.entries(GRADIENTS)) {
    // Our gradFuncs type dy as one tensor (only Unpack and SplitV, which cast, receive an array).
    if (tf.getGradient(kernelName) === undefined) tf.registerGradient({ ...config, kernelName, gradFunc: config.gradFunc as tf.GradFunc });
  }
}

type Entry = Omit<tf.GradConfig, 'kernelName' | 'gradFunc'> & { readonly gradFunc: GradFunc };

const f32 = (x: tf.Tensor): tf.Tensor => tf.cast(x, 'float32');

/** The transpose of the last two axes (a batch of matrices transposed). */
function swapLastAxes(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  perm.splice(-2, 2, x.rank - 1, x.rank - 2);
  return tf.transpose(x, perm);
}

/** Sums a broadcast gradient back down to `shape`. */
function unbroadcast(grad: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
}

/** A binary element-wise kernel `{a, b}` with broadcasting, given the local derivatives ∂f/∂a, ∂f/∂b. */
function binary(da: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, db: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Entry {
  return {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const [x, y] = [a as tf.Tensor, b as tf.Tensor];
      const out = tf.broadcast_util.assertAndGetBroadcastShape(x.shape, y.shape);
      return {
        a: () => unbroadcast(tf.mul(dy, da(x, y)), x.shape, out),
        b: () => unbroadcast(tf.mul(dy, db(x, y)), y.shape, out),
      };
    },
  };
}

/** A unary kernel `{x}` given its derivative as a function of the input. */
function unaryOfInput(dx: (x: tf.Tensor) => tf.Tensor): Entry {
  return { inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, dx(x as tf.Tensor)) }) };
}

/** A unary kernel `{x}` given its derivative as a function of the output. */
function unaryOfOutput(dx: (y: tf.Tensor) => tf.Tensor): Entry {
  return { outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, dx(y as tf.Tensor)) }) };
}

/** Comparisons are piecewise constant: zero gradient, registered so tapes through `where(x > 0, …)` work. */
const comparison: Entry = {
  inputsToSave: ['a', 'b'],
  gradFunc: (_dy, [a, b]) => ({ a: () => tf.zerosLike(a as tf.Tensor), b: () => tf.zerosLike(b as tf.Tensor) }),
};

/** Broadcasts a reduced `dy` back over the reduced axes of `x`. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.mul(tf.reshape(dy, kept), tf.ones(x.shape));
}

/** Max/Min: the gradient flows to every position equal to the extreme value (`axisAttr` names the reduced axes). */
function extreme(axisAttr: string): Entry {
  return {
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => {
      const input = x as tf.Tensor;
      const mask = f32(tf.equal(input, expandReduced(y as tf.Tensor, input, attrs[axisAttr])));
      return { x: () => tf.mul(expandReduced(dy, input, attrs[axisAttr]), mask) };
    },
  };
}

const GRADIENTS: Record<string, Entry> = {
  Add: binary(() => tf.scalar(1), () => tf.scalar(1)),
  Sub: binary(() => tf.scalar(1), () => tf.scalar(-1)),
  Multiply: binary((_a, b) => f32(b), (a) => f32(a)),
  RealDiv: binary((_a, b) => tf.div(1, b), (a, b) => tf.neg(tf.div(a, tf.square(b)))),
  SquaredDifference: binary((a, b) => tf.mul(2, tf.sub(a, b)), (a, b) => tf.mul(-2, tf.sub(a, b))),
  Pow: binary(
    (a, b) => tf.mul(b, tf.pow(a, tf.sub(b, 1))),
    (a, b) => tf.mul(tf.pow(a, b), tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a))),
  ),
  Maximum: binary((a, b) => f32(tf.greaterEqual(a, b)), (a, b) => f32(tf.less(a, b))),
  Minimum: binary((a, b) => f32(tf.lessEqual(a, b)), (a, b) => f32(tf.greater(a, b))),
  AddN: { saveAllInputs: true, gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [i, () => tf.clone(dy)])) },
  Neg: { gradFunc: (dy) => ({ x: () => tf.neg(dy) }) },
  Exp: unaryOfOutput((y) => y),
  Log: unaryOfInput((x) => tf.reciprocal(f32(x))),
  Sqrt: unaryOfInput((x) => tf.div(0.5, tf.sqrt(f32(x)))),
  Rsqrt: unaryOfInput((x) => tf.div(-0.5, tf.mul(x, tf.sqrt(x)))),
  Square: unaryOfInput((x) => tf.mul(2, f32(x))),
  Reciprocal: unaryOfInput((x) => tf.neg(tf.reciprocal(tf.square(x)))),
  Tanh: unaryOfOutput((y) => tf.sub(1, tf.square(y))),
  Sigmoid: unaryOfOutput((y) => tf.mul(y, tf.sub(1, y))),
  Relu: unaryOfInput((x) => f32(tf.greater(x, 0))),
  Erf: unaryOfInput((x) => tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI))),
  Sin: unaryOfInput((x) => tf.cos(x)),
  Cos: unaryOfInput((x) => tf.neg(tf.sin(x))),
  ClipByValue: {
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const input = x as tf.Tensor;
      const inside = tf.logicalAnd(tf.greaterEqual(input, attrs['clipValueMin'] as number), tf.lessEqual(input, attrs['clipValueMax'] as number));
      return { x: () => tf.mul(dy, f32(inside)) };
    },
  },
  Select: {
    inputsToSave: ['condition'],
    gradFunc: (dy, [condition]) => {
      const c = condition as tf.Tensor;
      return {
        condition: () => tf.zerosLike(f32(c)),
        t: () => tf.mul(dy, f32(c)),
        e: () => tf.mul(dy, f32(tf.logicalNot(c))),
      };
    },
  },
  Equal: comparison,
  NotEqual: comparison,
  Greater: comparison,
  GreaterEqual: comparison,
  Less: comparison,
  LessEqual: comparison,
  Sum: { inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => ({ x: () => expandReduced(dy, x as tf.Tensor, attrs['axis']) }) },
  Mean: {
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const input = x as tf.Tensor;
      const expanded = expandReduced(dy, input, attrs['axis']);
      return { x: () => tf.div(expanded, input.size / tf.util.sizeFromShape(dy.shape)) };
    },
  },
  Max: extreme('reductionIndices'),
  Min: extreme('axis'),
  Softmax: {
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => {
      const out = y as tf.Tensor;
      const dyTimesY = tf.mul(dy, out);
      return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [attrs['dim'] as number], true), out)) };
    },
  },
  BatchMatMul: {
    inputsToSave: ['a', 'b'],
    // With A = op(a), B = op(b) and out = A·B: dA = dy·Bᵀ, dB = Aᵀ·dy, transposed back where op transposes.
    // Explicit transposes, because wasm's matMul with transposeA/transposeB is 5-10x slower (docs/performance.md).
    gradFunc: (dy, [a, b], attrs) => {
      const [x, y] = [a as tf.Tensor, b as tf.Tensor];
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const transposedA = (): tf.Tensor => (transposeA ? x : swapLastAxes(x)); // Aᵀ
      const transposedB = (): tf.Tensor => (transposeB ? y : swapLastAxes(y)); // Bᵀ
      return {
        a: () => {
          const dA = tf.matMul(dy, transposedB());
          return transposeA ? swapLastAxes(dA) : dA;
        },
        b: () => {
          const dB = tf.matMul(transposedA(), dy);
          return transposeB ? swapLastAxes(dB) : dB;
        },
      };
    },
  },
  Reshape: { inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy, (x as tf.Tensor).shape) }) },
  Cast: { gradFunc: (dy) => ({ x: () => tf.clone(dy) }) },
  Identity: { gradFunc: (dy) => ({ x: () => f32(dy) }) },
  Transpose: {
    gradFunc: (dy, _saved, attrs) => {
      const perm = attrs['perm'] as number[];
      const undo = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(dy, undo) };
    },
  },
  Slice: {
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const input = x as tf.Tensor;
      const [begin, size] = tf.slice_util.parseSliceParams(input, attrs['begin'] as number[], attrs['size'] as number[]) as [number[], number[]];
      const paddings = input.shape.map((d, i) => [begin[i] as number, d - (begin[i] as number) - (size[i] as number)] as [number, number]);
      return { x: () => tf.pad(dy, paddings) };
    },
  },
  PadV2: {
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const begin = (attrs['paddings'] as Array<[number, number]>).map((p) => p[0]);
      return { x: () => tf.slice(dy, begin, (x as tf.Tensor).shape) };
    },
  },
  Concat: {
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs['axis'] as number, (saved[0] as tf.Tensor).shape)[0] as number;
      const parts = tf.split(dy, saved.map((s) => s.shape[axis] as number), axis);
      return Object.fromEntries(parts.map((p, i) => [i, () => p]));
    },
  },
  Pack: {
    saveAllInputs: true,
    gradFunc: (dy, _saved, attrs) => Object.fromEntries(tf.unstack(dy, attrs['axis'] as number).map((p, i) => [i, () => p])),
  },
  Unpack: { gradFunc: (dy, _saved, attrs) => ({ value: () => tf.stack(dy as unknown as tf.Tensor[], attrs['axis'] as number) }) },
  SplitV: { gradFunc: (dy, _saved, attrs) => ({ x: () => tf.concat(dy as unknown as tf.Tensor[], attrs['axis'] as number) }) },
  Tile: {
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      // Output index k·s + j (copy k, offset j): view dy as [r0, s0, r1, s1, …] and sum over the copies.
      const shape = (x as tf.Tensor).shape;
      const reps = attrs['reps'] as number[];
      const interleaved = shape.flatMap((s, i) => [reps[i] as number, s]);
      return { x: () => tf.sum(tf.reshape(dy, interleaved), shape.map((_, i) => 2 * i)) };
    },
  },
  BroadcastTo: {
    gradFunc: (dy, _saved, attrs) => {
      const inputShape = attrs['inputShape'] as number[];
      const axes = dy.shape.map((d, i) => (inputShape[i] === d ? -1 : i)).filter((i) => i >= 0);
      return { x: () => tf.reshape(tf.sum(dy, axes, true), inputShape) };
    },
  },
  GatherV2: {
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, [x, indices], attrs) => {
      if ((attrs['batchDims'] as number) !== 0) throw new Error(`registerGradients: GatherV2 gradient: expected batchDims 0, got ${String(attrs['batchDims'])}`);
      const params = x as tf.Tensor;
      const axis = tf.util.parseAxisParam(attrs['axis'] as number, params.shape)[0] as number;
      return { x: () => gatherGrad(dy, params.shape, indices as tf.Tensor, axis), indices: () => tf.zerosLike(indices as tf.Tensor) };
    },
  },
};

/**
 * d gather(x, indices, axis) / dx as a one-hot matMul: scatter-adds dy's rows back to the gathered
 * positions (duplicates accumulate). Used instead of unsortedSegmentSum, which wasm lacks.
 */
function gatherGrad(dy: tf.Tensor, xShape: number[], indices: tf.Tensor, axis: number): tf.Tensor {
  const outer = xShape.slice(0, axis);
  const n = xShape[axis] as number;
  const inner = xShape.slice(axis + 1);
  const outerSize = tf.util.sizeFromShape(outer);
  const innerSize = tf.util.sizeFromShape(inner);
  // dy has shape [outer…, indices…, inner…]; bring the gathered axis to the front as [indicesSize, outer·inner].
  const values = tf.reshape(tf.transpose(tf.reshape(dy, [outerSize, indices.size, innerSize]), [1, 0, 2]), [indices.size, outerSize * innerSize]);
  const oneHot = f32(tf.oneHot(tf.reshape(tf.cast(indices, 'int32'), [indices.size]), n)); // [indicesSize, n]
  const scattered = tf.reshape(tf.matMul(oneHot, values, true, false), [n, outerSize, innerSize]);
  return tf.reshape(tf.transpose(scattered, [1, 0, 2]), xShape);
}
