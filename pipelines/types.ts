import type * as tf from '@tensorflow/tfjs-core';
import type * as t from 'io-ts';
import type { Observable } from 'rxjs';
import { BondInputError, decodeOrThrow, showValue, type Prompt, type Rng } from '../src/core/index.js';
import type { Policy } from '../src/policy/index.js';
import type { RewardModel } from '../src/reward/index.js';
import type { Detokenize, Enumeration, StepMetrics } from '../src/operators/index.js';

/**
 * A prebuilt pipeline: given its dependencies and a decoded config, a function from a stream of prompt
 * batches (one batch per step) to a stream of per-step metrics. Nothing runs until the result is
 * subscribed; unsubscribing stops after the current step and frees what the pipeline created.
 *
 * @example
 * const run: Pipeline<TrainingDeps, JBondConfig> = jbond;
 * run(deps, jbondDefaults)(from(promptBatches)).subscribe((m) => console.log(m.reward_mean));
 */
export type Pipeline<Deps, Config> = (
  deps: Deps,
  config: Config,
) => (prompts$: Observable<ReadonlyArray<Prompt>>) => Observable<StepMetrics>;

/**
 * What every pipeline needs from its caller.
 *
 * @example
 * const deps: PipelineDeps = { policy, reference, reward: fromFunction((x) => x.completionTokens[0] ?? 0), rng: createRng(1) };
 */
export interface PipelineDeps {
  /** The policy π: trained in place by training pipelines, sampled by `bestOfNSampling`. */
  readonly policy: Policy;
  /** π_ref: never modified; KL to it is reported as `kl_ref`. */
  readonly reference: Policy;
  readonly reward: RewardModel;
  /** The only source of randomness of the run. */
  readonly rng: Rng;
  /** Completion text for text reward models (default: empty text, for token tasks). */
  readonly detokenize?: Detokenize;
  /** Every completion of a small space: metrics become exact, and `kl_fwd_bon`/`kl_bwd_bon` appear. */
  readonly enumeration?: Enumeration;
}

/**
 * Dependencies of the training pipelines, with the state a resumed run hands back in. Whatever is given
 * stays the caller's (they dispose it); whatever is missing is created at subscription (anchor = a clone
 * of the policy, as Algorithm 2's π⁰_anchor = π⁰; a fresh optimiser) and disposed when the run ends.
 *
 * @example
 * const resumed: TrainingDeps = { ...deps, anchor: savedAnchor, optimizer: savedAdam, firstStep: 500 };
 */
export interface TrainingDeps extends PipelineDeps {
  readonly anchor?: Policy;
  readonly optimizer?: tf.Optimizer;
  /** Step index of the first batch (default 0). */
  readonly firstStep?: number;
}

/**
 * Uses `given` if the caller passed one (the caller keeps ownership), or creates one that the pipeline
 * owns; `release()` disposes only what was created here.
 *
 * @example
 * const anchor = borrowOrCreate(deps.anchor, () => deps.policy.clone());
 * // ... run ...
 * anchor.release();
 */
export function borrowOrCreate<T extends { dispose(): void }>(given: T | undefined, create: () => T): { readonly value: T; release(): void } {
  if (given !== undefined) return { value: given, release: () => undefined };
  const value = create();
  return { value, release: () => value.dispose() };
}

/**
 * Decodes a pipeline config given as overrides of its defaults: unknown keys are refused (a typo such as
 * `beat` must not silently fall back to the default), then the merged object is decoded with `codec`.
 * Throws a `BondInputError` listing every problem as `<where>: <field>: expected <type>, got <value>`.
 *
 * @example
 * const config = decodeConfig(JBondConfig, jbondDefaults, { beta: 0.3 }, 'jbond config');
 */
export function decodeConfig<A extends object, O>(
  codec: t.Type<A, O, unknown>,
  defaults: A,
  overrides: unknown,
  where: string,
): A {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new BondInputError(`${where}: expected an object of config fields, got ${showValue(overrides)}`);
  }
  const known = Object.keys(defaults);
  const unknown = Object.keys(overrides).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    const problems = unknown.map((key) => `${where}: ${key}: expected one of ${known.join(', ')}, got an unknown field`);
    throw new BondInputError(problems.join('\n'), problems);
  }
  return decodeOrThrow(codec, { ...defaults, ...overrides }, where);
}
