import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Generation, type Rng, type TokenBatch } from '../core/index.js';
import { registerGradients } from '../runtime/index.js';
import { temperedLogProbs } from './gpt/temperedLogProbs.js';
import type { Policy, PolicyInit, PolicySpec, SampleOptions } from './types.js';
import { copyWeights, emaWeights } from './weights.js';

/** The spec of a {@link TabularPolicy}. */
export type TabularSpec = Extract<PolicySpec, { kind: 'tabular' }>;

/** Construction options of a {@link TabularPolicy}: the seed, and the spread of the initial logits. */
export interface TabularPolicyInit extends PolicyInit {
  /**
   * Standard deviation of the i.i.d. normal initial logits (default 1): large enough that a freshly
   * built reference policy is far from uniform, so Best-of-N tilting is visible in tests.
   */
  readonly initStd?: number;
}

/** Largest number of logits a full table may hold (4M floats = 16 MB): tabular policies are for tiny spaces. */
const MAX_TABLE_SIZE = 1 << 22;

/**
 * An exact, tiny autoregressive policy: a table of logits π(y_t | y_<t) for every position t and every
 * completion prefix y_<t. Every completion has exactly `spec.maxLength` tokens.
 *
 * The distribution does NOT depend on the prompt: prompts are accepted (one per row) and ignored, so
 * the same policy serves any prompt set, and `enumerateSequences` gives its exact distribution.
 *
 * - Full (`factorized: false`): weight `pos{t}` has shape [vocabSize^t, vocabSize]; row r holds the
 *   logits after the prefix whose base-`vocabSize` digits (first token most significant) spell r.
 *   This family contains every distribution over sequences, so Best-of-N (eq 4) is exactly reachable.
 * - Factorized (`factorized: true`): weight `pos{t}` has shape [1, vocabSize], shared by all prefixes:
 *   tokens are independent across positions, a misspecified family for testing BOND's projections.
 *
 * Log-probs are built from one-hot matrices and `matMul` rather than `gather`, because the wasm backend
 * has no gradient for `gather`; gradients therefore exist on every backend.
 *
 * @example
 * const pi = new TabularPolicy({ kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false }, { seed: 1 });
 * const [g] = await pi.sample([[]], { maxNewTokens: 2, rng: createRng(0) });
 * g.tokens.length; // 2
 * const lp = pi.sequenceLogProbs([[]], [g.tokens]); // ≈ g.logProbs[0] + g.logProbs[1]
 */
export class TabularPolicy implements Policy {
  readonly spec: TabularSpec;
  readonly variables: readonly tf.Variable[];
  readonly weightNames: readonly string[];

  constructor(spec: TabularSpec, init: TabularPolicyInit) {
    validateSpec(spec);
    registerGradients(); // so sequenceLogProbs is differentiable without further setup
    const initStd = init.initStd ?? 1;
    if (!(Number.isFinite(initStd) && initStd >= 0)) {
      throw new RangeError(`TabularPolicy: expected initStd to be a finite number ≥ 0, got ${initStd}`);
    }
    this.spec = { kind: 'tabular', vocabSize: spec.vocabSize, maxLength: spec.maxLength, factorized: spec.factorized };
    const rng = createRng(init.seed);
    const shapes = Array.from({ length: spec.maxLength }, (_, t) => [this.rowsAt(t), spec.vocabSize] as [number, number]);
    // tidy frees the initial-value tensor; the variable keeps its own reference to the data.
    this.variables = shapes.map((shape) => tf.tidy(() => tf.variable(tf.tensor2d(normals(rng, shape[0] * shape[1], initStd), shape))));
    this.weightNames = shapes.map((_, t) => `pos${t}`);
  }

  /**
   * Draws one completion of exactly `spec.maxLength` tokens per prompt. `opts.maxNewTokens` must be at
   * least `maxLength`; `opts.eosToken` is ignored (the length is fixed). Log-probs are those of the
   * tempered, top-k-truncated distribution actually sampled from.
   */
  async sample(prompts: TokenBatch, opts: SampleOptions): Promise<Generation[]> {
    const { vocabSize, maxLength } = this.spec;
    if (!(Number.isInteger(opts.maxNewTokens) && opts.maxNewTokens >= maxLength)) {
      throw new RangeError(`TabularPolicy.sample: expected maxNewTokens ≥ maxLength = ${maxLength}, got ${opts.maxNewTokens}`);
    }
    const temperature = opts.temperature ?? 1;
    if (!(Number.isFinite(temperature) && temperature > 0)) {
      throw new RangeError(`TabularPolicy.sample: expected a finite temperature > 0, got ${temperature}`);
    }
    const topK = opts.topK ?? vocabSize;
    if (!(Number.isInteger(topK) && topK >= 1)) throw new RangeError(`TabularPolicy.sample: expected topK to be an integer ≥ 1, got ${topK}`);

    const tokens: number[][] = prompts.map(() => []);
    const logProbs: number[][] = prompts.map(() => []);
    for (let t = 0; t < maxLength; t++) {
      const rows = tokens.map((prefix) => this.rowIndex(prefix));
      const logits = await this.readRows(t, rows);
      tokens.forEach((prefix, b) => {
        const lp = temperedLogProbs(logits.subarray(b * vocabSize, (b + 1) * vocabSize), temperature, topK);
        const y = opts.rng.categorical(lp.map((l) => Math.exp(l)));
        prefix.push(y);
        (logProbs[b] as number[]).push(lp[y] as number);
      });
    }
    return prompts.map((prompt, b) => ({ prompt: [...prompt], tokens: tokens[b] as number[], logProbs: logProbs[b] as number[] }));
  }

