import { basename, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BondInputError, showValue } from '../../src/core/index.js';
import { fromFunction, lexiconSentiment, type RewardModel } from '../../src/reward/index.js';

/**
 * The reward model a task or command names: `"sentiment"` for the AFINN lexicon sentiment of the
 * completion (`lexiconSentiment`), or the path (relative to `baseDir`) of an ES module that exports
 * `reward`, either a `RewardModel` or a function `(input: RewardInput) => number` (wrapped with
 * `fromFunction`, which checks every reward is finite). Anything else is a `BondInputError`.
 *
 * @example
 * const reward = await loadReward('sentiment');
 * const mine = await loadReward('./rewards/length.mjs', 'configs'); // export const reward = (x) => x.completion.length;
 */
export async function loadReward(spec: string, baseDir = process.cwd()): Promise<RewardModel> {
  if (spec === 'sentiment') return lexiconSentiment();
  const path = isAbsolute(spec) ? spec : resolve(baseDir, spec);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new BondInputError(`reward: expected "sentiment" or the path of an ES module, got ${showValue(spec)} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const reward = module['reward'];
  if (typeof reward === 'function') return fromFunction(reward as Parameters<typeof fromFunction>[0], basename(path));
  if (typeof reward === 'object' && reward !== null && typeof (reward as RewardModel).score === 'function') return reward as RewardModel;
  throw new BondInputError(`reward: expected ${path} to export "reward", a RewardModel or a function, got ${showValue(typeof reward)}`);
}
