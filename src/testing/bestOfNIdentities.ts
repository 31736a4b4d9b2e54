import fc from 'fast-check';
import { bestOfNDistribution, iteratedBestOfN, rankOrder, softmax } from '../math/index.js';
import { enumerateSequences } from '../policy/index.js';
import type { RewardInput, RewardModel } from '../reward/index.js';
import { strictlyIncreasingTransform } from './arbitraries.js';
import { assertClose } from './assertClose.js';
import { tabularPolicyCases, type PolicyCase } from './policyCases.js';
import { toRewardModel, type RewardLike } from './toRewardModel.js';
import { usingPolicy } from './usingPolicy.js';

/**
 * Options of {@link bestOfNIdentities}.
 *
 * @example
 * const options: BestOfNIdentitiesOptions = { cases: tabularPolicyCases({ maxVocabSize: 3 }), detokenize: (ts) => ts.join(' '), maxN: 4 };
 */
export interface BestOfNIdentitiesOptions {
  /** The enumerable policies to check on (default: small fresh `TabularPolicy`s, `tabularPolicyCases()`). */
  readonly cases?: fc.Arbitrary<PolicyCase>;
  /** Text of a token sequence, for text reward models (default: empty text, for token rewards). */
  readonly detokenize?: (tokens: readonly number[]) => string;
  /** Largest n drawn (default 8); iterations m go up to 3, so n^m ≤ maxN³. */
  readonly maxN?: number;
}

/**
 * The values one run of {@link bestOfNIdentities} draws: a case, n, m and a strictly increasing f, as a
 * counterexample shows them.
 *
 * @example
 * const [policyCase, n, m, f] = draw; // n ∈ [1, maxN], m ∈ [0, 3]
 */
export type BestOfNIdentitiesDraw = [PolicyCase, number, number, (x: number) => number];

/** Exact identities hold to float64 rounding: the Best-of-N mathematics works in log space. */
const EXACT = { abs: 1e-12, rel: 1e-9 };

/**
 * A fast-check property checking the Best-of-N identities for a user's reward on enumerable policies.
 * Each run enumerates every completion y of a small policy π_ref with its exact probability, scores all
 * of them with `reward`, and checks, for a drawn n ∈ [1, maxN], m ∈ [0, 3] and strictly increasing f:
 *
 * - the reward is a function of the generation: finite, one per input, and the same when the batch is
 *   scored in reverse order (Best-of-N needs a fixed order on generations, eq (4));
 * - normalisation: Σ_y π_BoN(y) = 1, with π_BoN(y) = p≤(y)^n − p<(y)^n (eq (4), Theorem 1);
 * - N = 1: π_Bo1 = π_ref;
 * - iteration: Best-of-n applied m times equals Best-of-n^m, eq (16);
 * - monotone-transform invariance: rewards f(r) give the same π_BoN (only the order matters, eq (4));
 *   skipped in a run where floating point makes f flatten two of the rewards;
 * - the worst element's mass: π_BoN(y_min) = π_ref(y_min)^n, as p<(y_min) = 0 (eqs (2)–(4)).
 *
 * It fails by throwing an error that names the identity. Every policy it builds is disposed. Runs are
 * cheap (one enumeration and two scorings of ≤ 64 sequences by default): raise them with
 * `fc.assert(property, { numRuns: 1000 })`.
 *
 * @example
 * const countOnes = (tokens: readonly number[]) => tokens.filter((y) => y === 1).length;
 * await fc.assert(bestOfNIdentities(countOnes), { numRuns: 50 });
 */
export function bestOfNIdentities(reward: RewardLike, options: BestOfNIdentitiesOptions = {}): fc.IAsyncPropertyWithHooks<BestOfNIdentitiesDraw> {
  const { cases = tabularPolicyCases(), detokenize = () => '', maxN = 8 } = options;
  const model = toRewardModel(reward);
  return fc.asyncProperty(
    cases,
    fc.integer({ min: 1, max: maxN }),
    fc.integer({ min: 0, max: 3 }),
    strictlyIncreasingTransform(),
    async (c, n, m, f) => {
      const { sequences, logProbs } = await usingPolicy(c.make, (pi) => enumerateSequences(pi, c.prompt, c.length));
      // float32 probabilities sum to 1 only within ~1e-6: renormalise in float64 for the exact mathematics.
      const ref = softmax(logProbs);
      const inputs = sequences.map((completion): RewardInput => ({
        prompt: detokenize(c.prompt),
        completion: detokenize(completion),
        promptTokens: c.prompt,
        completionTokens: completion,
      }));
      const rewards = await scoreOrderInvariant(model, inputs);
      const bon = bestOfNDistribution(ref, rewards, n);

      const total = bon.reduce((a, b) => a + b, 0);
      if (!(Math.abs(total - 1) <= 1e-9)) throw new Error(`normalisation (eq 4), n = ${n}: expected Σ π_BoN = 1, got ${total}`);
      assertClose('N = 1 (eq 4)', 'π_Bo1 = π_ref =', ref, bestOfNDistribution(ref, rewards, 1), EXACT);
      assertClose(`iteration (eq 16), n = ${n}, m = ${m}`, `Best-of-${n} applied ${m} times = Best-of-${n ** m} =`, bestOfNDistribution(ref, rewards, n ** m), iteratedBestOfN(ref, rewards, n, m), EXACT);
      const transformed = rewards.map(f);
      if (preservesOrder(rewards, transformed)) {
        assertClose(`monotone-transform invariance (eq 4), n = ${n}`, 'π_BoN with rewards f(r) = π_BoN with rewards r =', bon, bestOfNDistribution(ref, transformed, n), EXACT);
      }
      const worst = rankOrder(rewards)[0] as number;
      assertClose(`worst element's mass (eq 4), n = ${n}, y_min = ${worst}`, 'π_BoN(y_min) = π_ref(y_min)^n =', [(ref[worst] as number) ** n], [bon[worst] as number], EXACT);
      return true;
    },
  );
}

/** The rewards of `inputs`, checked to be finite, one per input, and the same when scored in reverse order. */
async function scoreOrderInvariant(model: RewardModel, inputs: readonly RewardInput[]): Promise<number[]> {
  const rewards = await model.score(inputs);
  if (rewards.length !== inputs.length || !rewards.every(Number.isFinite)) {
    throw new Error(`reward "${model.name}": expected ${inputs.length} finite rewards, got [${rewards.join(', ')}]`);
  }
  const reversed = (await model.score([...inputs].reverse())).reverse();
  const differs = rewards.findIndex((r, i) => r !== reversed[i]);
  if (differs >= 0 || reversed.length !== rewards.length) {
    throw new Error(
      `reward "${model.name}" is a function of the generation (eq 4): expected the same reward when the batch is scored in reverse order, got ${rewards[differs]} then ${reversed[differs]} for completion [${inputs[differs]?.completionTokens.join(', ')}]`,
    );
  }
  return rewards;
}

/** True when `after[i] < after[j]` exactly where `before[i] < before[j]`, and every `after` is finite. */
function preservesOrder(before: readonly number[], after: readonly number[]): boolean {
  if (!after.every(Number.isFinite)) return false;
  const order = rankOrder(before);
  return order.every((i, k) => {
    const next = order[k + 1];
    if (next === undefined) return true;
    const wasTie = before[i] === before[next];
    return wasTie ? after[i] === after[next] : (after[i] as number) < (after[next] as number);
  });
}
