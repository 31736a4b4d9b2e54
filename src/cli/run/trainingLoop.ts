import type * as tf from '@tensorflow/tfjs-core';
import { concatMap, Subject } from 'rxjs';
import { BondInputError, type Prompt, type Rng } from '../../core/index.js';
import type { StepMetrics } from '../../operators/index.js';
import type { Policy } from '../../policy/index.js';
import type { TextTask } from '../../../pipelines/tasks/index.js';
import type { CliIo } from '../cliIo.js';
import type { TrainConfig } from '../config/trainConfig.js';
import { PIPELINES } from '../pipelineRegistry.js';
import { heldOutSamples } from './heldOutSamples.js';
import { promptSchedule } from './promptSchedule.js';
import type { RunDirectory } from './runDirectory.js';
import { pruneCheckpoints, saveTrainingCheckpoint } from './trainingCheckpoint.js';
import { trainingProgress } from './trainingProgress.js';

/**
 * The mutable state of a run: fresh, or restored from a checkpoint.
 *
 * @example
 * const session: TrainingSession = { policy, anchor, optimizer, rng: createRng(1), firstStep: 0, nonFiniteSkips: 0 };
 */
export interface TrainingSession {
  readonly policy: Policy;
  readonly anchor?: Policy;
  readonly optimizer: tf.Optimizer;
  /** The training generator: the pipeline's only source of randomness. */
  readonly rng: Rng;
  /** Steps already done (0 for a new run). */
  readonly firstStep: number;
  /** Non-finite updates skipped before `firstStep`. */
  readonly nonFiniteSkips: number;
}

/**
 * How the loop ended.
 *
 * @example
 * const { stepsDone, interrupted }: TrainingOutcome = await runTrainingLoop(session, options);
 */
export interface TrainingOutcome {
  /** Steps done in total, including those before a resume. */
  readonly stepsDone: number;
  /** True if Ctrl-C stopped the run early (after checkpointing). */
  readonly interrupted: boolean;
  /** The newest checkpoint written, if any. */
  readonly lastCheckpoint?: string;
}

/**
 * Options of {@link runTrainingLoop}.
 *
 * @example
 * const options: TrainingLoopOptions = { config, task, run: new RunDirectory('runs/a'), io: processIo() };
 */
export interface TrainingLoopOptions {
  readonly config: TrainConfig;
  readonly task: TextTask;
  readonly run: RunDirectory;
  readonly io: CliIo;
}

/**
 * Runs the configured pipeline from `session.firstStep` to `config.run.steps`, one step at a time: the
 * next prompt batch is fed only after the previous step's metrics are written (`metrics.jsonl`), its
 * samples logged (`samples.jsonl`, every `samplesEvery` steps) and its checkpoint saved (every
 * `checkpointEvery` steps and after the last), so a checkpoint always holds a state between two steps.
 *
 * - Ctrl-C (`io.onInterrupt`) lets the step in flight finish, saves a checkpoint, and ends the loop
 *   with `interrupted: true`.
 * - A failing step (e.g. more than `maxConsecutiveNonFinite` non-finite losses in a row, which the
 *   pipeline's update stage refuses) rejects with the pipeline's message, the step, and the last good
 *   checkpoint, which is left as it was; it keeps the original error's class (a `BondInputError` from a
 *   bad reward reply stays one).
 * - `non_finite_skips` counts over the whole run, across resumes.
 *
 * @example
 * const outcome = await runTrainingLoop(session, { config, task, run, io });
 * if (outcome.interrupted) throw new InterruptedError(`interrupted after step ${outcome.stepsDone}`);
 */
