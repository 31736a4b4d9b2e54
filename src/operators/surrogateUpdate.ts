import * as tf from '@tensorflow/tfjs-core';
import { concatMap, of, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import { assertOption, isNonNegative, isPositiveInt } from './assertOption.js';
import type { SurrogateTerm, UpdateStats, WithUpdate } from './records.js';

/**
 * Options shared by the update stages (`jeffreysUpdate`, `reinforceUpdate`).
 *
 * @example
 * const opts: UpdateOptions = { policy, optimizer: tf.train.adam(1e-4), clipNorm: 1, maxConsecutiveNonFinite: 10 };
 */
export interface UpdateOptions {
  /** The policy whose variables are updated in place. */
  readonly policy: Policy;
  /** Any tfjs-core optimiser, e.g. `WarmupAdam`. */
  readonly optimizer: tf.Optimizer;
  /** Rescale the gradient to this global L2 norm when it is larger (default: no clipping). */
  readonly clipNorm?: number | undefined;
  /**
   * Fail the stream after this many non-finite steps in a row (default 10): one bad batch is skipped,
   * a run whose every step is NaN is broken and should stop.
   */
  readonly maxConsecutiveNonFinite?: number | undefined;
}

/**
 * A loss term and its weight in the total loss.
 *
 * @example
 * const fw: WeightedTerm = { weight: 1 - beta, term: rec.lossFw };
 */
export interface WeightedTerm {
  readonly weight: number;
  readonly term: SurrogateTerm;
}

/**
 * The one optimiser step behind every update stage: builds the total surrogate
 * Σ_terms weight·Σ_i coefficients_i·log π(completion_i | prompt_i) in one `sequenceLogProbs` call, takes
 * its gradient with `tf.variableGrads`, clips it to `clipNorm` by global norm, and applies it — unless the
 * loss value or any gradient entry is not finite, in which case nothing is applied (non-finite updates
 * never reach the weights), `update.skipped` is true and `nonFiniteSkips` counts it. Zero-weight terms are
 * left out. Uses `concatMap`: updates never overlap.
 *
 * @example
 * rec$.pipe(surrogateUpdate({ policy, optimizer }, 'myUpdate', (rec) => [{ weight: 1, term: rec.lossFw }]));
 */
export function surrogateUpdate<R>(
  options: UpdateOptions,
  where: string,
  terms: (rec: R) => ReadonlyArray<WeightedTerm>,
): OperatorFunction<R, R & WithUpdate> {
  const maxConsecutive = options.maxConsecutiveNonFinite ?? 10;
  assertOption(where, 'maxConsecutiveNonFinite', maxConsecutive, isPositiveInt, 'a positive integer');
  if (options.clipNorm !== undefined) assertOption(where, 'clipNorm', options.clipNorm, (c) => isNonNegative(c) && c > 0, 'a finite number > 0');
  let skips = 0;
  let consecutive = 0;
  return concatMap((rec) => {
    const update = applyTerms(options, terms(rec).filter((t) => t.weight !== 0));
    consecutive = update.skipped ? consecutive + 1 : 0;
    skips += update.skipped ? 1 : 0;
    if (consecutive > maxConsecutive) {
      throw new Error(`${where}: expected at most ${maxConsecutive} consecutive non-finite updates, got ${consecutive}`);
    }
    return of({ ...rec, update, nonFiniteSkips: skips });
  });
}

function applyTerms(options: UpdateOptions, terms: ReadonlyArray<WeightedTerm>): UpdateStats {
  const prompts = terms.flatMap(({ term }) => term.prompts);
  const completions = terms.flatMap(({ term }) => term.completions);
  const coefficients = terms.flatMap(({ weight, term }) => term.coefficients.map((c) => weight * c));
  const loss = terms.reduce((acc, { weight, term }) => acc + weight * term.value, 0);
  if (completions.length === 0) return { loss, gradNorm: 0, skipped: !Number.isFinite(loss) };
  const { policy, optimizer } = options;
  const variables = [...policy.variables];
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(policy.sequenceLogProbs(prompts, completions), tf.tensor1d(coefficients))),
    variables,
  );
  // Variables the loss does not reach get zero gradients: Adam keys its moments by position, so every
  // step must pass the same variables in the same order.
  const full = Object.fromEntries(variables.map((v) => [v.name, grads[v.name] ?? tf.zerosLike(v)]));
  try {
    const surrogate = value.dataSync()[0] as number;
    const gradNorm = Math.sqrt(tf.tidy(() => tf.addN(Object.values(full).map((g) => tf.sum(tf.square(g)))).dataSync()[0] as number));
    if (!Number.isFinite(surrogate) || !Number.isFinite(gradNorm) || !Number.isFinite(loss)) {
      return { loss, gradNorm, skipped: true };
    }
    const scale = options.clipNorm !== undefined && gradNorm > options.clipNorm ? options.clipNorm / gradNorm : 1;
    tf.tidy(() => optimizer.applyGradients(scale === 1 ? full : mapValues(full, (g) => tf.mul(g, scale))));
    return { loss, gradNorm, skipped: false };
  } finally {
    tf.dispose([value, ...Object.values(full)]);
  }
}

function mapValues(m: Record<string, tf.Tensor>, f: (t: tf.Tensor) => tf.Tensor): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(m).map(([k, t]) => [k, f(t)]));
}
