import * as tf from '@tensorflow/tfjs-core';
import type { GptSpec } from '../gptPolicy.js';
import type { GptBlockWeights, GptWeights, LayerNormWeights } from './gptWeights.js';
import type { KvCache } from './kvCache.js';

/** The input of one forward pass over `T` new positions per row. */
export interface GptInput {
  /** Token ids [B, T], int32, in [0, vocabSize]; id `vocabSize` is the begin-of-sequence token. */
  readonly tokens: tf.Tensor2D;
  /** Position ids [B, T], int32, in [0, maxLength): per row, so left-padded rows start at 0. */
  readonly positions: tf.Tensor2D;
  /** Additive attention mask [B, 1, T, keys] from `attentionBias` (keys = cached + T). */
  readonly bias: tf.Tensor4D;
}

const LAYER_NORM_EPSILON = 1e-5;

/**
 * The transformer's logits [B, T, vocabSize] for the new positions: token + position embeddings, pre-LN
 * blocks of causal multi-head self-attention and a GELU MLP, a final LayerNorm and the linear head.
 * With a `cache`, the new keys and values are appended to it and attention reads the whole cache, so the
 * rows continue the sequences already decoded; without one, the T positions are the whole sequences.
 *
 * Only ops with gradients on every backend: embeddings are `oneHot` × table rather than `gather`, whose
 * gradient (UnsortedSegmentSum) the wasm backend lacks. Call inside `tf.tidy`.
 *
 * @example
 * const logits = tf.tidy(() => gptForward(spec, weights, { tokens, positions, bias: attentionBias([0], 0, 3, 3) }));
 */
export function gptForward(spec: GptSpec, weights: GptWeights<tf.Tensor>, input: GptInput, cache?: KvCache): tf.Tensor3D {
  const [batch, length] = input.tokens.shape;
  const rows = batch * length;
  // Cast rather than oneHot's dtype argument: the wasm kernel ignores it and writes integer bits.
  const embed = (ids: tf.Tensor2D, depth: number, table: tf.Tensor): tf.Tensor =>
    tf.matMul(tf.cast(tf.oneHot(tf.reshape(ids, [rows]), depth), 'float32'), table);
  let x = tf.add(embed(input.tokens, spec.vocabSize + 1, weights.wte), embed(input.positions, spec.maxLength, weights.wpe));
  weights.blocks.forEach((block, layer) => {
    x = tf.add(x, attention(spec, block, layerNorm(x, block.ln1), input, layer, cache));
    x = tf.add(x, mlp(block, layerNorm(x, block.ln2)));
  });
  const logits = tf.matMul(layerNorm(x, weights.lnf), weights.head);
  return tf.reshape(logits, [batch, length, spec.vocabSize]);
}

/** (x − mean) / √(var + ε) · g + b over the feature axis. */
function layerNorm(x: tf.Tensor, w: LayerNormWeights<tf.Tensor>): tf.Tensor {
  const mean = tf.mean(x, 1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), 1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON))), w.g), w.b);
}

/** Causal multi-head self-attention: softmax(q·kᵀ/√d + bias)·v per head, heads concatenated, projected. */
function attention(
  spec: GptSpec,
  w: GptBlockWeights<tf.Tensor>,
  h: tf.Tensor,
  input: GptInput,
  layer: number,
  cache: KvCache | undefined,
): tf.Tensor {
  const [batch, length] = input.tokens.shape;
  const headDim = spec.width / spec.heads;
  // [B·T, W] → [B, heads, T, headDim]
  const splitHeads = (t: tf.Tensor): tf.Tensor4D => tf.transpose(tf.reshape(t, [batch, length, spec.heads, headDim]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(tf.add(tf.matMul(h, w.wqkv), w.bqkv), 3, 1).map(splitHeads) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const { keys, values } = cache === undefined ? { keys: k, values: v } : cache.extend(layer, k, v);
  const scores = tf.add(tf.mul(tf.matMul(q, keys, false, true), 1 / Math.sqrt(headDim)), input.bias);
  const mixed = tf.matMul(tf.softmax(scores), values); // [B, heads, T, headDim]
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch * length, spec.width]);
  return tf.add(tf.matMul(merged, w.wo), w.bo);
}

/** Position-wise MLP: GELU(h·W_fc + b_fc)·W_proj + b_proj, with the exact (erf) GELU. */
function mlp(w: GptBlockWeights<tf.Tensor>, h: tf.Tensor): tf.Tensor {
  const pre = tf.add(tf.matMul(h, w.wfc), w.bfc);
  const gelu = tf.mul(tf.mul(pre, 0.5), tf.add(tf.erf(tf.mul(pre, Math.SQRT1_2)), 1));
  return tf.add(tf.matMul(gelu, w.wproj), w.bproj);
}
