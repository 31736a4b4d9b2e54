import * as t from 'io-ts';
import { join } from 'node:path';
import { BondInputError, createRng, NonNegativeInt, PositiveInt, rngFromState } from '../../core/index.js';
import { selectBackend } from '../../runtime/index.js';
import { WarmupAdam } from '../../../pipelines/index.js';
import type { TextTask } from '../../../pipelines/tasks/index.js';
import type { CliIo } from '../cliIo.js';
import type { CliServices } from '../cliServices.js';
import { defaultConfigPath, readTrainConfig } from '../config/readTrainConfig.js';
import { BackendNameCodec, decodeTrainConfig, trainConfigJson, type TrainConfig } from '../config/trainConfig.js';
import { formatEvalTable } from '../eval/formatEvalTable.js';
import { InterruptedError, ExitCode } from '../exitCode.js';
import { flagHelp, parseCommandLine, valueFlag, type CommandLine, type Flags, type FlagValues } from '../flags.js';
import { PIPELINES, PipelineName } from '../pipelineRegistry.js';
import { RunDirectory } from '../run/runDirectory.js';
import { runSummary } from '../run/runSummary.js';
import { latestCheckpoint, loadTrainingCheckpoint } from '../run/trainingCheckpoint.js';
import { runTrainingLoop, type TrainingSession } from '../run/trainingLoop.js';
import { formatDuration } from '../run/trainingProgress.js';
import { evaluateRun } from './evalCommand.js';

const TRAIN = {
  command: 'bond train',
  positionals: [{ name: 'config.json', optional: true }],
  flags: {
    steps: valueFlag(PositiveInt, 'N', 'total training steps (with --resume: continue up to N)', { numeric: true }),
    out: valueFlag(t.string, 'dir', 'run directory to create (default runs/<pipeline>-<date>-<time>)'),
    backend: valueFlag(BackendNameCodec, 'name', 'tensorflow | wasm | cpu (default: the config\'s, else the fastest installed)'),
    seed: valueFlag(NonNegativeInt, 'S', "seed of all randomness (default: the config's run.seed)", { numeric: true }),
    resume: valueFlag(t.string, 'run dir', 'continue a run from its last complete checkpoint'),
    pipeline: valueFlag(PipelineName, 'name', `${Object.keys(PIPELINES).join(' | ')} (default: the config's)`),
  },
} satisfies CommandLine<Flags>;

/**
 * The help text of `bond train`.
 *
 * @example
 * process.stdout.write(TRAIN_HELP);
 */
export const TRAIN_HELP = `Usage: bond train [config.json] [options]
       bond train --resume <run dir> [--steps N] [--backend name]

Trains a policy with a BOND pipeline (J-BOND by default, Algorithm 2 of the BOND paper) and writes a run
directory: config.json, metrics.jsonl, samples.jsonl, checkpoints/step-N/, eval.json. Without a config,
runs the embedded task: make State of the Union sentence beginnings continue more positively (AFINN
sentiment) than the small reference GPT does, as Best-of-N sampling from it would.
Ctrl-C finishes the current step, saves a checkpoint and exits with code 130.

Options:
${flagHelp(TRAIN.flags)}
Pipelines (--pipeline, or the config's "pipeline"; each takes its hyper-parameters from the config
section of the same name, over its defaults):
${Object.entries(PIPELINES)
  .map(([name, p]) => `  ${name.padEnd(16)}${p.summary}\n`)
  .join('')}`;

/**
 * `bond train`: decodes the config (the file's, or the run's when resuming), selects the backend, loads
 * the task, trains (see `runTrainingLoop`), then prints the summary and evaluates the policy on the
 * held-out prompts (`eval.json` and the table). Throws `BondInputError` for bad input and
 * `InterruptedError` after a Ctrl-C checkpoint; frees every policy and optimizer it made.
 *
 * @example
 * process.exitCode = await trainCommand(['--steps', '20', '--out', 'runs/try'], processIo(), defaultServices);
 */
export async function trainCommand(argv: readonly string[], io: CliIo, services: CliServices): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandLine(TRAIN, argv);
  if (help) {
    io.stdout.write(TRAIN_HELP);
    return ExitCode.ok;
  }
  const started = performance.now();
  const { run, config: requested, resumeFrom } = values.resume === undefined ? newRun(values, positionals[0]) : await resumedRun(values, positionals[0]);
  const backend = await selectBackend(requested.backend);
  const config: TrainConfig = { ...requested, backend };
  const task = await services.loadTask(config.task);
  let session: TrainingSession | undefined;
  try {
    checkContextFits(task, config);
    // Only now, with every input checked, does a new run directory appear: a failed start leaves none.
    if (resumeFrom === undefined) run.create('--out');
    run.writeJson(run.config, trainConfigJson(config));
    io.stderr.write(`bond train: ${config.pipeline} on ${backend}, ${config.run.steps} steps → ${run.root}${resumeFrom === undefined ? '' : ` (resuming from ${resumeFrom})`}\n`);
    session = await startSession(task, config, run, resumeFrom);
    const outcome = await runTrainingLoop(session, { config, task, run, io });
    if (outcome.interrupted) {
      throw new InterruptedError(
        `bond train: interrupted after step ${outcome.stepsDone}; checkpoint ${outcome.lastCheckpoint ?? 'none'}; continue with: bond train --resume ${run.root}`,
      );
    }
    io.stdout.write(`\n${config.pipeline}: ${config.run.steps} steps in ${formatDuration((performance.now() - started) / 1000)} (run directory ${run.root})\n`);
    io.stdout.write(runSummary(run.readMetrics()));
    io.stderr.write('evaluating on the held-out prompts…\n');
    const result = await evaluateRun(session.policy, task, config);
    run.writeJson(run.eval, result);
    io.stdout.write(`\n${formatEvalTable(result)}`);
    io.stdout.write(`\nplots: bond report ${run.root}\n`);
    return ExitCode.ok;
  } finally {
    session?.policy.dispose();
    session?.anchor?.dispose();
    session?.optimizer.dispose();
    task.reference.dispose();
  }
}

