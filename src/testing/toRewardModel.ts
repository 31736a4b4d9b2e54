import { fromFunction, type RewardModel } from '../reward/index.js';

/**
 * A reward as the testing kit accepts it: a {@link RewardModel}, or a plain function of the completion
 * tokens (and the prompt tokens) for synthetic token tasks.
 *
 * @example
 * const countOnes: RewardLike = (tokens) => tokens.filter((y) => y === 1).length;
 */
export type RewardLike = RewardModel | ((completion: readonly number[], prompt: readonly number[]) => number);

/**
 * The {@link RewardModel} behind a {@link RewardLike}: a model is returned as is; a function is wrapped
 * with `fromFunction`, so a non-finite reward is reported with the batch index that produced it.
 *
 * @example
 * const model = toRewardModel((tokens) => tokens.length);
 * await model.score([{ prompt: '', completion: '', promptTokens: [], completionTokens: [0, 1] }]); // [2]
 */
export function toRewardModel(reward: RewardLike): RewardModel {
  if (typeof reward !== 'function') return reward;
  return fromFunction((input) => reward(input.completionTokens, input.promptTokens), reward.name === '' ? 'function' : reward.name);
}
