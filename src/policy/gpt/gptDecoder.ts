import * as tf from '@tensorflow/tfjs-core';
import type { TokenBatch } from '../../core/index.js';
import type { GptSpec } from '../gptPolicy.js';
import { attentionBias } from './attentionBias.js';
import { gptForward } from './gptForward.js';
import type { GptWeights } from './gptWeights.js';
import { KvCache } from './kvCache.js';

/**
 * Incremental decoding of a batch of ragged prompts with a {@link KvCache}: `prefill` runs every prompt
 * (after the begin-of-sequence token) once, then each `step` feeds one token per row as ONE incremental
 * pass over the cache, never a re-run of the prefix.
 *
 * Rows are left-padded to the longest prompt. Each row's positions count from its own begin-of-sequence token
 * and padded keys are masked, so every row's logits are exactly those of the row decoded alone.
 *
 * @example
 * const decoder = new GptDecoder(spec, weights, [[1, 2], [3]]);
 * const first = decoder.prefill();   // [2, vocabSize]: logits of each row's next token
 * const second = decoder.step([0, 4]); // after feeding token 0 to row 0 and token 4 to row 1
 * decoder.dispose();
 */
export class GptDecoder {
  private readonly cache: KvCache;
  /** Length of the longest prompt: rows are left-padded to it. */
  private readonly longest: number;
  /** Number of padding positions at the start of each row. */
  private readonly padding: readonly number[];
  /** Tokens fed by `step` so far (per row); undefined before `prefill`. */
  private stepped: number | undefined;

  constructor(
    private readonly spec: GptSpec,
    private readonly weights: GptWeights<tf.Tensor>,
    private readonly prompts: TokenBatch,
  ) {
    this.cache = new KvCache(spec.layers);
    this.longest = Math.max(0, ...prompts.map((p) => p.length));
    this.padding = prompts.map((p) => this.longest - p.length);
  }

  /** Feeds every row's begin-of-sequence token and prompt; returns the logits [B, vocabSize] of the next token. */
  prefill(): tf.Tensor2D {
    if (this.stepped !== undefined) throw new RangeError('GptDecoder.prefill: expected a fresh decoder, got one already prefilled');
    const length = this.longest + 1;
    this.assertFits(length);
    const tokens = this.prompts.map((p, b) => [...new Array<number>(this.padding[b] ?? 0).fill(0), this.spec.vocabSize, ...p]);
    const positions = this.padding.map((pad) => Array.from({ length }, (_, j) => Math.max(0, j - pad)));
    const logits = this.run(tokens, positions, length);
    this.stepped = 0;
    return logits;
  }

  /** Feeds one token per row after what was fed so far; returns the logits [B, vocabSize] of the next token. */
  step(tokens: readonly number[]): tf.Tensor2D {
    const stepped = this.stepped;
    if (stepped === undefined) throw new RangeError('GptDecoder.step: expected prefill() to have run, got a fresh decoder');
    if (tokens.length !== this.prompts.length) throw new RangeError(`GptDecoder.step: expected ${this.prompts.length} tokens, got ${tokens.length}`);
    this.assertFits(this.longest + 2 + stepped);
    // Row b's new token follows its begin-of-sequence token, its prompt and the tokens stepped so far.
    const positions = this.prompts.map((p) => [1 + p.length + stepped]);
    const logits = this.run(tokens.map((y) => [y]), positions, 1);
    this.stepped = stepped + 1;
    return logits;
  }

  /** Frees the cache. */
  dispose(): void {
    this.cache.dispose();
  }

  private assertFits(positions: number): void {
    if (positions > this.spec.maxLength) {
      throw new RangeError(`GptDecoder: expected at most maxLength ${this.spec.maxLength} positions per row, got ${positions}`);
    }
  }

  /** One cached forward pass over `length` new positions per row; returns the logits at the last of them. */
  private run(tokens: number[][], positions: number[][], length: number): tf.Tensor2D {
    const cached = this.cache.length;
    const batch = tokens.length;
    return tf.tidy(() => {
      const input = {
        tokens: tf.tensor2d(tokens, [batch, length], 'int32'),
        positions: tf.tensor2d(positions, [batch, length], 'int32'),
        bias: attentionBias(this.padding, cached, length, cached + length),
      };
      const all = gptForward(this.spec, this.weights, input, this.cache);
      return tf.reshape(tf.slice(all, [0, length - 1, 0], [batch, 1, this.spec.vocabSize]), [batch, this.spec.vocabSize]);
    });
  }
}