type TrainValues = FlagValues<typeof TRAIN.flags>;

function newRun(values: TrainValues, configPath: string | undefined): { run: RunDirectory; config: TrainConfig; resumeFrom?: undefined } {
  const config = readTrainConfig(configPath ?? defaultConfigPath(), {
    ...(values.pipeline === undefined ? {} : { pipeline: values.pipeline }),
    ...(values.backend === undefined ? {} : { backend: values.backend }),
    ...(values.steps === undefined ? {} : { steps: values.steps }),
    ...(values.seed === undefined ? {} : { seed: values.seed }),
  });
  const run = new RunDirectory(values.out ?? join('runs', `${config.pipeline}-${timestamp(new Date())}`));
  run.assertCreatable('--out');
  return { run, config };
}

async function resumedRun(values: TrainValues, configPath: string | undefined): Promise<{ run: RunDirectory; config: TrainConfig; resumeFrom: string }> {
  const resume = values.resume as string;
  const conflicts = [
    ...(configPath === undefined ? [] : [`bond train: config.json: expected no config file with --resume (the run's own config.json is used), got ${configPath}`]),
    ...(['seed', 'pipeline', 'out'] as const)
      .filter((flag) => values[flag] !== undefined)
      .map((flag) => `bond train: --${flag}: expected no value with --resume (the run's config.json fixes it), got ${String(values[flag])}`),
  ];
  if (conflicts.length > 0) throw new BondInputError(conflicts.join('\n'), conflicts);
  const run = new RunDirectory(resume);
  if (!run.isRun()) throw new BondInputError(`bond train: --resume: expected a run directory holding config.json, got ${resume}`);
  const config = decodeTrainConfig(run.readJson(run.config), { where: run.config, baseDir: run.root }, {
    ...(values.backend === undefined ? {} : { backend: values.backend }),
    ...(values.steps === undefined ? {} : { steps: values.steps }),
  });
  const resumeFrom = await latestCheckpoint(run.checkpoints);
  if (resumeFrom === undefined) throw new BondInputError(`bond train: --resume: expected a complete checkpoint in ${run.checkpoints}, got none`);
  const done = Number(/step-(\d+)$/.exec(resumeFrom)?.[1]);
  if (done >= config.run.steps) {
    throw new BondInputError(`bond train: --steps: expected more than the ${done} steps already done in ${resume}, got ${config.run.steps}`);
  }
  return { run, config, resumeFrom };
}

/** A new run starts from π_ref (Algorithm 2: π⁰ = π⁰_anchor = π_ref); a resumed one from its checkpoint. */
async function startSession(task: TextTask, config: TrainConfig, run: RunDirectory, resumeFrom: string | undefined): Promise<TrainingSession> {
  const entry = PIPELINES[config.pipeline];
  const { learningRate, warmupSteps } = config.pipelineConfig;
  // The optimizer the pipeline would make for itself; made here so that checkpoints can save its state.
  const optimizer = new WarmupAdam({ learningRate, warmupSteps });
  if (resumeFrom === undefined) {
    const policy = task.reference.clone();
    return {
      policy,
      ...(entry.usesAnchor ? { anchor: policy.clone() } : {}),
      optimizer,
      rng: createRng(config.run.seed),
      firstStep: 0,
      nonFiniteSkips: 0,
    };
  }
  const snapshot = await loadTrainingCheckpoint(resumeFrom, optimizer).catch((error: unknown) => {
    optimizer.dispose();
    throw error;
  });
  run.truncateLogs(snapshot.state.step);
  return {
    policy: snapshot.policy,
    ...(snapshot.anchor === undefined ? {} : { anchor: snapshot.anchor }),
    optimizer,
    rng: rngFromState(snapshot.state.rng),
    firstStep: snapshot.state.step,
    nonFiniteSkips: snapshot.state.nonFiniteSkips,
  };
}

/** Prompt and completion must fit the reference's context; say so before the first step, naming the field. */
function checkContextFits(task: TextTask, config: TrainConfig): void {
  const { spec } = task.reference;
  if (spec.kind !== 'gpt') return;
  const longest = Math.max(0, ...[...task.trainPrompts, ...task.evalPrompts].map((p) => p.tokens.length));
  const { maxNewTokens } = config.pipelineConfig;
  if (longest + maxNewTokens > spec.maxLength) {
    throw new BondInputError(
      `config: ${config.pipeline}: maxNewTokens: expected at most ${spec.maxLength - longest} (the reference's context of ${spec.maxLength} tokens minus the longest prompt's ${longest}), got ${maxNewTokens}`,
    );
  }
}

function timestamp(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}
