import * as t from 'io-ts';

/**
 * Shared io-ts codecs: the refined numbers every config uses, and the records that cross layer
 * boundaries (prompts and generations). Every codec's name is what an error message says was expected.
 */

// ---------------------------------------------------------------------------------------------------
// Refined numbers
// ---------------------------------------------------------------------------------------------------

export interface FiniteBrand { readonly Finite: unique symbol }
/** A finite number (no NaN, no ±Infinity). */
export const Finite = t.brand(t.number, (n): n is t.Branded<number, FiniteBrand> => Number.isFinite(n), 'Finite');

export interface PositiveIntBrand { readonly PositiveInt: unique symbol }
/** An integer ≥ 1. */
export const PositiveInt = t.brand(t.number, (n): n is t.Branded<number, PositiveIntBrand> => Number.isInteger(n) && n >= 1, 'PositiveInt');

export interface NonNegativeIntBrand { readonly NonNegativeInt: unique symbol }
/** An integer ≥ 0. */
export const NonNegativeInt = t.brand(t.number, (n): n is t.Branded<number, NonNegativeIntBrand> => Number.isInteger(n) && n >= 0, 'NonNegativeInt');

export interface UnitIntervalBrand { readonly UnitInterval: unique symbol }
/** A number in [0, 1], e.g. β of eq (11) or η of eq (18). */
export const UnitInterval = t.brand(t.number, (n): n is t.Branded<number, UnitIntervalBrand> => n >= 0 && n <= 1, 'UnitInterval');

export interface NonNegativeBrand { readonly NonNegative: unique symbol }
/** A finite number ≥ 0. */
export const NonNegative = t.brand(t.number, (n): n is t.Branded<number, NonNegativeBrand> => Number.isFinite(n) && n >= 0, 'NonNegative');

export interface PositiveBrand { readonly Positive: unique symbol }
/** A finite number > 0. */
export const Positive = t.brand(t.number, (n): n is t.Branded<number, PositiveBrand> => Number.isFinite(n) && n > 0, 'Positive');

// ---------------------------------------------------------------------------------------------------
// Records shared across layers
// ---------------------------------------------------------------------------------------------------

/** A batch of token sequences (possibly ragged). */
export type TokenBatch = ReadonlyArray<ReadonlyArray<number>>;

/** A prompt: its text (may be empty for synthetic tasks) and its tokens. */
export const Prompt = t.readonly(t.type({ text: t.string, tokens: t.readonlyArray(t.number) }), 'Prompt');
/** A prompt: its text (may be empty for synthetic tasks) and its tokens. */
export type Prompt = t.TypeOf<typeof Prompt>;

/**
 * One sampled completion: the prompt tokens it continues, the completion tokens, and the per-token
 * log-probabilities of the completion under the distribution it was sampled from.
 */
export const Generation = t.readonly(
  t.type({ prompt: t.readonlyArray(t.number), tokens: t.readonlyArray(t.number), logProbs: t.readonlyArray(t.number) }),
  'Generation',
);
/** One sampled completion (see the codec). */
export type Generation = t.TypeOf<typeof Generation>;
