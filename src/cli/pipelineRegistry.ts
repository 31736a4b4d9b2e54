import * as t from 'io-ts';
import { jbond, JBondConfig, jbondDefaults, type AdamConfig, type Pipeline, type TrainingDeps } from '../../pipelines/index.js';

/**
 * A training pipeline as the CLI sees it: its config codec and defaults (a config file's section for it
 * holds overrides of these), the pipeline itself, the parts of the config the run loop needs, and whether
 * it keeps an anchor (then checkpoints save it).
 *
 * @example
 * const entry: PipelineEntry<JBondConfig> = PIPELINES.jbond;
 */
export interface PipelineEntry<C extends object> {
  readonly codec: t.Type<C, unknown, unknown>;
  readonly defaults: C;
  readonly run: Pipeline<TrainingDeps, C>;
  /** Prompts per step. */
  readonly batchSize: (config: C) => number;
  /** Completion length of training samples (also used for `samples.jsonl` and evaluation). */
  readonly maxNewTokens: (config: C) => number;
  /** The Adam settings the pipeline would use for its own optimizer. */
  readonly adam: (config: C) => AdamConfig;
  /** True if the pipeline trains against a moving anchor that a resumed run must restore. */
  readonly usesAnchor: boolean;
}

/**
 * The pipelines `bond train --pipeline` accepts, by name.
 *
 * @example
 * PIPELINES.jbond.defaults.beta; // 0.5
 */
export const PIPELINES = {
  jbond: entry<JBondConfig>({
    codec: JBondConfig as t.Type<JBondConfig, unknown, unknown>,
    defaults: jbondDefaults,
    run: jbond,
    batchSize: (c) => c.batchSize,
    maxNewTokens: (c) => c.maxNewTokens,
    adam: (c) => ({ learningRate: c.learningRate, warmupSteps: c.warmupSteps }),
    usesAnchor: true,
  }),
} as const;

/** A name of {@link PIPELINES}. */
export type PipelineName = keyof typeof PIPELINES;

/**
 * The io-ts codec of a pipeline name, for `--pipeline` and the config's `pipeline` field.
 *
 * @example
 * PipelineName.is('jbond'); // true
 */
export const PipelineName = t.keyof(
  Object.fromEntries(Object.keys(PIPELINES).map((name) => [name, null])) as Record<PipelineName, null>,
  'PipelineName',
);

/** Keeps each entry's config type while the registry is typed as a record of entries. */
function entry<C extends object>(e: PipelineEntry<C>): PipelineEntry<object> {
  return e as unknown as PipelineEntry<object>;
}
