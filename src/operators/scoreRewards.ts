import { concatMap, type OperatorFunction } from 'rxjs';
import { BondInputError, showValue, type Generation, type Prompt } from '../core/index.js';
import type { RewardInput, RewardModel } from '../reward/index.js';
import type { Batch, WithAnchorRewards, WithAnchorSamples, WithPolicyRewards, WithPolicySamples } from './records.js';

/**
 * Turns completion tokens back into text for a text reward model.
 *
 * @example
 * const detokenize: Detokenize = (tokens) => tokenizer.decode(tokens);
 */
export type Detokenize = (tokens: ReadonlyArray<number>) => string;

/**
 * Options of {@link scoreRewards}.
 *
 * @example
 * const opts: ScoreRewardsOptions = { reward: lexiconSentiment(), detokenize: (t) => tokenizer.decode(t) };
 */
export interface ScoreRewardsOptions {
  readonly reward: RewardModel;
  /** Completion text for the reward model; by default `''`, for token tasks whose reward reads tokens. */
  readonly detokenize?: Detokenize | undefined;
}

/**
 * The record after {@link scoreRewards}: rewards for whichever sample groups `R` has.
 *
 * @example
 * type AfterScoring = Scored<Batch & WithPolicySamples>; // Batch & WithPolicySamples & WithPolicyRewards
 */
export type Scored<R> = R &
  (R extends WithPolicySamples ? WithPolicyRewards : unknown) &
  (R extends WithAnchorSamples ? WithAnchorRewards : unknown);

/**
 * Scores every sample of the step with r(x, y) in one call to the reward model: adds `policyRewards` if the
 * record has `policySamples`, and `anchorRewards` if it has `anchorSamples`. Rewards are checked to be
 * finite, one per sample, because Best-of-N ranks by them (eq (4)). Uses `concatMap`: scoring is
 * asynchronous (an HTTP reward model) and steps stay in order.
 *
 * @example
 * batch$.pipe(samplePolicy(...), sampleAnchor(...), scoreRewards({ reward: fromFunction((x) => x.completionTokens[0] ?? 0) }));
 */
export function scoreRewards<R extends Batch>(options: ScoreRewardsOptions): OperatorFunction<R, Scored<R>> {
  const detokenize = options.detokenize ?? (() => '');
  return concatMap(async (rec) => {
    const policySamples = hasPolicySamples(rec) ? rec.policySamples : [];
    const anchorSamples = hasAnchorSamples(rec) ? rec.anchorSamples : [];
    const toInputs = (group: ReadonlyArray<ReadonlyArray<Generation>>): RewardInput[] =>
      group.flatMap((samples, i) => samples.map((g) => rewardInput(rec.prompts[i], g.tokens, detokenize)));
    const inputs = [...toInputs(policySamples), ...toInputs(anchorSamples)];
    const rewards = await options.reward.score(inputs);
    checkRewards(options.reward.name, inputs.length, rewards);
    let next = 0;
    const regroup = (group: ReadonlyArray<ReadonlyArray<Generation>>): number[][] =>
      group.map((samples) => samples.map(() => rewards[next++] as number));
    const policyRewards = regroup(policySamples);
    const anchorRewards = regroup(anchorSamples);
    return {
      ...rec,
      ...(hasPolicySamples(rec) ? { policyRewards } : {}),
      ...(hasAnchorSamples(rec) ? { anchorRewards } : {}),
    } as Scored<R>;
  });
}

function hasPolicySamples(rec: object): rec is WithPolicySamples {
  return 'policySamples' in rec;
}

function hasAnchorSamples(rec: object): rec is WithAnchorSamples {
  return 'anchorSamples' in rec;
}

/**
 * What the reward model sees of one completion of `prompt` (the prompt's tokens and text, the completion's
 * tokens and detokenised text).
 *
 * @example
 * rewardInput({ text: 'We', tokens: [5] }, [7], () => ' the'); // { prompt: 'We', completion: ' the', promptTokens: [5], completionTokens: [7] }
 */
export function rewardInput(prompt: Prompt | undefined, completion: ReadonlyArray<number>, detokenize: Detokenize): RewardInput {
  return { prompt: prompt?.text ?? '', completion: detokenize(completion), promptTokens: prompt?.tokens ?? [], completionTokens: completion };
}

function checkRewards(name: string, expected: number, rewards: ReadonlyArray<number>): void {
  if (rewards.length !== expected) {
    throw new BondInputError(`scoreRewards: expected ${expected} rewards from "${name}", got ${rewards.length}`);
  }
  rewards.forEach((r, i) => {
    if (!Number.isFinite(r)) throw new BondInputError(`scoreRewards: reward model "${name}": rewards[${i}]: expected a finite number, got ${showValue(r)}`);
  });
}
