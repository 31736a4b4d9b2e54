import * as t from 'io-ts';
import { loadCheckpoint, type Policy } from '../../policy/index.js';
import { selectBackend } from '../../runtime/index.js';
import type { TextTask } from '../../../pipelines/tasks/index.js';
import type { CliIo } from '../cliIo.js';
import type { CliServices } from '../cliServices.js';
import { defaultConfigPath, readTrainConfig } from '../config/readTrainConfig.js';
import { BackendNameCodec, decodeTrainConfig, type TrainConfig } from '../config/trainConfig.js';
import type { EvalResult } from '../eval/evalResult.js';
import { evaluatePolicy } from '../eval/evaluatePolicy.js';
import { formatEvalTable } from '../eval/formatEvalTable.js';
import { ExitCode } from '../exitCode.js';
import { flagHelp, parseCommandLine, valueFlag, type CommandLine, type Flags } from '../flags.js';
import { resolvePolicySource } from '../run/resolvePolicySource.js';

const EVAL = {
  command: 'bond eval',
  positionals: [{ name: 'run dir or checkpoint' }],
  flags: {
    config: valueFlag(t.string, 'config.json', "task and eval settings (default: the run's config.json, else the default config)"),
    backend: valueFlag(BackendNameCodec, 'name', "tensorflow | wasm | cpu (default: the config's, else the fastest installed)"),
  },
} satisfies CommandLine<Flags>;

/**
 * The help text of `bond eval`.
 *
 * @example
 * process.stdout.write(EVAL_HELP);
 */
export const EVAL_HELP = `Usage: bond eval <run dir or checkpoint> [options]

On the task's held-out prompts, measures the policy's mean reward (one sample per prompt) and its KL to
the reference, and the mean reward of Best-of-N sampling from the reference for N = 1, 2, 4, 8, 16; prints
the table and which N the policy matches ("policy ≈ Best-of-N of the reference for N ≈ …"). For a run
directory, evaluates its newest checkpoint and writes eval.json into the run.

Options:
${flagHelp(EVAL.flags)}`;

/**
 * `bond eval`: evaluates a run's newest checkpoint, a `checkpoints/step-N` directory or a policy
 * checkpoint against Best-of-N of the task's reference ({@link evaluateRun}), prints the table, and
 * writes `eval.json` when the policy belongs to a run.
 *
 * @example
 * process.exitCode = await evalCommand(['runs/jbond-1'], processIo(), defaultServices);
 */
export async function evalCommand(argv: readonly string[], io: CliIo, services: CliServices): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandLine(EVAL, argv);
  if (help) {
    io.stdout.write(EVAL_HELP);
    return ExitCode.ok;
  }
  const source = await resolvePolicySource(positionals[0] as string, 'bond eval');
  const config: TrainConfig =
    values.config !== undefined || source.run === undefined
      ? readTrainConfig(values.config ?? defaultConfigPath())
      : decodeTrainConfig(source.run.readJson(source.run.config), { where: source.run.config, baseDir: source.run.root });
  await selectBackend(values.backend ?? config.backend);
  const task = await services.loadTask(config.task);
  let policy: Policy | undefined;
  try {
    policy = (await loadCheckpoint(source.policyDir)).policy;
    io.stderr.write(`bond eval: ${source.policyDir} on ${task.evalPrompts.length} held-out prompts…\n`);
    const result = await evaluateRun(policy, task, config);
    io.stdout.write(formatEvalTable(result));
    if (source.run !== undefined) {
      source.run.writeJson(source.run.eval, result);
      io.stdout.write(`wrote ${source.run.eval}\n`);
    }
    return ExitCode.ok;
  } finally {
    policy?.dispose();
    task.reference.dispose();
  }
}

/**
 * Evaluates `policy` against Best-of-N of the task's reference on the held-out prompts, with the
 * config's eval settings and its pipeline's completion length.
 *
 * @example
 * const result = await evaluateRun(policy, task, config);
 */
export function evaluateRun(policy: Policy, task: TextTask, config: TrainConfig): Promise<EvalResult> {
  return evaluatePolicy({
    policy,
    reference: task.reference,
    prompts: task.evalPrompts,
    reward: task.reward,
    detokenize: task.detokenize,
    maxNewTokens: config.pipelineConfig.maxNewTokens,
    ns: config.eval.ns,
    policySamples: config.eval.policySamples,
    seed: config.eval.seed,
  });
}
