import type { Generation, Prompt } from '../core/index.js';
import type { Policy, SampleOptions } from '../policy/index.js';
import { assertOption, isPositiveInt } from './assertOption.js';

/**
 * Options shared by `samplePolicy` and `sampleAnchor`: how many samples per prompt, and how to sample.
 *
 * @example
 * const opts: SampleGroupOptions = { count: 2, rng: createRng(1), maxNewTokens: 16 };
 */
export interface SampleGroupOptions extends SampleOptions {
  /** Samples per prompt. */
  readonly count: number;
}

/**
 * Checks a sampling stage's options when the stage is built.
 *
 * @example
 * assertSampleOptions('samplePolicy', { count: 2, maxNewTokens: 8, rng: createRng(0) }); // passes
 */
export function assertSampleOptions(where: string, options: SampleGroupOptions): void {
  assertOption(where, 'count', options.count, isPositiveInt, 'a positive integer');
  assertOption(where, 'maxNewTokens', options.maxNewTokens, isPositiveInt, 'a positive integer');
}

/**
 * Draws `count` completions per prompt from `policy` in one batched call, grouped per prompt
 * (`result[i][j]` is the j-th sample for `prompts[i]`).
 *
 * @example
 * const groups = await sampleGroups(policy, [{ text: '', tokens: [1] }], { count: 2, maxNewTokens: 3, rng: createRng(0) });
 * groups[0].length; // 2
 */
export async function sampleGroups(
  policy: Policy,
  prompts: ReadonlyArray<Prompt>,
  options: SampleGroupOptions,
): Promise<Generation[][]> {
  const { count, ...sampling } = options;
  const rows = prompts.flatMap((p) => Array.from({ length: count }, () => p.tokens));
  const flat = await policy.sample(rows, sampling);
  return prompts.map((_, i) => flat.slice(i * count, (i + 1) * count));
}
