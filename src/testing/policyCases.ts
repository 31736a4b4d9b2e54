import fc from 'fast-check';
import { TabularPolicy, type Policy } from '../policy/index.js';
import { tabularPolicyDraw, tokenBatch, type TabularPolicyDrawOptions } from './policyArbitraries.js';

/**
 * One enumerable situation for a property: a policy (built on demand, disposed by whoever builds it),
 * a prompt, and a completion length small enough that every completion can be listed with
 * `enumerateSequences`. Printed in counterexamples through `describe`.
 *
 * @example
 * const c: PolicyCase = { describe: 'my policy', make: () => new TabularPolicy(spec, { seed: 1 }), prompt: [], length: spec.maxLength };
 */
export interface PolicyCase {
  /** What the case is, for counterexamples (`TabularPolicy {...}`, `checkpoint clone`). */
  readonly describe: string;
  /** Builds the policy; the caller disposes it (see `usingPolicy`). */
  readonly make: () => Policy;
  /** The prompt the completions continue. */
  readonly prompt: readonly number[];
  /** Completion length: the space is every sequence of exactly this many tokens. */
  readonly length: number;
}

/**
 * Options of {@link policyCasesFor}.
 *
 * @example
 * const options: PolicyCasesForOptions = { maxSequences: 256, maxPromptLength: 2 };
 */
export interface PolicyCasesForOptions {
  /** Largest sequence space vocabSize^length to enumerate (default 1024). */
  readonly maxSequences?: number;
  /** Longest prompt drawn (default 4; prompts only matter to prompt-conditioned policies). */
  readonly maxPromptLength?: number;
}

/**
 * Cases over freshly built small `TabularPolicy`s (see {@link tabularPolicyDraw}): empty prompt, and
 * the policy's full completion length, so the enumerated space is the whole support.
 *
 * @example
 * fc.assert(bestOfNIdentities(myReward, { cases: tabularPolicyCases({ maxVocabSize: 3 }) }));
 */
export function tabularPolicyCases(options: TabularPolicyDrawOptions = {}): fc.Arbitrary<PolicyCase> {
  return tabularPolicyDraw(options).map((draw) =>
    printable({
      describe: `new TabularPolicy(${JSON.stringify(draw.spec)}, ${JSON.stringify(draw.init)})`,
      make: () => new TabularPolicy(draw.spec, draw.init),
      prompt: [],
      length: draw.spec.maxLength,
    }),
  );
}

/**
 * Cases around one given policy (e.g. a loaded checkpoint): each builds a clone of it, with a drawn
 * prompt and completion length such that vocabSize^length ≤ `maxSequences` and, except for tabular
 * policies (which ignore prompts and produce `maxLength` tokens), prompt + completion fit in
 * `spec.maxLength`. The given policy stays the caller's.
 *
 * @example
 * const loaded = new TabularPolicy({ kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false }, { seed: 4 });
 * fc.assert(bestOfNIdentities(myReward, { cases: policyCasesFor(loaded) }));
 */
export function policyCasesFor(policy: Policy, options: PolicyCasesForOptions = {}): fc.Arbitrary<PolicyCase> {
  const { maxSequences = 1024, maxPromptLength = 4 } = options;
  const { vocabSize, maxLength, kind } = policy.spec;
  const tabular = kind === 'tabular';
  const longestEnumerable = Math.floor(Math.log(maxSequences) / Math.log(vocabSize) + 1e-9);
  const longest = Math.min(longestEnumerable, maxLength);
  if (longest < 1) {
    throw new RangeError(`policyCasesFor: expected a policy with vocabSize ≤ maxSequences = ${maxSequences}, got vocabSize ${vocabSize}`);
  }
  return fc.integer({ min: 1, max: longest }).chain((length) => {
    // Tabular policies ignore the prompt; other policies need the prompt and the completion to fit.
    const promptRoom = tabular ? maxPromptLength : Math.min(maxPromptLength, maxLength - length);
    return tokenBatch(vocabSize, { minRows: 1, maxRows: 1, maxLength: promptRoom }).map(([prompt = []]) =>
      printable({ describe: `clone of the ${kind} policy`, make: () => policy.clone(), prompt, length }),
    );
  });
}

/** Gives a case a readable form in fast-check's counterexample reports. */
function printable(c: PolicyCase): PolicyCase {
  return Object.defineProperty(c, fc.toStringMethod, {
    value: () => `{ ${c.describe}, prompt: [${c.prompt.join(', ')}], length: ${c.length} }`,
  });
}
