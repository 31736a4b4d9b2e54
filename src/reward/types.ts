/**
 * What a reward model sees of one generation: the text of the prompt and completion (for text tasks,
 * e.g. lexicon sentiment or an HTTP reward model) and their tokens (for synthetic token tasks, where a
 * reward is a function of the token sequence). A model reads whichever half it needs.
 *
 * @example
 * const input: RewardInput = { prompt: 'We the', completion: ' people', promptTokens: [5, 2], completionTokens: [7] };
 */
export interface RewardInput {
  readonly prompt: string;
  readonly completion: string;
  readonly promptTokens: readonly number[];
  readonly completionTokens: readonly number[];
}

/**
 * A reward model r(x, y): the scalar that Best-of-N ranks generations by (Section 2 of the BOND paper;
 * only the order it induces matters to BOND, eq (4)). `score` returns one finite reward per input, in
 * order.
 *
 * @example
 * const length: RewardModel = { name: 'length', score: async (batch) => batch.map((b) => b.completion.length) };
 */
export interface RewardModel {
  readonly name: string;
  score(batch: ReadonlyArray<RewardInput>): Promise<number[]>;
}
