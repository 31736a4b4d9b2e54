/**
 * A small completion space to evaluate exactly: every completion of exactly `length` tokens over the
 * policy's vocabulary (e.g. 4³ = 64 sequences for vocabulary 4 and length 3), listed by
 * `enumerateSequences`. With it, `evaluate` computes every divergence and quantile of the paper exactly
 * instead of estimating them from the step's samples. Meant for policies whose completions all have
 * `length` tokens (a `TabularPolicy` with `maxLength = length`), so that the space carries all the mass.
 *
 * @example
 * const space: Enumeration = { length: 3 };
 */
export interface Enumeration {
  readonly length: number;
}
