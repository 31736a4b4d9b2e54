import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Generation, type TokenBatch } from '../core/index.js';
import { registerGradients } from '../runtime/index.js';
import { attentionBias, buildGptWeights, GptDecoder, gptForward, initialValues, temperedLogProbs, type GptWeights } from './gpt/index.js';
import type { Policy, PolicyInit, PolicySpec, SampleOptions } from './types.js';
import { copyWeights, emaWeights } from './weights.js';

/** The spec of a {@link GptPolicy}: vocabulary, context length (`maxLength`), depth, heads and width. */
export type GptSpec = Extract<PolicySpec, { kind: 'gpt' }>;

/**
 * A GPT sized to pretrain a character-level model on 1–2 MB of text on 2 CPU cores in a few minutes:
 * 2 layers, 4 heads of width 16, a 128-token context, 121k parameters at `vocabSize` 98. The wasm
 * backend runs on one thread, so a 16 × 128-token training step costs about 0.4–0.85 s of CPU and an
 * epoch of 1 MB a few minutes (see `docs/performance.md`). `vocabSize` is a placeholder for a character
 * vocabulary of about a hundred symbols: use your tokenizer's size.
 *
 * @example
 * const policy = new GptPolicy({ ...DEFAULT_GPT_SPEC, vocabSize: tokenizer.vocabSize }, { seed: 0 });
 */
export const DEFAULT_GPT_SPEC: GptSpec = { kind: 'gpt', vocabSize: 98, maxLength: 128, layers: 2, heads: 4, width: 64 };

/**
 * A small causal transformer policy π(y | x) (GPT-2 style): learned token and position embeddings,
 * pre-LayerNorm blocks of causal multi-head self-attention and a 4× GELU MLP, a final LayerNorm and an
 * untied linear head. Initialised as nanoGPT, deterministically from the seed.
 *
 * Every sequence starts with an implicit begin-of-sequence token (an extra row of `wte`), so prompts
 * may be empty; prompt + completion tokens must fit in `spec.maxLength` positions.
 *
 * - `sample` decodes with a KV cache: the ragged prompts are prefilled once (left-padded, per-row
 *   positions, padding masked) and each new token costs one incremental step over the cache.
 * - `sequenceLogProbs` is one differentiable forward pass over the right-padded batch; at temperature 1
 *   without top-k it equals the sum of `sample`'s per-token log-probs.
 * - Every op used has a gradient on the cpu and wasm backends (embeddings are one-hot matMuls).
 *
 * @example
 * const pi = new GptPolicy({ kind: 'gpt', vocabSize: 7, maxLength: 16, layers: 2, heads: 2, width: 16 }, { seed: 1 });
 * const [g] = await pi.sample([[1, 2]], { maxNewTokens: 4, rng: createRng(0) });
 * const lp = pi.sequenceLogProbs([[1, 2]], [g.tokens]); // ≈ Σ g.logProbs
 * lp.dispose(); pi.dispose();
 */
export class GptPolicy implements Policy {
  readonly spec: GptSpec;
  readonly variables: readonly tf.Variable[];
  readonly weightNames: readonly string[];
  private readonly weights: GptWeights<tf.Variable>;

  constructor(spec: GptSpec, init: PolicyInit) {
    validateSpec(spec);
    registerGradients(); // so sequenceLogProbs is differentiable without further setup
    this.spec = { kind: 'gpt', vocabSize: spec.vocabSize, maxLength: spec.maxLength, layers: spec.layers, heads: spec.heads, width: spec.width };
    const rng = createRng(init.seed);
    const variables: tf.Variable[] = [];
    const names: string[] = [];
    this.weights = buildGptWeights(this.spec, (name, shape, how) => {
      const values = initialValues(rng, tf.util.sizeFromShape([...shape]), how);
      const initial = tf.tensor(values, [...shape], 'float32');
      const variable = tf.variable(initial);
      initial.dispose(); // the variable holds its own reference to the data
      variables.push(variable);
      names.push(name);
      return variable;
    });
    this.variables = variables;
    this.weightNames = names;
  }

  /**
   * The full-forward logits [B, T + 1, vocabSize] of a batch of equal-length sequences (no cache):
   * entry [b, j] holds the logits of token j of row b given tokens 0..j−1 (j = T: of the next token).
   * Requires T + 1 ≤ maxLength. Not tidied: dispose the result.
   */
  logits(tokens: TokenBatch): tf.Tensor3D {
    const length = tokens[0]?.length ?? 0;
    this.validateTokens('GptPolicy.logits', tokens);
    tokens.forEach((row, b) => {
      if (row.length !== length) throw new RangeError(`GptPolicy.logits: expected rows of equal length ${length}, got ${row.length} in row ${b}`);
    });
    this.assertFits('GptPolicy.logits', 'sequence length + 1', length + 1);
    return tf.tidy(() => this.forwardFromStart(tokens.map((row) => [this.spec.vocabSize, ...row])));
  }

