import * as t from 'io-ts';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { BondInputError, decodeOrThrow, NonNegativeInt, showValue, type Prompt } from '../../src/core/index.js';
import { loadCheckpoint, type Policy, type Tokenizer } from '../../src/policy/index.js';
import type { RewardModel } from '../../src/reward/index.js';
import { loadReward } from './loadReward.js';
import { packageRoot } from './packageRoot.js';

/**
 * Where a text task's parts come from. Paths are relative to the config file that names them.
 *
 * - `reference`: a checkpoint directory (`saveCheckpoint`) holding π_ref and its tokenizer;
 * - `prompts`: a JSON file `{ "prompts": ["We the", ...] }`;
 * - `reward`: `"sentiment"` (AFINN lexicon sentiment of the completion) or the path of an ES module
 *   exporting `reward`, either a `RewardModel` or a function `(input) => number`;
 * - `evalPrompts`: how many prompts (the last ones of the file) are held out from training for
 *   evaluation and the samples log.
 *
 * @example
 * const task: TaskConfig = { reference: '../assets/reference', prompts: '../assets/prompts.json', reward: 'sentiment', evalPrompts: 64 };
 */
export const TaskConfig = t.type({ reference: t.string, prompts: t.string, reward: t.string, evalPrompts: NonNegativeInt }, 'TaskConfig');
/**
 * See the {@link TaskConfig} codec.
 *
 * @example
 * const reward: TaskConfig['reward'] = 'sentiment';
 */
export type TaskConfig = t.TypeOf<typeof TaskConfig>;

/**
 * The embedded default task: make State of the Union sentence beginnings continue more positively (AFINN
 * sentiment), starting from the small character-level GPT pretrained on the other addresses, with 64 of
 * the 200 held-out prompts kept for evaluation. Paths are absolute, inside the installed package.
 *
 * @example
 * const task = await loadTask(defaultTaskConfig());
 */
export function defaultTaskConfig(): TaskConfig {
  const assets = join(packageRoot(), 'pipelines', 'assets');
  return decodeOrThrow(TaskConfig, { reference: join(assets, 'reference'), prompts: join(assets, 'prompts.json'), reward: 'sentiment', evalPrompts: 64 }, 'defaultTaskConfig');
}

/**
 * A loaded text task: everything a pipeline needs besides its config.
 *
 * @example
 * const task: TextTask = await loadTask(defaultTaskConfig());
 * task.reference.dispose();
 */
export interface TextTask {
  /** π_ref, loaded from the checkpoint; the caller disposes it. */
  readonly reference: Policy;
  readonly tokenizer: Tokenizer;
  /** Prompts to train on. */
  readonly trainPrompts: ReadonlyArray<Prompt>;
  /** Held-out prompts, for evaluation and samples. */
  readonly evalPrompts: ReadonlyArray<Prompt>;
  readonly reward: RewardModel;
  /** Completion text for the reward model. */
  readonly detokenize: (tokens: ReadonlyArray<number>) => string;
}

const PromptsFile = t.type({ prompts: t.array(t.string) }, 'PromptsFile');

/**
 * Loads a {@link TextTask}: the reference checkpoint (which must carry a tokenizer), the prompts
 * (encoded with it; each must fit the model's context), and the reward. Relative paths resolve against
 * `baseDir` (the config file's directory). Every problem is a `BondInputError` naming the file and field.
 *
 * @example
 * const task = await loadTask({ reference: 'ckpt', prompts: 'prompts.json', reward: 'sentiment', evalPrompts: 8 }, 'configs');
 * task.trainPrompts.length; // all prompts but the last 8
 */
export async function loadTask(config: TaskConfig, baseDir = process.cwd()): Promise<TextTask> {
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  const reward = await loadReward(config.reward, baseDir);
  const { policy: reference, tokenizer } = await loadCheckpoint(at(config.reference));
  try {
    if (tokenizer === undefined) {
      throw new BondInputError(`task.reference: expected a checkpoint saved with a tokenizer, got none in ${at(config.reference)}`);
    }
    const prompts = await loadPrompts(at(config.prompts), tokenizer);
    if (config.evalPrompts >= prompts.length) {
      throw new BondInputError(`task.evalPrompts: expected fewer than the ${prompts.length} prompts of ${at(config.prompts)}, got ${config.evalPrompts}`);
    }
    const split = prompts.length - config.evalPrompts;
    return {
      reference,
      tokenizer,
      trainPrompts: prompts.slice(0, split),
      evalPrompts: prompts.slice(split),
      reward,
      detokenize: (tokens) => tokenizer.decode(tokens),
    };
  } catch (error) {
    reference.dispose();
    throw error;
  }
}

async function loadPrompts(path: string, tokenizer: Tokenizer): Promise<Prompt[]> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new BondInputError(`task.prompts: expected a readable JSON file, got ${showValue(path)} (${String((error as { code?: unknown }).code ?? error)})`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BondInputError(`${path}: expected JSON, got ${error instanceof Error ? error.message : String(error)}`);
  }
  const { prompts } = decodeOrThrow(PromptsFile, json, path);
  if (prompts.length === 0) throw new BondInputError(`${path}: prompts: expected at least one prompt, got none`);
  return prompts.map((text, i) => {
    try {
      return { text, tokens: tokenizer.encode(text) };
    } catch (error) {
      throw new BondInputError(`${path}: prompts.${i}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
