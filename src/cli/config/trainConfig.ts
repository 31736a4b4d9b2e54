import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { isAbsolute, resolve } from 'node:path';
import { BondInputError, decodeOrThrow, decodeWith, NonNegativeInt, PositiveInt, showValue } from '../../core/index.js';
import { BACKEND_NAMES, type BackendName } from '../../runtime/index.js';
import type { TrainingConfig } from '../../../pipelines/index.js';
import { defaultTaskConfig, TaskConfig } from '../../../pipelines/tasks/index.js';
import { PIPELINES, PipelineName } from '../pipelineRegistry.js';

/**
 * How a training run is driven, apart from the pipeline's own hyper-parameters:
 * `steps` in total, `seed` of all randomness, a checkpoint every `checkpointEvery` steps (and at the end
 * and on Ctrl-C) keeping the last `keepCheckpoints`, `samplesPerLog` held-out samples written to
 * `samples.jsonl` every `samplesEvery` steps, and a plain progress line every `logEvery` steps when not
 * on a terminal.
 *
 * @example
 * const run: RunSettings = { ...runDefaults, steps: 50 };
 */
export const RunSettings = t.type(
  {
    steps: PositiveInt,
    seed: NonNegativeInt,
    checkpointEvery: PositiveInt,
    keepCheckpoints: PositiveInt,
    samplesEvery: PositiveInt,
    samplesPerLog: PositiveInt,
    logEvery: PositiveInt,
  },
  'RunSettings',
);
/**
 * See the {@link RunSettings} codec.
 *
 * @example
 * const steps: RunSettings['steps'] = runDefaults.steps;
 */
export type RunSettings = t.TypeOf<typeof RunSettings>;

/**
 * The defaults of {@link RunSettings}.
 *
 * @example
 * runDefaults.keepCheckpoints; // 3
 */
export const runDefaults: RunSettings = decodeOrThrow(RunSettings, {
  steps: 200,
  seed: 1,
  checkpointEvery: 50,
  keepCheckpoints: 3,
  samplesEvery: 20,
  samplesPerLog: 3,
  logEvery: 10,
}, 'runDefaults');

/**
 * How `bond eval` (and the evaluation at the end of `bond train`) measures a policy: the N of the
 * Best-of-N table (the largest is the number of reference samples per prompt), policy samples per
 * prompt, and the evaluation's own seed.
 *
 * @example
 * const e: EvalSettings = { ns: [1, 2, 4, 8, 16], policySamples: 8, seed: 0 };
 */
export const EvalSettings = t.type({ ns: t.array(PositiveInt), policySamples: PositiveInt, seed: NonNegativeInt }, 'EvalSettings');
/**
 * See the {@link EvalSettings} codec.
 *
 * @example
 * const ns: EvalSettings['ns'] = evalDefaults.ns;
 */
export type EvalSettings = t.TypeOf<typeof EvalSettings>;

/**
 * The defaults of {@link EvalSettings}: N = 1, 2, 4, 8, 16 as in the BOND paper's comparisons.
 *
 * @example
 * evalDefaults.ns; // [1, 2, 4, 8, 16]
 */
export const evalDefaults: EvalSettings = decodeOrThrow(EvalSettings, { ns: [1, 2, 4, 8, 16], policySamples: 8, seed: 0 }, 'evalDefaults');

/**
 * The name of a backend, for the config's `backend` field and `--backend`.
 *
 * @example
 * BackendNameCodec.is('wasm'); // true
 */
export const BackendNameCodec = t.keyof(Object.fromEntries(BACKEND_NAMES.map((n) => [n, null])) as Record<BackendName, null>, 'BackendName');

/**
 * A decoded training config: every field filled in (defaults for what the file left out), task paths
 * absolute, and the hyper-parameters of the selected pipeline. {@link trainConfigJson} turns it back into
 * the resolved `config.json` of a run directory, which decodes to the same value.
 *
 * @example
 * const config = decodeTrainConfig({ pipeline: 'jbond', jbond: { beta: 0.3 } }, { where: 'my.json', baseDir: '.' });
 */
export interface TrainConfig {
  readonly pipeline: PipelineName;
  /** The backend to force (as `--backend`); absent: the fastest available. */
  readonly backend?: BackendName;
  readonly task: TaskConfig;
  readonly run: RunSettings;
  readonly eval: EvalSettings;
  /** The selected pipeline's full config (its codec's type). */
  readonly pipelineConfig: TrainingConfig;
}

/**
 * Command-line values that take precedence over the file.
 *
 * @example
 * const fromFlags: TrainConfigOverrides = { steps: 20, backend: 'cpu' };
 */
export interface TrainConfigOverrides {
  readonly pipeline?: PipelineName;
  readonly backend?: BackendName;
  readonly steps?: number;
  readonly seed?: number;
}

/**
 * Where a config came from, for messages and relative paths.
 *
 * @example
 * const source: ConfigSource = { where: 'configs/my.json', baseDir: 'configs' };
 */
export interface ConfigSource {
  /** Shown at the start of every error line, e.g. the file name. */
  readonly where: string;
  /** Relative task paths are resolved against it (the config file's directory). */
  readonly baseDir: string;
}

