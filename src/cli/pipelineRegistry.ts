import * as t from 'io-ts';
import {
  bond,
  BondConfig,
  bondDefaults,
  iterativeBond,
  IterativeBondConfig,
  iterativeBondDefaults,
  jbond,
  JBondConfig,
  jbondDefaults,
  reinforce,
  ReinforceConfig,
  reinforceDefaults,
  type Pipeline,
  type TrainingConfig,
  type TrainingDeps,
} from '../../pipelines/index.js';

/**
 * A training pipeline as the CLI sees it: its config codec and defaults (a config file's section for it
 * holds overrides of these), the pipeline itself, and whether it keeps an anchor (then checkpoints save
 * it). Every training config has the fields of `TrainingConfig` (Adam, `batchSize`, `maxNewTokens`, …),
 * which is all the run loop reads.
 *
 * @example
 * const entry: PipelineEntry = PIPELINES.jbond;
 */
export interface PipelineEntry {
  readonly codec: t.Type<TrainingConfig, unknown, unknown>;
  readonly defaults: TrainingConfig;
  readonly run: Pipeline<TrainingDeps, TrainingConfig>;
  /** True if the pipeline trains against an anchor that a resumed run must restore. */
  readonly usesAnchor: boolean;
  /** A one-line description for the help. */
  readonly summary: string;
}

/**
 * The pipelines `bond train --pipeline` accepts, by name.
 *
 * @example
 * PIPELINES.jbond.defaults.batchSize; // 16
 */
export const PIPELINES = {
  jbond: entry(JBondConfig, jbondDefaults, jbond, true, 'J-BOND, Algorithm 2: Best-of-2 of an EMA anchor, Jeffreys divergence'),
  bond: entry(BondConfig, bondDefaults, bond, false, 'BOND, Section 4.2: Best-of-N of the reference, Monte-Carlo quantiles'),
  'iterative-bond': entry(IterativeBondConfig, iterativeBondDefaults, iterativeBond, true, 'iterative BOND, Algorithm 1: Best-of-n of an anchor reset every K steps'),
  reinforce: entry(ReinforceConfig, reinforceDefaults, reinforce, false, 'REINFORCE with a KL penalty to the reference (the baseline of Section 6)'),
} as const;

/**
 * A name of {@link PIPELINES}.
 *
 * @example
 * const name: PipelineName = 'iterative-bond';
 */
export type PipelineName = keyof typeof PIPELINES;

/**
 * The io-ts codec of a pipeline name, for `--pipeline` and the config's `pipeline` field.
 *
 * @example
 * PipelineName.is('iterative-bond'); // true
 */
export const PipelineName = t.keyof(
  Object.fromEntries(Object.keys(PIPELINES).map((name) => [name, null])) as Record<PipelineName, null>,
  'PipelineName',
);

/** Erases a pipeline's own config type: the CLI decodes it with the codec and passes it back untouched. */
function entry<C extends TrainingConfig>(
  codec: t.Type<C, unknown, unknown>,
  defaults: C,
  run: Pipeline<TrainingDeps, C>,
  usesAnchor: boolean,
  summary: string,
): PipelineEntry {
  return { codec: codec as unknown as t.Type<TrainingConfig, unknown, unknown>, defaults, run: run as unknown as Pipeline<TrainingDeps, TrainingConfig>, usesAnchor, summary };
}
