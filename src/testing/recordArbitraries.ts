import fc from 'fast-check';
import type { Generation } from '../core/index.js';
import type { Batch, WithAnchorRewards, WithAnchorSamples, WithPolicyRewards, WithPolicySamples } from '../operators/index.js';

/**
 * fast-check arbitraries for the records that flow through a pipeline, to feed custom operators (see
 * `operatorHygiene`) without running a policy or a reward model.
 */

/**
 * A step's record after sampling and scoring: what `mcQuantiles`, `jbondRewards` or `bestOfN` consume.
 *
 * @example
 * const g = { prompt: [1], tokens: [2], logProbs: [-0.7] };
 * const rec: ScoredBatch = { step: 0, startedAt: 0, prompts: [{ text: '', tokens: [1] }], policySamples: [[g]], anchorSamples: [[g, g]], policyRewards: [[1]], anchorRewards: [[0, 2]] };
 */
export type ScoredBatch = Batch & WithPolicySamples & WithAnchorSamples & WithPolicyRewards & WithAnchorRewards;

/**
 * Options of {@link scoredBatch}.
 *
 * @example
 * const options: ScoredBatchOptions = { vocabSize: 8, policySamples: 2, anchorSamples: 16 };
 */
export interface ScoredBatchOptions {
  /** Tokens are in [0, vocabSize) (default 4). */
  readonly vocabSize?: number;
  /** Most prompts in the batch (default 4; at least 1). */
  readonly maxPrompts?: number;
  /** Policy samples per prompt (default 1, as in J-BOND's Algorithm 2). */
  readonly policySamples?: number;
  /** Anchor samples per prompt (default 2, as in J-BOND's Algorithm 2). */
  readonly anchorSamples?: number;
  /** Longest prompt and completion (default 4). */
  readonly maxLength?: number;
}

/**
 * Scored step records: 1..`maxPrompts` prompts, each with `policySamples` policy samples and
 * `anchorSamples` anchor samples (tokens in [0, vocabSize), one log-prob in [−8, 0] per token) and one
 * reward per sample. Rewards are quarter-integers in [−2, 2], so ties, which Best-of-N breaks by index,
 * are common.
 *
 * @example
 * fc.assert(fc.property(scoredBatch(), (rec) => rec.anchorRewards.every((rs) => rs.length === 2)));
 */
export function scoredBatch(options: ScoredBatchOptions = {}): fc.Arbitrary<ScoredBatch> {
  const { vocabSize = 4, maxPrompts = 4, policySamples = 1, anchorSamples = 2, maxLength = 4 } = options;
  const tokens = fc.array(fc.integer({ min: 0, max: vocabSize - 1 }), { maxLength });
  const reward = fc.integer({ min: -8, max: 8 }).map((k) => k / 4);
  const generation = (prompt: readonly number[]): fc.Arbitrary<Generation> =>
    tokens.chain((ys) =>
      fc.array(fc.double({ min: -8, max: 0, noNaN: true }), { minLength: ys.length, maxLength: ys.length }).map((logProbs) => ({ prompt, tokens: ys, logProbs })),
    );
  const samples = (prompt: readonly number[], count: number): fc.Arbitrary<Generation[]> =>
    fc.tuple(...Array.from({ length: count }, () => generation(prompt)));
  const rewards = (count: number): fc.Arbitrary<number[]> => fc.array(reward, { minLength: count, maxLength: count });
  const perPrompt = tokens.chain((prompt) =>
    fc.record({
      prompt: fc.constant({ text: '', tokens: prompt }),
      policy: samples(prompt, policySamples),
      anchor: samples(prompt, anchorSamples),
      policyRewards: rewards(policySamples),
      anchorRewards: rewards(anchorSamples),
    }),
  );
  return fc.record({ step: fc.nat(), rows: fc.array(perPrompt, { minLength: 1, maxLength: Math.max(1, maxPrompts) }) }).map(({ step, rows }) => ({
    step,
    startedAt: 0,
    prompts: rows.map((r) => r.prompt),
    policySamples: rows.map((r) => r.policy),
    anchorSamples: rows.map((r) => r.anchor),
    policyRewards: rows.map((r) => r.policyRewards),
    anchorRewards: rows.map((r) => r.anchorRewards),
  }));
}