/**
 * Decodes a training config file's JSON: top-level fields `pipeline`, `backend`, `task`, `run`, `eval`,
 * and one optional section per pipeline (`jbond`, …) holding overrides of that pipeline's defaults. Every
 * section is checked, not just the selected pipeline's, and every problem is reported at once — unknown
 * fields (typos must not fall back to defaults silently) and bad values alike — as a
 * {@link BondInputError} whose lines read `<file>: <path>: expected <type>, got <value>`.
 *
 * @example
 * decodeTrainConfig({ jbond: { beta: 2, batchSize: 0 }, run: { stpes: 3 } }, { where: 'c.json', baseDir: '.' });
 * // throws: c.json: run: stpes: expected one of steps, seed, …, got an unknown field
 * //         c.json: jbond: batchSize: expected PositiveInt, got 0
 * //         c.json: jbond: beta: expected UnitInterval, got 2
 */
export function decodeTrainConfig(json: unknown, source: ConfigSource, overrides: TrainConfigOverrides = {}): TrainConfig {
  const { where } = source;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BondInputError(`${where}: expected a JSON object, got ${showValue(json)}`);
  }
  const file = json as Record<string, unknown>;
  const problems: string[] = [];
  const collect = <A>(result: E.Either<string[], A>, fallback: A): A => {
    if (E.isRight(result)) return result.right;
    problems.push(...result.left);
    return fallback;
  };
  const known = ['pipeline', 'backend', 'task', 'run', 'eval', ...Object.keys(PIPELINES)];
  for (const key of Object.keys(file)) {
    if (!known.includes(key)) problems.push(`${where}: ${key}: expected one of ${known.join(', ')}, got an unknown field`);
  }
  const pipeline = overrides.pipeline ?? collect(optional(PipelineName, file['pipeline'], `${where}: pipeline`), undefined) ?? 'jbond';
  const backend = overrides.backend ?? collect(optional(BackendNameCodec, file['backend'], `${where}: backend`), undefined);
  const taskFile = collect(decodeSection(TaskConfig, defaultTaskConfig(), file['task'], `${where}: task`), defaultTaskConfig());
  const task = file['task'] === undefined ? taskFile : resolveTaskPaths(taskFile, source.baseDir);
  const run = collect(decodeSection(RunSettings, runDefaults, file['run'], `${where}: run`), runDefaults);
  const evalSettings = collect(decodeSection(EvalSettings, evalDefaults, file['eval'], `${where}: eval`), evalDefaults);
  if (evalSettings.ns.length === 0) problems.push(`${where}: eval: ns: expected at least one N, got []`);
  let pipelineConfig: TrainingConfig = PIPELINES[pipeline].defaults;
  for (const [name, entry] of Object.entries(PIPELINES)) {
    const decoded = collect(decodeSection(entry.codec, entry.defaults, file[name], `${where}: ${name}`), entry.defaults);
    if (name === pipeline) pipelineConfig = decoded;
  }
  if (problems.length > 0) throw new BondInputError(problems.join('\n'), problems);
  return {
    pipeline,
    ...(backend === undefined ? {} : { backend }),
    task,
    run: { ...run, ...(overrides.steps === undefined ? {} : { steps: overrides.steps }), ...(overrides.seed === undefined ? {} : { seed: overrides.seed }) } as RunSettings,
    eval: evalSettings,
    pipelineConfig,
  };
}

/**
 * The resolved `config.json` of a run: what {@link decodeTrainConfig} reads, with every default written
 * out, so a run directory says exactly how it was trained and `--resume` needs nothing else.
 *
 * @example
 * decodeTrainConfig(trainConfigJson(config), { where: 'config.json', baseDir: '/' }); // equals config
 */
export function trainConfigJson(config: TrainConfig): Record<string, unknown> {
  return {
    pipeline: config.pipeline,
    ...(config.backend === undefined ? {} : { backend: config.backend }),
    task: config.task,
    run: config.run,
    eval: config.eval,
    [config.pipeline]: config.pipelineConfig,
  };
}

/**
 * Decodes one section given as overrides of `defaults`, listing unknown fields and bad values together.
 * (Like `decodeConfig` of `pipelines/types.ts`, which stops at unknown fields; a config file's user wants
 * every problem at once.)
 */
function decodeSection<A extends object>(codec: t.Type<A, unknown, unknown>, defaults: A, value: unknown, where: string): E.Either<string[], A> {
  if (value === undefined) return E.right(defaults);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return E.left([`${where}: expected an object of fields, got ${showValue(value)}`]);
  const knownKeys = Object.keys(defaults);
  const unknown = Object.keys(value)
    .filter((key) => !knownKeys.includes(key))
    .map((key) => `${where}: ${key}: expected one of ${knownKeys.join(', ')}, got an unknown field`);
  const decoded = decodeWith(codec, { ...defaults, ...value }, where);
  if (E.isLeft(decoded)) return E.left([...unknown, ...decoded.left]);
  return unknown.length > 0 ? E.left(unknown) : decoded;
}

function optional<A>(codec: t.Type<A, unknown, unknown>, value: unknown, where: string): E.Either<string[], A | undefined> {
  return value === undefined ? E.right(undefined) : decodeWith(codec, value, where);
}

/** Relative paths in a config file are relative to the file, so a config works from any directory. */
function resolveTaskPaths(task: TaskConfig, baseDir: string): TaskConfig {
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  return { ...task, reference: at(task.reference), prompts: at(task.prompts), reward: task.reward === 'sentiment' ? task.reward : at(task.reward) };
}