  /**
   * log π(y) = Σ_t log softmax(logits_t(y_<t))[y_t], one entry per row; differentiable. Completions may
   * be shorter than `maxLength` (giving the probability of that prefix) but not longer.
   */
  sequenceLogProbs(prompts: TokenBatch, completions: TokenBatch): tf.Tensor1D {
    const { vocabSize, maxLength } = this.spec;
    if (prompts.length !== completions.length) {
      throw new RangeError(`TabularPolicy.sequenceLogProbs: expected one prompt per completion (${completions.length}), got ${prompts.length}`);
    }
    completions.forEach((c, b) => this.validateCompletion(`TabularPolicy.sequenceLogProbs: completion ${b}`, c));
    const batch = completions.length;
    return tf.tidy(() => {
      let total: tf.Tensor1D = tf.zeros([batch]);
      for (let t = 0; t < maxLength; t++) {
        const present = completions.filter((c) => c.length > t).length;
        if (present === 0) break;
        const rowsAt = this.rowsAt(t);
        // Row selector: one-hot of the prefix index (all zeros when the completion has ended).
        const selectRow = new Float32Array(batch * rowsAt);
        // Token selector: one-hot of y_t (all zeros when the completion has ended).
        const selectToken = new Float32Array(batch * vocabSize);
        completions.forEach((c, b) => {
          const y = c[t];
          if (y === undefined) return;
          selectRow[b * rowsAt + this.rowIndex(c.slice(0, t))] = 1;
          selectToken[b * vocabSize + y] = 1;
        });
        const logits = tf.matMul(tf.tensor2d(selectRow, [batch, rowsAt]), this.variables[t] as tf.Variable);
        const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.tensor2d(selectToken, [batch, vocabSize])), 1);
        total = tf.add(total, picked);
      }
      return total;
    });
  }

  /** An independent copy with the same spec and weights. */
  clone(): TabularPolicy {
    const copy = new TabularPolicy(this.spec, { seed: 0, initStd: 0 });
    copy.assignFrom(this);
    return copy;
  }

  /** Copies `other`'s weights (same spec required). */
  assignFrom(other: Policy): void {
    copyWeights('TabularPolicy.assignFrom', this, other);
  }

  /** Eq (18) of the BOND paper: θ ← (1 − η)·θ + η·θ_other, with η in [0, 1] and the same spec required. */
  emaFrom(other: Policy, eta: number): void {
    emaWeights('TabularPolicy.emaFrom', this, other, eta);
  }

  /** Frees the logit tables. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }

  /** Number of rows of the table at position t: one per prefix, or a single shared row. */
  private rowsAt(t: number): number {
    return this.spec.factorized ? 1 : this.spec.vocabSize ** t;
  }

  /** The table row holding the logits after `prefix`: its tokens read as base-vocabSize digits. */
  private rowIndex(prefix: ReadonlyArray<number>): number {
    return this.spec.factorized ? 0 : prefix.reduce((r, y) => r * this.spec.vocabSize + y, 0);
  }

  /** The logits of the given rows of the table at position t, row-major [rows.length, vocabSize]. */
  private async readRows(t: number, rows: readonly number[]): Promise<Float32Array> {
    const gathered = tf.tidy(() => tf.gather(this.variables[t] as tf.Variable, tf.tensor1d(Int32Array.from(rows), 'int32')));
    try {
      return (await gathered.data()) as Float32Array;
    } finally {
      gathered.dispose();
    }
  }

  private validateCompletion(where: string, completion: ReadonlyArray<number>): void {
    const { vocabSize, maxLength } = this.spec;
    if (completion.length > maxLength) throw new RangeError(`${where}: expected at most ${maxLength} tokens, got ${completion.length}`);
    completion.forEach((y) => {
      if (!(Number.isInteger(y) && y >= 0 && y < vocabSize)) throw new RangeError(`${where}: expected tokens in [0, ${vocabSize}), got ${y}`);
    });
  }
}

function validateSpec(spec: TabularSpec): void {
  const { vocabSize, maxLength, factorized } = spec;
  if (!(Number.isInteger(vocabSize) && vocabSize >= 1)) throw new RangeError(`TabularPolicy: expected vocabSize to be an integer ≥ 1, got ${vocabSize}`);
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) throw new RangeError(`TabularPolicy: expected maxLength to be an integer ≥ 1, got ${maxLength}`);
  const largest = factorized ? vocabSize : vocabSize ** maxLength;
  if (largest > MAX_TABLE_SIZE) {
    throw new RangeError(`TabularPolicy: expected a table of at most ${MAX_TABLE_SIZE} logits, got vocabSize^maxLength = ${largest}`);
  }
}

/** `count` i.i.d. N(0, std²) draws (Box–Muller), so initial weights depend only on the seed, not the backend. */
function normals(rng: Rng, count: number, std: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u1 = 1 - rng.next(); // in (0, 1], so the log is finite
    const u2 = rng.next();
    out[i] = std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}
