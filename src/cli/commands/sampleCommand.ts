import * as t from 'io-ts';
import { BondInputError, createRng, NonNegativeInt, PositiveInt, Positive } from '../../core/index.js';
import { loadCheckpoint } from '../../policy/index.js';
import { selectBackend } from '../../runtime/index.js';
import { loadReward } from '../../../pipelines/tasks/index.js';
import type { CliIo } from '../cliIo.js';
import { BackendNameCodec } from '../config/trainConfig.js';
import { ExitCode } from '../exitCode.js';
import { flagHelp, parseCommandLine, valueFlag, type CommandLine, type Flags } from '../flags.js';
import { resolvePolicySource } from '../run/resolvePolicySource.js';

const SAMPLE = {
  command: 'bond sample',
  positionals: [{ name: 'checkpoint' }],
  flags: {
    prompt: valueFlag(t.string, 'text', 'the prompt to continue (required)'),
    'best-of': valueFlag(PositiveInt, 'N', 'draw N completions and print the one with the highest reward (default 1)', { numeric: true }),
    'max-tokens': valueFlag(PositiveInt, 'M', 'completion length in tokens (default: 32, or what fits the context)', { numeric: true }),
    seed: valueFlag(NonNegativeInt, 'S', 'seed of the sampling (default 0)', { numeric: true }),
    temperature: valueFlag(Positive, 'T', 'softmax temperature (default 1)', { numeric: true }),
    reward: valueFlag(t.string, 'spec', '"sentiment" (default) or the path of an ES module exporting `reward`'),
    backend: valueFlag(BackendNameCodec, 'name', 'tensorflow | wasm | cpu (default: the fastest installed)'),
  },
} satisfies CommandLine<Flags>;

/**
 * The help text of `bond sample`.
 *
 * @example
 * process.stdout.write(SAMPLE_HELP);
 */
export const SAMPLE_HELP = `Usage: bond sample <checkpoint> --prompt "text" [options]

Continues a prompt with a policy: a run directory (its newest checkpoint), a checkpoints/step-N directory,
or a policy checkpoint such as pipelines/assets/reference. With --best-of N, draws N completions, scores
them with the reward and prints the best (Best-of-N sampling), then every candidate with its reward.

Options:
${flagHelp(SAMPLE.flags)}`;

/**
 * `bond sample`: loads the policy and its tokenizer, draws `--best-of` completions of `--prompt`, scores
 * them, and prints the prompt with the best completion followed by every candidate's reward.
 *
 * @example
 * process.exitCode = await sampleCommand(['runs/jbond-1', '--prompt', 'We the people', '--best-of', '4'], processIo());
 */
export async function sampleCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandLine(SAMPLE, argv);
  if (help) {
    io.stdout.write(SAMPLE_HELP);
    return ExitCode.ok;
  }
  if (values.prompt === undefined) throw new BondInputError('bond sample: --prompt: expected the text to continue, got none');
  const source = await resolvePolicySource(positionals[0] as string, 'bond sample');
  const reward = await loadReward(values.reward ?? 'sentiment');
  await selectBackend(values.backend);
  const { policy, tokenizer } = await loadCheckpoint(source.policyDir);
  try {
    if (tokenizer === undefined) throw new BondInputError(`bond sample: expected a checkpoint saved with a tokenizer, got none in ${source.policyDir}`);
    const prompt = tokenizer.encode(values.prompt);
    const room = policy.spec.kind === 'gpt' ? policy.spec.maxLength - prompt.length : policy.spec.maxLength;
    const maxNewTokens = values['max-tokens'] ?? Math.min(32, room);
    if (maxNewTokens > room || maxNewTokens < 1) {
      throw new BondInputError(`bond sample: --max-tokens: expected at most ${room} (the context left after the prompt's ${prompt.length} tokens), got ${maxNewTokens}`);
    }
    const n = values['best-of'] ?? 1;
    const generations = await policy.sample(
      Array.from({ length: n }, () => prompt),
      { maxNewTokens, rng: createRng(values.seed ?? 0), ...(values.temperature === undefined ? {} : { temperature: values.temperature }) },
    );
    const completions = generations.map((g) => tokenizer.decode(g.tokens));
    const rewards = await reward.score(
      generations.map((g, i) => ({ prompt: values.prompt ?? '', completion: completions[i] ?? '', promptTokens: g.prompt, completionTokens: g.tokens })),
    );
    const ranked = completions.map((completion, i) => ({ completion, reward: rewards[i] as number })).sort((a, b) => b.reward - a.reward);
    const best = ranked[0];
    io.stdout.write(`${values.prompt}${best?.completion ?? ''}\n`);
    io.stdout.write(`reward ${best?.reward ?? NaN}${n > 1 ? ` (best of ${n})` : ''}\n`);
    if (n > 1) io.stdout.write(ranked.map((r) => `  ${String(r.reward).padStart(6)}  ${JSON.stringify(r.completion)}\n`).join(''));
    return ExitCode.ok;
  } finally {
    policy.dispose();
  }
}
