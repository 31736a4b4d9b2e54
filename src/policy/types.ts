import type * as tf from '@tensorflow/tfjs-core';
import type { Generation, Rng, TokenBatch } from '../core/index.js';

/** The architecture of a policy: enough to rebuild it with fresh weights. */
export type PolicySpec =
  | {
      readonly kind: 'tabular';
      readonly vocabSize: number;
      /** Completion length: tabular policies always produce exactly this many tokens. */
      readonly maxLength: number;
      /** One logit vector per position, shared across prefixes (a misspecified family). */
      readonly factorized: boolean;
    }
  | {
      readonly kind: 'gpt';
      readonly vocabSize: number;
      /** Context length: prompt + completion tokens must fit. */
      readonly maxLength: number;
      readonly layers: number;
      readonly heads: number;
      readonly width: number;
    };

/**
 * Construction convention shared by every implementation: `new XPolicy(spec, { seed })` initialises
 * fresh weights deterministically from the seed; `clone()` copies them.
 */
export interface PolicyInit {
  readonly seed: number;
}

/** How to sample completions. */
export interface SampleOptions {
  /** Number of completion tokens to draw (at most; sampling stops early at `eosToken`). */
  readonly maxNewTokens: number;
  /** Seeded source of randomness: the same seed gives the same samples on the same backend. */
  readonly rng: Rng;
  /** Softmax temperature, default 1. Returned log-probs are of the distribution actually sampled from. */
  readonly temperature?: number;
  /** Keep only the k most likely tokens at each step (default: all). */
  readonly topK?: number;
  /** Stop a sequence after this token is drawn (the token is kept in the completion). */
  readonly eosToken?: number;
}

/**
 * An autoregressive policy π(y | x) over token sequences, with weights held in `tf.Variable`s.
 * At temperature 1 without top-k, `sample()`'s per-token log-probs sum to `sequenceLogProbs()`.
 */
export interface Policy {
  readonly spec: PolicySpec;
  readonly variables: readonly tf.Variable[];
  /** A stable name per variable, parallel to `variables` (checkpoint tensor names), e.g. `h0.attn.wq`. */
  readonly weightNames: readonly string[];
  /** Draws one completion per prompt, with per-token log-probs. */
  sample(prompts: TokenBatch, opts: SampleOptions): Promise<Generation[]>;
  /**
   * log π(completion | prompt) summed over completion tokens, one entry per row; differentiable with
   * respect to `variables`. Call inside `tf.tidy` / `tf.variableGrads`.
   */
  sequenceLogProbs(prompts: TokenBatch, completions: TokenBatch): tf.Tensor1D;
  /** An independent copy (new variables holding the same values). */
  clone(): Policy;
  /** Hard update: copy `other`'s weights into this policy. */
  assignFrom(other: Policy): void;
  /** Exponential moving average, eq (18) of the BOND paper: θ ← (1 − η)·θ + η·θ_other. */
  emaFrom(other: Policy, eta: number): void;
  /** Frees the variables. */
  dispose(): void;
}