export async function runTrainingLoop(session: TrainingSession, options: TrainingLoopOptions): Promise<TrainingOutcome> {
  const { config, task, run, io } = options;
  const entry = PIPELINES[config.pipeline];
  const { batchSize, maxNewTokens } = config.pipelineConfig;
  const { steps, seed, checkpointEvery, keepCheckpoints, samplesEvery, samplesPerLog, logEvery } = config.run;
  const batchAt = promptSchedule(task.trainPrompts, seed, batchSize);
  const samplePrompts = task.evalPrompts.slice(0, samplesPerLog);
  const logSamples = async (step: number): Promise<void> => {
    if (samplePrompts.length === 0) return;
    run.appendSamples(await heldOutSamples({ policy: session.policy, prompts: samplePrompts, reward: task.reward, detokenize: task.detokenize, maxNewTokens, seed, step }));
  };

  let interrupted = false;
  let stepsDone = session.firstStep;
  let nonFiniteSkips = session.nonFiniteSkips;
  let lastCheckpoint: string | undefined;
  const progress = trainingProgress(io.stderr, { totalSteps: steps, doneSteps: stepsDone, every: logEvery });
  const stopListening = io.onInterrupt(() => {
    if (!interrupted) progress.log('Ctrl-C: stopping after the step in flight, with a checkpoint');
    interrupted = true;
  });
  const checkpoint = async (): Promise<void> => {
    lastCheckpoint = await saveTrainingCheckpoint(run.checkpoints, {
      policy: session.policy,
      ...(session.anchor === undefined ? {} : { anchor: session.anchor }),
      optimizer: session.optimizer,
      tokenizer: task.tokenizer,
      state: { step: stepsDone, rng: session.rng.state(), dataPosition: stepsDone * batchSize, nonFiniteSkips },
    });
    await pruneCheckpoints(run.checkpoints, keepCheckpoints);
  };
  const afterStep = async (metrics: StepMetrics): Promise<void> => {
    const line: StepMetrics = { ...metrics, non_finite_skips: session.nonFiniteSkips + metrics.non_finite_skips };
    nonFiniteSkips = line.non_finite_skips;
    stepsDone = metrics.step + 1;
    run.appendMetrics(line);
    progress.step(line);
    if (stepsDone % samplesEvery === 0) await logSamples(stepsDone);
    // A step is a chain of promises that never waits for I/O, so without this turn of the event loop a
    // Ctrl-C would be handled only at the next checkpoint's file writes, possibly many steps later.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (interrupted || stepsDone % checkpointEvery === 0 || stepsDone === steps) await checkpoint();
  };

  const batches = new Subject<ReadonlyArray<Prompt>>();
  const deps = {
    policy: session.policy,
    reference: task.reference,
    reward: task.reward,
    rng: session.rng,
    detokenize: task.detokenize,
    optimizer: session.optimizer,
    firstStep: session.firstStep,
    ...(session.anchor === undefined ? {} : { anchor: session.anchor }),
  };
  try {
    if (session.firstStep === 0) await logSamples(0);
    if (stepsDone < steps) {
      await new Promise<void>((resolve, reject) => {
        entry
          .run(deps, config.pipelineConfig)(batches)
          .pipe(concatMap(afterStep))
          .subscribe({
            // Feeding the next batch only now keeps exactly one step in flight.
            next: () => (interrupted || stepsDone >= steps ? batches.complete() : batches.next(batchAt(stepsDone))),
            error: reject,
            complete: resolve,
          });
        batches.next(batchAt(stepsDone));
      });
    }
  } catch (error) {
    throw withContext(error, `train: step ${stepsDone + 1} failed; the last good checkpoint is ${lastCheckpoint ?? 'the newest in ' + run.checkpoints + ' (if any)'}`);
  } finally {
    stopListening();
    progress.stop();
  }
  return { stepsDone, interrupted, ...(lastCheckpoint === undefined ? {} : { lastCheckpoint }) };
}

/** The same kind of error with a first line saying where the run stood. */
function withContext(error: unknown, context: string): Error {
  const message = `${context}:\n${error instanceof Error ? error.message : String(error)}`;
  return error instanceof BondInputError ? new BondInputError(message) : new Error(message);
}
