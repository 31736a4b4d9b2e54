import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from './types.js';

/** Every completion of a small sequence space with its exact probability, in lexicographic order. */
export interface EnumeratedSequences {
  /** All `vocabSize^length` completions, lexicographic (the first token varies slowest). */
  readonly sequences: number[][];
  /** probs[i] = π(sequences[i] | prompt): the `ref` argument of `bestOfNDistribution(ref, rewards, n)`. */
  readonly probs: number[];
  /** logProbs[i] = log π(sequences[i] | prompt), as computed by the policy (exact where probs underflow). */
  readonly logProbs: number[];
}

/** Options of {@link enumerateSequences}. */
export interface EnumerateOptions {
  /** Refuse spaces larger than this (default 65536). */
  readonly maxSequences?: number;
  /** Rows per `sequenceLogProbs` call (default 1024), bounding memory for large policies. */
  readonly batchSize?: number;
}

/**
 * Lists every completion of exactly `length` tokens after `prompt` with its exact probability under
 * `policy`, computed through the public `sequenceLogProbs`, so it works for any {@link Policy}. An EOS
 * token is treated as an ordinary token. With the result, every quantity of the BOND paper over a finite
 * space can be computed exactly: feed `probs` with per-sequence rewards to `bestOfNDistribution` (eq 4),
 * `quantiles` (eqs 2–3) or `klDivergence`.
 *
 * For a policy whose completions all have `length` tokens (a `TabularPolicy` with `maxLength = length`)
 * the probabilities sum to 1 up to float32 rounding.
 *
 * @example
 * const pi = new TabularPolicy({ kind: 'tabular', vocabSize: 2, maxLength: 2, factorized: false }, { seed: 0 });
 * const { sequences, probs } = enumerateSequences(pi, [], 2);
 * sequences; // [[0,0],[0,1],[1,0],[1,1]]
 * probs.reduce((a, b) => a + b); // ≈ 1
 */
export function enumerateSequences(
  policy: Policy,
  prompt: ReadonlyArray<number>,
  length: number,
  options: EnumerateOptions = {},
): EnumeratedSequences {
  const { maxSequences = 65536, batchSize = 1024 } = options;
  const vocabSize = policy.spec.vocabSize;
  if (!(Number.isInteger(length) && length >= 0)) throw new RangeError(`enumerateSequences: expected length to be an integer ≥ 0, got ${length}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`enumerateSequences: expected batchSize to be an integer ≥ 1, got ${batchSize}`);
  const count = vocabSize ** length;
  if (count > maxSequences) {
    throw new RangeError(
      `enumerateSequences: expected at most maxSequences = ${maxSequences} sequences, got vocabSize^length = ${vocabSize}^${length} = ${count}`,
    );
  }
  const sequences = Array.from({ length: count }, (_, i) => digits(i, vocabSize, length));
  const logProbs: number[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const chunk = sequences.slice(start, start + batchSize);
    const values = tf.tidy(() => policy.sequenceLogProbs(chunk.map(() => prompt), chunk).dataSync());
    logProbs.push(...Array.from(values));
  }
  return { sequences, probs: logProbs.map((lp) => Math.exp(lp)), logProbs };
}

/** The base-`base` digits of `n`, most significant first, padded to `length`. */
function digits(n: number, base: number, length: number): number[] {
  const out = new Array<number>(length);
  for (let t = length - 1; t >= 0; t--) {
    out[t] = n % base;
    n = Math.floor(n / base);
  }
  return out;
}
