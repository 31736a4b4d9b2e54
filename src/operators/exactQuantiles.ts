import * as t from 'io-ts';
import { concatMap, type OperatorFunction } from 'rxjs';
import type { Prompt } from '../core/index.js';
import { quantiles, type Quantiles } from '../math/index.js';
import { enumerateSequences, type Policy } from '../policy/index.js';
import type { RewardModel } from '../reward/index.js';
import { assertOption, isPositiveInt } from './assertOption.js';
import type { Enumeration } from './enumeration.js';
import type { Batch, WithPolicySamples, WithQuantiles } from './records.js';
import { rewardInput, type Detokenize } from './scoreRewards.js';

/**
 * Added by `exactQuantiles`: the exact quantile p<(y) of eq (2) per policy sample, next to p≤(y) in
 * `quantiles`. With both, r_BOND can include the correction term (B) of eq (8).
 *
 * @example
 * const rec: WithQuantilesBelow = { quantilesBelow: [[0.5]] };
 */
export const WithQuantilesBelow = t.readonly(t.type({ quantilesBelow: t.readonlyArray(t.readonlyArray(t.number)) }), 'WithQuantilesBelow');
/** See the {@link WithQuantilesBelow} codec. */
export type WithQuantilesBelow = t.TypeOf<typeof WithQuantilesBelow>;

/** Options of {@link exactQuantiles}. */
export interface ExactQuantilesOptions {
  /** The distribution the quantiles are taken under: π_ref for BOND, π_anchor for iterative BOND. */
  readonly reference: Policy;
  /** Scores every completion of the space (once per prompt: the model is assumed deterministic). */
  readonly reward: RewardModel;
  readonly detokenize?: Detokenize | undefined;
  /** The completion space; every policy sample must have `enumeration.length` tokens. */
  readonly enumeration: Enumeration;
}

/**
 * Adds `quantiles` and `quantilesBelow`: for each policy sample y, the EXACT quantiles p≤(y) and p<(y) of
 * eqs (2)–(3) under `reference`, computed over the whole enumerated space (ties broken by index, as in
 * `quantiles`). The exact counterpart of `mcQuantiles` (eq (10)) for spaces small enough to enumerate:
 * it removes the quantile-estimation noise, e.g. to test that BOND's fixed point is π_BoN. The reference
 * is enumerated at every step (an anchor changes); the space's rewards are scored once per prompt.
 * Uses `concatMap`: it awaits the reward model.
 *
 * @example
 * rec$.pipe(samplePolicy({ policy, count: 2, rng, maxNewTokens: 3 }),
 *   exactQuantiles({ reference, reward, enumeration: { length: 3 } }), bondRewards({ n: 4, floor: 0 }));
 */
export function exactQuantiles<R extends Batch & WithPolicySamples>(
  options: ExactQuantilesOptions,
): OperatorFunction<R, R & WithQuantiles & WithQuantilesBelow> {
  const { length } = options.enumeration;
  assertOption('exactQuantiles', 'enumeration.length', length, isPositiveInt, 'a positive integer');
  const vocabSize = options.reference.spec.vocabSize;
  const rewardCache = new Map<string, Promise<number[]>>();
  const spaceRewards = (prompt: Prompt, sequences: ReadonlyArray<ReadonlyArray<number>>): Promise<number[]> => {
    const key = promptKey(prompt);
    const cached = rewardCache.get(key) ?? options.reward.score(sequences.map((s) => rewardInput(prompt, s, options.detokenize ?? (() => ''))));
    rewardCache.set(key, cached);
    return cached;
  };
  return concatMap(async (rec) => {
    // A batch often repeats a prompt (several samples of one task): enumerate each distinct prompt once.
    const stepQuantiles = new Map<string, Promise<Quantiles>>();
    const quantilesOf = (prompt: Prompt): Promise<Quantiles> => {
      const key = promptKey(prompt);
      const known = stepQuantiles.get(key) ?? spaceQuantiles(prompt);
      stepQuantiles.set(key, known);
      return known;
    };
    const spaceQuantiles = async (prompt: Prompt): Promise<Quantiles> => {
      const { sequences, probs } = enumerateSequences(options.reference, prompt.tokens, length);
      const total = probs.reduce((a, b) => a + b, 0);
      // Dividing by the sum absorbs float32 rounding, so the math layer's distribution check holds.
      return quantiles(probs.map((p) => p / total), await spaceRewards(prompt, sequences));
    };
    const perPrompt = await Promise.all(
      rec.prompts.map(async (prompt, i) => {
        const q = await quantilesOf(prompt);
        const indices = (rec.policySamples[i] ?? []).map((g) => sequenceIndex(g.tokens, vocabSize, length));
        return { atOrBelow: indices.map((k) => q.atOrBelow[k] as number), below: indices.map((k) => q.below[k] as number) };
      }),
    );
    return { ...rec, quantiles: perPrompt.map((p) => p.atOrBelow), quantilesBelow: perPrompt.map((p) => p.below) };
  });
}

/** The position of `tokens` in `enumerateSequences` order: its base-`vocabSize` digits, first most significant. */
function sequenceIndex(tokens: ReadonlyArray<number>, vocabSize: number, length: number): number {
  if (tokens.length !== length) {
    throw new RangeError(`exactQuantiles: expected policy samples of enumeration.length = ${length} tokens, got ${tokens.length}`);
  }
  return tokens.reduce((acc, y) => acc * vocabSize + y, 0);
}

/** Prompts with the same text and tokens have the same completion distribution and rewards. */
function promptKey(prompt: Prompt): string {
  return `${prompt.text}\u0000${prompt.tokens.join(',')}`;
}