  /**
   * The same logits as {@link GptPolicy.logits} over `prompt ++ continuation`, for positions from the
   * end of each prompt on, but computed the way `sample` does: one prefill of the (ragged, left-padded)
   * prompts, then one cached step per continuation token. Returns [B, C + 1, vocabSize]: entry [b, j]
   * holds the logits of the token after prompt b and its first j continuation tokens. Continuations
   * must have equal length C. Exposed to test the cache.
   */
  incrementalLogits(prompts: TokenBatch, continuations: TokenBatch): tf.Tensor3D {
    this.validateTokens('GptPolicy.incrementalLogits', prompts);
    this.validateTokens('GptPolicy.incrementalLogits', continuations);
    const steps = continuations[0]?.length ?? 0;
    if (continuations.length !== prompts.length || continuations.some((c) => c.length !== steps)) {
      throw new RangeError(`GptPolicy.incrementalLogits: expected ${prompts.length} continuations of equal length, got lengths [${continuations.map((c) => c.length).join(', ')}]`);
    }
    this.assertFits('GptPolicy.incrementalLogits', 'prompt length + continuation length + 1', longest(prompts) + steps + 1);
    const decoder = new GptDecoder(this.spec, this.weights, prompts);
    const perStep: tf.Tensor2D[] = [];
    try {
      perStep.push(decoder.prefill());
      for (let j = 0; j < steps; j++) perStep.push(decoder.step(continuations.map((c) => c[j] as number)));
      return tf.stack(perStep, 1) as tf.Tensor3D;
    } finally {
      tf.dispose(perStep);
      decoder.dispose();
    }
  }

  /**
   * Draws one completion per prompt with a KV cache. Stops a row after `eosToken` (kept) and all rows
   * after `maxNewTokens`. Randomness comes only from `opts.rng`, one `categorical` draw per unfinished
   * row and step, so a seed reproduces the samples on the same backend. Log-probs are those of the
   * tempered, top-k-truncated distribution sampled from.
   */
  async sample(prompts: TokenBatch, opts: SampleOptions): Promise<Generation[]> {
    const { temperature, topK, eosToken } = this.validateSampleOptions(opts);
    this.validateTokens('GptPolicy.sample', prompts);
    this.assertFits('GptPolicy.sample', 'prompt length + maxNewTokens', longest(prompts) + opts.maxNewTokens);
    const tokens: number[][] = prompts.map(() => []);
    const logProbs: number[][] = prompts.map(() => []);
    if (prompts.length > 0 && opts.maxNewTokens > 0) {
      const finished = prompts.map(() => false);
      const decoder = new GptDecoder(this.spec, this.weights, prompts);
      try {
        let logits = decoder.prefill();
        for (let step = 0; ; step++) {
          const values = await logits.data();
          logits.dispose();
          tokens.forEach((row, b) => {
            if (finished[b]) return;
            const lp = temperedLogProbs(values.subarray(b * this.spec.vocabSize, (b + 1) * this.spec.vocabSize), temperature, topK);
            const y = opts.rng.categorical(lp.map((l) => Math.exp(l)));
            row.push(y);
            (logProbs[b] as number[]).push(lp[y] as number);
            finished[b] = y === eosToken;
          });
          if (step + 1 === opts.maxNewTokens || finished.every(Boolean)) break;
          // Finished rows are fed their last token too (the batch advances together); their logits are ignored.
          logits = decoder.step(tokens.map((row) => row[row.length - 1] as number));
        }
      } finally {
        decoder.dispose();
      }
    }
    return prompts.map((prompt, b) => ({ prompt: [...prompt], tokens: tokens[b] as number[], logProbs: logProbs[b] as number[] }));
  }

  /**
   * log π(completion | prompt) = Σ_t log softmax(logits_t)[y_t] over the completion tokens only, one
   * entry per row; differentiable. One forward pass over the right-padded batch of prompt ++ completion
   * (causal attention keeps the padding at the end from affecting real positions; a mask drops it and
   * the prompt tokens from the sum). Ragged prompts and completions are fine.
   */
  sequenceLogProbs(prompts: TokenBatch, completions: TokenBatch): tf.Tensor1D {
    const where = 'GptPolicy.sequenceLogProbs';
    if (prompts.length !== completions.length) {
      throw new RangeError(`${where}: expected one prompt per completion (${completions.length}), got ${prompts.length}`);
    }
    this.validateTokens(where, prompts);
    this.validateTokens(where, completions);
    const sequences = prompts.map((p, b) => [...p, ...(completions[b] as ReadonlyArray<number>)]);
    const length = longest(sequences);
    this.assertFits(where, 'prompt length + completion length', length);
    const batch = sequences.length;
    if (batch === 0 || length === 0) return tf.zeros([batch]);
    // Input j is the token before target j: the begin-of-sequence token, then the sequence shifted by one.
    const inputs = sequences.map((s) => [this.spec.vocabSize, ...padTo(s, length).slice(0, length - 1)]);
    const targets = new Float32Array(batch * length * this.spec.vocabSize);
    sequences.forEach((s, b) => {
      const start = (prompts[b] as ReadonlyArray<number>).length;
      for (let j = start; j < s.length; j++) targets[(b * length + j) * this.spec.vocabSize + (s[j] as number)] = 1;
    });
    return tf.tidy(() => {
      const logProbs = tf.logSoftmax(this.forwardFromStart(inputs));
      return tf.sum(tf.mul(logProbs, tf.tensor3d(targets, [batch, length, this.spec.vocabSize])), [1, 2]) as tf.Tensor1D;
    });
  }

