import { BondInputError, showValue } from '../core/index.js';
import type { RewardInput, RewardModel } from './types.js';

/**
 * A reward model from a per-generation function. Every returned reward is checked to be a finite number,
 * because a NaN or infinite reward would silently break the reward ordering Best-of-N relies on
 * (eq (4) of the BOND paper); the error names the model, the batch index and the value.
 * Asynchronous functions are awaited concurrently over the batch.
 *
 * @example
 * const ones = fromFunction((x) => x.completionTokens.filter((t) => t === 1).length, 'count-ones');
 * await ones.score([{ prompt: '', completion: '', promptTokens: [], completionTokens: [1, 0, 1] }]); // [2]
 */
export function fromFunction(fn: (input: RewardInput) => number | Promise<number>, name = 'function'): RewardModel {
  return {
    name,
    score: async (batch) => {
      const rewards: unknown[] = await Promise.all(batch.map(async (input) => fn(input)));
      return rewards.map((reward, i) => {
        if (typeof reward !== 'number' || !Number.isFinite(reward)) {
          throw new BondInputError(`reward model "${name}": batch[${i}]: expected a finite number, got ${showValue(reward)}`);
        }
        return reward;
      });
    },
  };
}
