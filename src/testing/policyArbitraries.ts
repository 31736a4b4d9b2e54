import fc from 'fast-check';
import type { TabularPolicyInit, TabularSpec } from '../policy/index.js';

/**
 * fast-check arbitraries for policies and their inputs: small, exactly enumerable `TabularPolicy`
 * constructions and batches of token sequences for a given vocabulary.
 *
 * They draw plain data, never tensors: fast-check builds and discards many values while it shrinks, and
 * a drawn `tf.Variable` would leak. A property builds the policy from the draw and disposes it.
 */

/**
 * How to build one `TabularPolicy`: `new TabularPolicy(draw.spec, draw.init)`.
 *
 * @example
 * const draw: TabularPolicyDraw = { spec: { kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false }, init: { seed: 7, initStd: 2 } };
 */
export interface TabularPolicyDraw {
  readonly spec: TabularSpec;
  readonly init: Required<TabularPolicyInit>;
}

/**
 * Options of {@link tabularPolicyDraw}.
 *
 * @example
 * const options: TabularPolicyDrawOptions = { maxVocabSize: 3, maxLength: 2, factorized: false };
 */
export interface TabularPolicyDrawOptions {
  /** Largest vocabulary (default 4; the smallest is 2). */
  readonly maxVocabSize?: number;
  /** Largest completion length (default 3; the smallest is 1). */
  readonly maxLength?: number;
  /** Largest sequence space vocabSize^maxLength (default 64), so that enumerating it stays cheap. */
  readonly maxSequences?: number;
  /** Only full (`false`) or only factorized (`true`) tables; both when left out. */
  readonly factorized?: boolean;
}

/**
 * Options of {@link tokenBatch}.
 *
 * @example
 * const options: TokenBatchOptions = { minRows: 2, maxLength: 4, equalLength: true };
 */
export interface TokenBatchOptions {
  /** Fewest rows (default 1). */
  readonly minRows?: number;
  /** Most rows (default 4). */
  readonly maxRows?: number;
  /** Shortest row (default 0). */
  readonly minLength?: number;
  /** Longest row (default 6). */
  readonly maxLength?: number;
  /** All rows of one length, as `GptPolicy.logits` needs (default false: ragged). */
  readonly equalLength?: boolean;
}

/**
 * Constructions of small `TabularPolicy`s: vocabulary 2..`maxVocabSize`, completion length
 * 1..`maxLength` with vocabSize^length ≤ `maxSequences`, full or factorized tables, a seed, and an
 * initial logit spread `initStd` in [0.5, 4] (large spreads give near-zero probabilities, the hard case
 * for Best-of-N's eq (4)). Build the policy inside the property and dispose it there.
 *
 * @example
 * fc.assert(fc.asyncProperty(tabularPolicyDraw(), async ({ spec, init }) => {
 *   const pi = new TabularPolicy(spec, init);
 *   try { return enumerateSequences(pi, [], spec.maxLength).probs.length === spec.vocabSize ** spec.maxLength; }
 *   finally { pi.dispose(); }
 * }));
 */
export function tabularPolicyDraw(options: TabularPolicyDrawOptions = {}): fc.Arbitrary<TabularPolicyDraw> {
  const { maxVocabSize = 4, maxLength = 3, maxSequences = 64 } = options;
  assertAtLeast('tabularPolicyDraw', 'maxVocabSize', maxVocabSize, 2);
  assertAtLeast('tabularPolicyDraw', 'maxLength', maxLength, 1);
  assertAtLeast('tabularPolicyDraw', 'maxSequences', maxSequences, 2);
  const factorized = options.factorized === undefined ? fc.boolean() : fc.constant(options.factorized);
  return fc
    .integer({ min: 2, max: Math.min(maxVocabSize, maxSequences) })
    .chain((vocabSize) =>
      fc.record({
        vocabSize: fc.constant(vocabSize),
        maxLength: fc.integer({ min: 1, max: Math.max(1, Math.min(maxLength, Math.floor(Math.log(maxSequences) / Math.log(vocabSize) + 1e-9))) }),
        factorized,
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
        initStd: fc.double({ min: 0.5, max: 4, noNaN: true }),
      }),
    )
    .map(({ vocabSize, maxLength: length, factorized: isFactorized, seed, initStd }) => ({
      spec: { kind: 'tabular', vocabSize, maxLength: length, factorized: isFactorized },
      init: { seed, initStd },
    }));
}

/**
 * Batches of token sequences over a vocabulary of `vocabSize` tokens (every token in [0, vocabSize)):
 * `minRows`..`maxRows` rows of `minLength`..`maxLength` tokens, ragged unless `equalLength`.
 *
 * @example
 * fc.assert(fc.property(tokenBatch(5, { minLength: 1 }), (rows) => rows.every((r) => r.length >= 1 && r.every((y) => y < 5))));
 */
export function tokenBatch(vocabSize: number, options: TokenBatchOptions = {}): fc.Arbitrary<number[][]> {
  const { minRows = 1, maxRows = 4, minLength = 0, maxLength = 6, equalLength = false } = options;
  assertAtLeast('tokenBatch', 'vocabSize', vocabSize, 1);
  assertAtLeast('tokenBatch', 'minRows', minRows, 0);
  assertAtLeast('tokenBatch', 'maxRows', maxRows, minRows);
  assertAtLeast('tokenBatch', 'minLength', minLength, 0);
  assertAtLeast('tokenBatch', 'maxLength', maxLength, minLength);
  const token = fc.integer({ min: 0, max: vocabSize - 1 });
  const rowsOf = (min: number, max: number): fc.Arbitrary<number[][]> =>
    fc.array(fc.array(token, { minLength: min, maxLength: max }), { minLength: minRows, maxLength: maxRows });
  if (!equalLength) return rowsOf(minLength, maxLength);
  return fc.integer({ min: minLength, max: maxLength }).chain((n) => rowsOf(n, n));
}

function assertAtLeast(where: string, name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new RangeError(`${where}: expected ${name} to be an integer ≥ ${min}, got ${value}`);
}
