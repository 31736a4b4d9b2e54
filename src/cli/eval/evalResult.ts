import * as t from 'io-ts';

/**
 * What `bond eval` measured (and writes to `eval.json`): on held-out prompts, the policy's mean reward
 * and its KL to the reference (the k1 estimate E_π[log π(y) − log π_ref(y)] from its own samples), the
 * mean reward of Best-of-N sampling from the reference for each N (the target of BOND, eq (4) of the
 * BOND paper), and the N whose Best-of-N the single-sample policy matches.
 *
 * @example
 * const r: EvalResult = {
 *   prompts: 32, policySamplesPerPrompt: 8, referenceSamplesPerPrompt: 16, maxNewTokens: 32,
 *   policy: { rewardMean: 1.9, rewardStd: 2.2, klRef: 3.1 },
 *   bestOfN: [{ n: 1, rewardMean: 0.4 }, { n: 16, rewardMean: 3.5 }],
 *   matched: { n: 5.2, bound: 'within' },
 * };
 */
export const EvalResult = t.type(
  {
    prompts: t.number,
    policySamplesPerPrompt: t.number,
    referenceSamplesPerPrompt: t.number,
    maxNewTokens: t.number,
    policy: t.type({ rewardMean: t.number, rewardStd: t.number, klRef: t.number }),
    bestOfN: t.array(t.type({ n: t.number, rewardMean: t.number })),
    matched: t.type({ n: t.number, bound: t.keyof({ within: null, below: null, above: null }) }),
  },
  'EvalResult',
);
/**
 * See the {@link EvalResult} codec.
 *
 * @example
 * const headlineN: EvalResult['matched']['n'] = result.matched.n;
 */
export type EvalResult = t.TypeOf<typeof EvalResult>;
