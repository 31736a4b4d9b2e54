import fc from 'fast-check';
import * as t from 'io-ts';
import { pipe } from 'rxjs';
import { BondInputError, createRng, NonNegativeInt, PositiveInt } from '../core/index.js';
import { samplePolicy, scoreRewards, type Batch } from '../operators/index.js';
import { loadCheckpoint, type Policy } from '../policy/index.js';
import type { RewardModel } from '../reward/index.js';
import { selectBackend } from '../runtime/index.js';
import {
  bestOfNIdentities,
  jbondRewardCalibration,
  operatorHygiene,
  perturbedClone,
  policyCasesFor,
  policyConsistency,
  tokenBatch,
} from '../testing/index.js';
import { loadReward } from '../../pipelines/tasks/index.js';
import { processIo, type CliIo } from './cliIo.js';
import { BackendNameCodec } from './config/trainConfig.js';
import { ExitCode, exitCodeOf } from './exitCode.js';
import { flagHelp, parseCommandLine, valueFlag, type CommandLine, type Flags } from './flags.js';

const CHECK = {
  command: 'bond check',
  positionals: [],
  flags: {
    policy: valueFlag(t.string, 'checkpoint', 'the policy checkpoint directory to check (required)'),
    reward: valueFlag(t.string, 'spec', '"sentiment" (default) or the path of an ES module exporting `reward`'),
    runs: valueFlag(PositiveInt, 'N', 'fast-check runs per property (default 25)', { numeric: true }),
    seed: valueFlag(NonNegativeInt, 'S', 'fast-check seed, to reproduce a failure (default 0)', { numeric: true }),
    backend: valueFlag(BackendNameCodec, 'name', 'tensorflow | wasm | cpu (default: the fastest installed)'),
  },
} satisfies CommandLine<Flags>;

/**
 * The help text of `bond check`.
 *
 * @example
 * process.stdout.write(CHECK_HELP);
 */
export const CHECK_HELP = `Usage: bond check --policy <checkpoint> [options]

Property-tests a saved policy and a reward with the bond-rlhf/testing kit, on small enumerable spaces
around the policy (clones with drawn prompts, and clones with seeded noise on the weights):

  policyConsistency       sample() log-probs = sequenceLogProbs; KV cache = full forward pass;
                          enumerated probabilities sum to 1; the EMA of eq (18)
  bestOfNIdentities       with this reward: normalisation, N = 1, iteration (eq 16), monotone-transform
                          invariance, the worst element's mass (eq 4)
  operatorHygiene         samplePolicy → scoreRewards with this policy and reward: no leaked tensors,
                          no mutated input, batch size and fields kept
  jbondRewardCalibration  eq (24) and the −log 16 calibration of appendix A.4

Prints PASS or FAIL per property, with fast-check's shrunk counterexample on failure. Exit code 0 when
every property holds, 1 when one fails, 2 on bad input.

Options:
${flagHelp(CHECK.flags)}`;

/** One property as `bond check` runs and reports it. */
interface NamedCheck {
  readonly name: string;
  run(params: fc.Parameters<unknown>): Promise<{ readonly failed: boolean; readonly report: string }>;
}

/**
 * `bond check`: loads the checkpoint and the reward, runs every applicable property of the testing kit
 * with `--runs` runs from `--seed`, prints PASS/FAIL per property (with the shrunk counterexample on
 * failure), and returns the exit code: 0 all pass, 1 a property fails, 2 bad input (a flag, the
 * checkpoint, the reward module). Errors are written to `io.stderr`.
 *
 * @example
 * process.exitCode = await checkCommand(['--policy', 'pipelines/assets/reference', '--runs', '50']);
 */
export async function checkCommand(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await check(argv, io);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOf(error);
  }
}