  /** An independent copy with the same spec and weights. */
  clone(): GptPolicy {
    const copy = new GptPolicy(this.spec, { seed: 0 });
    copy.assignFrom(this);
    return copy;
  }

  /** Copies `other`'s weights (same spec required). */
  assignFrom(other: Policy): void {
    copyWeights('GptPolicy.assignFrom', this, other);
  }

  /** Eq (18) of the BOND paper: θ ← (1 − η)·θ + η·θ_other, with η in [0, 1] and the same spec required. */
  emaFrom(other: Policy, eta: number): void {
    emaWeights('GptPolicy.emaFrom', this, other, eta);
  }

  /** Frees the weights. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }

  /** The logits [B, T, vocabSize] of a full causal pass over equal-length rows starting at position 0. */
  private forwardFromStart(rows: number[][]): tf.Tensor3D {
    const batch = rows.length;
    const length = rows[0]?.length ?? 0;
    const positions = rows.map(() => Array.from({ length }, (_, j) => j));
    const input = {
      tokens: tf.tensor2d(rows, [batch, length], 'int32'),
      positions: tf.tensor2d(positions, [batch, length], 'int32'),
      bias: attentionBias(rows.map(() => 0), 0, length, length),
    };
    return gptForward(this.spec, this.weights, input);
  }

  private validateSampleOptions(opts: SampleOptions): { temperature: number; topK: number; eosToken: number | undefined } {
    const { vocabSize } = this.spec;
    if (!(Number.isInteger(opts.maxNewTokens) && opts.maxNewTokens >= 0)) {
      throw new RangeError(`GptPolicy.sample: expected maxNewTokens to be an integer ≥ 0, got ${opts.maxNewTokens}`);
    }
    const temperature = opts.temperature ?? 1;
    if (!(Number.isFinite(temperature) && temperature > 0)) throw new RangeError(`GptPolicy.sample: expected a finite temperature > 0, got ${temperature}`);
    const topK = opts.topK ?? vocabSize;
    if (!(Number.isInteger(topK) && topK >= 1)) throw new RangeError(`GptPolicy.sample: expected topK to be an integer ≥ 1, got ${topK}`);
    const eosToken = opts.eosToken;
    if (eosToken !== undefined && !isToken(eosToken, vocabSize)) {
      throw new RangeError(`GptPolicy.sample: expected eosToken in [0, ${vocabSize}), got ${eosToken}`);
    }
    return { temperature, topK, eosToken };
  }

  private validateTokens(where: string, batch: TokenBatch): void {
    batch.forEach((row, b) =>
      row.forEach((y) => {
        if (!isToken(y, this.spec.vocabSize)) throw new RangeError(`${where}: expected tokens in [0, ${this.spec.vocabSize}), got ${y} in row ${b}`);
      }),
    );
  }

  private assertFits(where: string, what: string, positions: number): void {
    if (positions > this.spec.maxLength) throw new RangeError(`${where}: expected ${what} <= maxLength ${this.spec.maxLength}, got ${positions}`);
  }
}

function validateSpec(spec: GptSpec): void {
  for (const field of ['vocabSize', 'maxLength', 'layers', 'heads', 'width'] as const) {
    const value = spec[field];
    if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`GptPolicy: expected ${field} to be an integer ≥ 1, got ${value}`);
  }
  if (spec.width % spec.heads !== 0) {
    throw new RangeError(`GptPolicy: expected width divisible by heads, got width ${spec.width} and heads ${spec.heads}`);
  }
}

function isToken(y: number, vocabSize: number): boolean {
  return Number.isInteger(y) && y >= 0 && y < vocabSize;
}

function longest(batch: TokenBatch): number {
  return Math.max(0, ...batch.map((row) => row.length));
}

/** `row` right-padded with token 0 to `length` (padding only ever sits after every real position). */
function padTo(row: readonly number[], length: number): number[] {
  return [...row, ...new Array<number>(length - row.length).fill(0)];
}
