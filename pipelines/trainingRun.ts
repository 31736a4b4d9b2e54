import type * as tf from '@tensorflow/tfjs-core';
import * as t from 'io-ts';
import { defer, finalize, type Observable, type OperatorFunction } from 'rxjs';
import { decodeOrThrow, PositiveInt, Positive, type Prompt } from '../src/core/index.js';
import type { Policy } from '../src/policy/index.js';
import { stepwise, type Batch, type StepMetrics } from '../src/operators/index.js';
import { borrowOrCreate, type TrainingDeps } from './types.js';
import { AdamConfig, WarmupAdam } from './warmupAdam.js';

/**
 * The config fields every training pipeline has: Adam with warm-up (see {@link AdamConfig}), prompts per
 * step (`batchSize`: the caller's prompt stream decides; the CLI chunks by it), completion length
 * (`maxNewTokens`), the global gradient-norm clip (`clipNorm`), and how many non-finite steps in a row
 * fail the run (`maxConsecutiveNonFinite`).
 *
 * @example
 * decodeOrThrow(TrainingConfig, { learningRate: 1e-3, warmupSteps: 0, batchSize: 8, maxNewTokens: 3, clipNorm: 1, maxConsecutiveNonFinite: 10 }, 'config');
 */
export const TrainingConfig = t.intersection(
  [AdamConfig, t.type({ batchSize: PositiveInt, maxNewTokens: PositiveInt, clipNorm: Positive, maxConsecutiveNonFinite: PositiveInt })],
  'TrainingConfig',
);
/** See the {@link TrainingConfig} codec. */
export type TrainingConfig = t.TypeOf<typeof TrainingConfig>;

/**
 * The training fields every prebuilt pipeline starts from: Adam with lr 1e-4 and 10 warm-up steps,
 * batch 16, 16 new tokens, clip 1, and 10 non-finite steps in a row before failing. (Section 6 of the
 * BOND paper uses lr 3e-6, 100 warm-up steps and batch 128 for Gemma; these suit the small models here.)
 *
 * @example
 * const bondLike = { ...trainingDefaults, n: 8, beta: 0.5 };
 */
export const trainingDefaults: TrainingConfig = decodeOrThrow(
  TrainingConfig,
  { learningRate: 1e-4, warmupSteps: 10, batchSize: 16, maxNewTokens: 16, clipNorm: 1, maxConsecutiveNonFinite: 10 },
  'trainingDefaults',
);

/** The state a training run holds for its steps. */
export interface TrainingRun {
  /** `deps.optimizer`, or a fresh `WarmupAdam` freed when the run ends. */
  readonly optimizer: tf.Optimizer;
  /**
   * `deps.anchor`, or, on the first call, a clone of the policy (π⁰_anchor = π⁰, Algorithms 1 and 2)
   * freed when the run ends. Pipelines without an anchor never call it, so never pay for the copy.
   */
  anchor(): Policy;
}

/**
 * The plumbing every training pipeline shares: at subscription, borrows or creates the optimizer (and
 * the anchor, if the step asks for one), builds the per-step stage, runs it on each prompt batch strictly
 * in order (`stepwise`, numbering from `deps.firstStep`), and frees whatever it created when the run
 * completes, fails or is unsubscribed. Nothing is created before subscription, so a pipeline value can
 * be subscribed several times.
 *
 * @example
 * export const myPipeline: Pipeline<TrainingDeps, MyConfig> = (deps, config) =>
 *   trainingRun(deps, config, ({ optimizer }) => pipe(samplePolicy(...), scoreRewards(...), ..., logMetrics()));
 */
export function trainingRun(
  deps: TrainingDeps,
  adam: AdamConfig,
  step: (run: TrainingRun) => OperatorFunction<Batch, StepMetrics>,
): (prompts$: Observable<ReadonlyArray<Prompt>>) => Observable<StepMetrics> {
  return (prompts$) =>
    defer(() => {
      const optimizer = borrowOrCreate(deps.optimizer, () => new WarmupAdam({ learningRate: adam.learningRate, warmupSteps: adam.warmupSteps }));
      let anchor: ReturnType<typeof borrowOrCreate<Policy>> | undefined;
      const release = (): void => {
        anchor?.release();
        optimizer.release();
      };
      const run: TrainingRun = {
        optimizer: optimizer.value,
        anchor: () => (anchor ??= borrowOrCreate(deps.anchor, () => deps.policy.clone())).value,
      };
      let stage: OperatorFunction<Batch, StepMetrics>;
      try {
        stage = step(run);
      } catch (error) {
        // A stage refusing its options fails the subscription; what was created so far must not leak.
        release();
        throw error;
      }
      return prompts$.pipe(stepwise(stage, { firstStep: deps.firstStep ?? 0 }), finalize(release));
    });
}
