import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { lastValueFrom, map, range, tap, toArray, type Observable } from 'rxjs';
import type { Prompt } from '../../src/core/index.js';
import { bestOfNDistribution, jeffreysDivergence, klDivergence, quantiles } from '../../src/math/index.js';
import { TabularPolicy, type Policy } from '../../src/policy/index.js';
import type { StepMetrics } from '../../src/operators/index.js';
import { createRng } from '../../src/core/index.js';
import type { TrainingDeps } from '../../pipelines/index.js';
import { exactDistribution, LENGTH, REWARD_TABLE, toyReward, VOCAB } from './toyTask.js';

/**
 * Helpers for the pipeline tests on the toy task of `toyTask.ts` (64 completions, a random reward table).
 */

/** A policy on the toy space from the misspecified factorized family: tokens independent across positions. */
export function factorizedPolicy(seed: number): TabularPolicy {
  return new TabularPolicy({ kind: 'tabular', vocabSize: VOCAB, maxLength: LENGTH, factorized: true }, { seed });
}

/**
 * `count` copies of one prompt. Tabular policies ignore prompts, so repeating one keeps every per-prompt
 * exact computation (evaluation, exact quantiles) to a single enumeration of the space.
 */
export function samePrompts(count: number): Prompt[] {
  return Array.from({ length: count }, () => ({ text: 'x', tokens: [0] }));
}

/** What a run produced: the metrics, and the live tensor count after each step. */
export interface RunResult {
  readonly metrics: StepMetrics[];
  readonly tensors: number[];
}

/**
 * Feeds `steps` batches of `batchSize` copies of one prompt to a pipeline and collects its metrics,
 * recording `tf.memory().numTensors` after each step (and calling `afterStep`, e.g. to measure the policy
 * exactly, since metrics are of the policy before its update).
 */
export async function runSteps(
  pipeline: (prompts$: Observable<ReadonlyArray<Prompt>>) => Observable<StepMetrics>,
  steps: number,
  batchSize: number,
  afterStep: (m: StepMetrics) => void = () => undefined,
): Promise<RunResult> {
  const tensors: number[] = [];
  const metrics = await lastValueFrom(
    range(steps).pipe(
      map(() => samePrompts(batchSize)),
      pipeline,
      tap((m) => {
        tensors.push(tf.memory().numTensors);
        afterStep(m);
      }),
      toArray(),
    ),
  );
  return { metrics, tensors };
}

/** Exact divergences of π from π_BoN = Best-of-n of π_ref (eq (4)), computed the slow obvious way. */
export interface BonDivergences {
  /** KL(π_BoN ‖ π), eq (12). */
  readonly fwd: number;
  /** KL(π ‖ π_BoN), eq (14). */
  readonly bwd: number;
  /** J_β(π ‖ π_BoN) with β = 0.5, eq (11). */
  readonly jeffreys: number;
  /** E_π[log p≤(y)] under π_ref, eq (3). */
  readonly logQuantile: number;
}

/** {@link BonDivergences} of `policy` against Best-of-n of `reference` on the toy task. */
export function bonDivergences(policy: Policy, reference: Policy, n: number): BonDivergences {
  const pi = exactDistribution(policy);
  const ref = exactDistribution(reference);
  const bon = bestOfNDistribution(ref, REWARD_TABLE, n);
  const { atOrBelow } = quantiles(ref, REWARD_TABLE);
  return {
    fwd: klDivergence(bon, pi),
    bwd: klDivergence(pi, bon),
    jeffreys: jeffreysDivergence(pi, bon, 0.5),
    logQuantile: pi.reduce((acc, p, i) => acc + p * Math.log(atOrBelow[i] as number), 0),
  };
}

/** The arithmetic mean. */
export const meanOf = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Training dependencies on the toy task: its reward, a seeded RNG, and whatever `extra` adds. */
export const toyDeps = (policy: Policy, reference: Policy, seed: number, extra: Partial<TrainingDeps> = {}): TrainingDeps => ({
  policy,
  reference,
  reward: toyReward,
  rng: createRng(seed),
  ...extra,
});