async function check(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, help } = parseCommandLine(CHECK, argv);
  if (help) {
    io.stdout.write(CHECK_HELP);
    return ExitCode.ok;
  }
  if (values.policy === undefined) throw new BondInputError('bond check: --policy: expected a checkpoint directory, got none');
  const rewardSpec = values.reward ?? 'sentiment';
  const reward = await loadReward(rewardSpec);
  await selectBackend(values.backend);
  const { policy, tokenizer } = await loadCheckpoint(values.policy);
  try {
    const detokenize = (tokens: readonly number[]): string => tokenizer?.decode(tokens) ?? '';
    const numRuns = values.runs ?? 25;
    const seed = values.seed ?? 0;
    const { kind, vocabSize, maxLength } = policy.spec;
    io.stdout.write(
      `bond check: ${values.policy} (${kind} policy, vocabulary ${vocabSize}, length ${maxLength}), reward ${rewardSpec}, ${numRuns} runs per property, seed ${seed}\n`,
    );
    const properties = checks(policy, reward, detokenize);
    let failures = 0;
    for (const property of properties) {
      const started = performance.now();
      const { failed, report } = await property.run({ numRuns, seed });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.stdout.write(`${failed ? 'FAIL' : 'PASS'}  ${property.name.padEnd(24)}${seconds} s\n`);
      if (failed) {
        failures++;
        io.stdout.write(`${report.replace(/^/gm, '      ')}\n`);
      }
    }
    io.stdout.write(failures === 0 ? 'every property holds\n' : `${failures} of ${properties.length} properties failed (rerun with the same --seed to reproduce)\n`);
    return failures === 0 ? ExitCode.ok : ExitCode.failure;
  } finally {
    policy.dispose();
  }
}

/** The kit's properties that apply to one loaded policy and reward, in the order they are reported. */
function checks(policy: Policy, reward: RewardModel, detokenize: (tokens: readonly number[]) => string): NamedCheck[] {
  return [
    named('policyConsistency', () => policyConsistency((seed) => perturbedClone(policy, seed))),
    named('bestOfNIdentities', () => bestOfNIdentities(reward, { cases: policyCasesFor(policy, { maxSequences: Math.max(256, policy.spec.vocabSize) }), detokenize })),
    named('operatorHygiene', () => samplingHygiene(policy, reward, detokenize)),
    named('jbondRewardCalibration', () => jbondRewardCalibration()),
  ];
}

/** operatorHygiene of the sampling and scoring stages of a pipeline built on this policy and reward. */
function samplingHygiene(policy: Policy, reward: RewardModel, detokenize: (tokens: readonly number[]) => string): fc.IAsyncPropertyWithHooks<[Batch]> {
  const { kind, vocabSize, maxLength } = policy.spec;
  // Tabular policies ignore prompts and complete maxLength tokens; others need prompt + completion to fit.
  const promptLength = kind === 'tabular' ? 4 : Math.min(4, maxLength - 1);
  const maxNewTokens = kind === 'tabular' ? maxLength : Math.min(4, maxLength - promptLength);
  const stages = pipe(samplePolicy<Batch>({ policy, count: 2, maxNewTokens, rng: createRng(0) }), scoreRewards({ reward, detokenize }));
  const batches = tokenBatch(vocabSize, { maxLength: promptLength }).map(
    (rows): Batch => ({ step: 0, startedAt: 0, prompts: rows.map((tokens) => ({ text: detokenize(tokens), tokens })) }),
  );
  return operatorHygiene(stages, batches);
}

/** Wraps a property (built on first run, so a failing construction is reported as that property's failure). */
function named<Ts>(name: string, build: () => fc.IRawProperty<Ts, boolean>): NamedCheck {
  return {
    name,
    run: async (params) => {
      try {
        const details = await fc.check(build(), params as fc.Parameters<Ts>);
        // fast-check's report gives the seed and the shrunk counterexample; the error says which identity broke.
        const error = details.errorInstance instanceof Error ? `\nError: ${details.errorInstance.message}` : '';
        return { failed: details.failed, report: `${fc.defaultReportMessage(details) ?? ''}${error}` };
      } catch (error) {
        return { failed: true, report: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
