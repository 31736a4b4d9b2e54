import { concatMap, defer, of, type OperatorFunction } from 'rxjs';
import type { Prompt } from '../core/index.js';
import type { Batch } from './records.js';

/**
 * Options of {@link stepwise}.
 *
 * @example
 * const resumed: StepwiseOptions = { firstStep: 500 };
 */
export interface StepwiseOptions {
  /** Index of the first step, e.g. to continue numbering after a resumed checkpoint (default 0). */
  readonly firstStep?: number;
}

/**
 * Turns each batch of prompts into a {@link Batch} record and runs the whole `stage` on it before the next
 * batch starts. Operators that touch weights already use `concatMap`, but only within themselves: wrapping
 * the step's full chain keeps sampling for step t+1 from starting before step t's update and anchor update
 * are done, so training stays on-policy even if a stage is asynchronous.
 *
 * @example
 * prompts$.pipe(
 *   stepwise(pipe(samplePolicy({ policy, count: 1, rng, maxNewTokens: 8 }), scoreRewards({ reward }))),
 * );
 */
export function stepwise<R>(
  stage: OperatorFunction<Batch, R>,
  options: StepwiseOptions = {},
): OperatorFunction<ReadonlyArray<Prompt>, R> {
  const firstStep = options.firstStep ?? 0;
  // `defer` stamps `startedAt` when the step actually starts, not when its prompts arrived in the queue.
  return concatMap((prompts, i) =>
    defer(() => of<Batch>({ step: firstStep + i, startedAt: performance.now(), prompts })).pipe(stage),
  );
}
