import type { TokenBatch } from '../core/index.js';

/**
 * Every completion of a small sequence space, the same for every prompt (e.g. all 4³ = 64 sequences of
 * length 3 over a vocabulary of 4; `enumerateSequences` lists them). With it, `evaluate` computes every
 * divergence and quantile of the paper exactly instead of estimating it from samples.
 *
 * @example
 * const space: Enumeration = { completions: [[0, 0], [0, 1], [1, 0], [1, 1]] };
 */
export interface Enumeration {
  readonly completions: TokenBatch;
}
