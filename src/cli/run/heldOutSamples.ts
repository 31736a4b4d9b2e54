import { createRng, type Prompt } from '../../core/index.js';
import type { Policy } from '../../policy/index.js';
import type { RewardModel } from '../../reward/index.js';
import type { SampleLine } from './runDirectory.js';

/**
 * Options of {@link heldOutSamples}.
 *
 * @example
 * const options: HeldOutSamplesOptions = { policy, prompts, reward, detokenize, maxNewTokens: 24, seed: 1, step: 40 };
 */
export interface HeldOutSamplesOptions {
  readonly policy: Policy;
  readonly prompts: ReadonlyArray<Prompt>;
  readonly reward: RewardModel;
  readonly detokenize: (tokens: ReadonlyArray<number>) => string;
  readonly maxNewTokens: number;
  /** The run's seed: with `step`, it seeds a generator of its own. */
  readonly seed: number;
  /** Steps done when the samples are drawn. */
  readonly step: number;
}

/**
 * One completion per prompt from the current policy, with its reward, for `samples.jsonl`: a reader's
 * view of what the numbers in `metrics.jsonl` mean. The samples come from a generator seeded by
 * (seed, step), never from the training generator, so logging samples does not change the run.
 *
 * @example
 * run.appendSamples(await heldOutSamples({ policy, prompts: task.evalPrompts.slice(0, 3), reward, detokenize, maxNewTokens: 24, seed: 1, step: 20 }));
 */
export async function heldOutSamples(options: HeldOutSamplesOptions): Promise<SampleLine[]> {
  const { policy, prompts, reward, detokenize, maxNewTokens, seed, step } = options;
  const rng = createRng(Math.imul(seed + 1, 0x85ebca6b) ^ Math.imul(step + 1, 0xc2b2ae35));
  const generations = await policy.sample(prompts.map((p) => p.tokens), { maxNewTokens, rng });
  const completions = generations.map((g) => detokenize(g.tokens));
  const rewards = await reward.score(
    generations.map((g, i) => ({ prompt: prompts[i]?.text ?? '', completion: completions[i] ?? '', promptTokens: g.prompt, completionTokens: g.tokens })),
  );
  return prompts.map((p, i) => ({ step, prompt: p.text, completion: completions[i] ?? '', reward: rewards[i] ?? NaN }));
}
