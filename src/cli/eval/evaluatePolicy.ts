import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Generation, type Prompt, type Rng } from '../../core/index.js';
import type { Policy } from '../../policy/index.js';
import type { RewardModel } from '../../reward/index.js';
import { mean, std } from '../../operators/stats.js';
import { expectedMaxOfN, matchingN } from './bestOfNCurve.js';
import type { EvalResult } from './evalResult.js';

/**
 * Options of {@link evaluatePolicy}.
 *
 * @example
 * const options: EvaluatePolicyOptions = { policy, reference, prompts, reward, detokenize, maxNewTokens: 32, ns: [1, 2, 4] };
 */
export interface EvaluatePolicyOptions {
  /** The trained policy π, sampled once per draw (Best-of-1 of itself). */
  readonly policy: Policy;
  /** π_ref, whose Best-of-N is the yardstick. */
  readonly reference: Policy;
  /** Held-out prompts. */
  readonly prompts: ReadonlyArray<Prompt>;
  readonly reward: RewardModel;
  /** Completion text for the reward model. */
  readonly detokenize: (tokens: ReadonlyArray<number>) => string;
  readonly maxNewTokens: number;
  /** The N of the table (default 1, 2, 4, 8, 16); the largest is the number of reference samples per prompt. */
  readonly ns?: ReadonlyArray<number>;
  /** Policy samples per prompt, averaged for its mean reward and KL (default 8). */
  readonly policySamples?: number;
  /** Seeds the evaluation's own generator, so the same checkpoint always gets the same table (default 0). */
  readonly seed?: number;
  /** Rows per sampling call, to bound memory (default 256). */
  readonly chunkSize?: number;
  /** Stop sequences after this token, as in training. */
  readonly eosToken?: number;
}

/**
 * Measures a policy against Best-of-N sampling from its reference on held-out prompts: samples
 * max(ns) completions per prompt from π_ref and scores them, estimates the mean reward of Best-of-N for
 * each N without bias ({@link expectedMaxOfN}, averaged over prompts), samples `policySamples`
 * completions per prompt from π for its mean reward and its k1 KL estimate E_π[log π(y) − log π_ref(y)],
 * and finds the N the policy matches ({@link matchingN}). All at temperature 1, i.e. the distributions
 * themselves. Frees every tensor it makes.
 *
 * @example
 * const result = await evaluatePolicy({ policy, reference, prompts, reward: lexiconSentiment(), detokenize: (t) => tok.decode(t), maxNewTokens: 32 });
 * console.log(formatEvalTable(result));
 */
export async function evaluatePolicy(options: EvaluatePolicyOptions): Promise<EvalResult> {
  const ns = options.ns ?? [1, 2, 4, 8, 16];
  const policySamples = options.policySamples ?? 8;
  const maxN = Math.max(...ns);
  if (options.prompts.length === 0) throw new RangeError('evaluatePolicy: expected at least one held-out prompt, got none');
  const rng = createRng(options.seed ?? 0);
  const reference = await sampleAndScore(options, options.reference, maxN, rng);
  const policy = await sampleAndScore(options, options.policy, policySamples, rng);
  const referenceLogProbs = logProbsUnder(options.reference, policy.generations, options.chunkSize ?? 256);
  const klPerSample = policy.generations.map((g, i) => g.logProbs.reduce((a, b) => a + b, 0) - (referenceLogProbs[i] as number));
  const bestOfN = [...ns].sort((a, b) => a - b).map((n) => ({ n, rewardMean: mean(reference.perPrompt.map((rewards) => expectedMaxOfN(rewards, n))) }));
  const policyRewards = policy.perPrompt.flat();
  const policyMean = mean(policyRewards);
  return {
    prompts: options.prompts.length,
    policySamplesPerPrompt: policySamples,
    referenceSamplesPerPrompt: maxN,
    maxNewTokens: options.maxNewTokens,
    policy: { rewardMean: policyMean, rewardStd: std(policyRewards), klRef: mean(klPerSample) },
    bestOfN,
    matched: matchingN(policyMean, bestOfN),
  };
}

/** `count` samples per prompt from `policy`, in chunks, with their rewards grouped per prompt. */
async function sampleAndScore(
  options: EvaluatePolicyOptions,
  policy: Policy,
  count: number,
  rng: Rng,
): Promise<{ generations: Generation[]; perPrompt: number[][] }> {
  const rows = options.prompts.flatMap((p) => Array.from({ length: count }, () => p));
  const chunk = options.chunkSize ?? 256;
  const generations: Generation[] = [];
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const sampling = { maxNewTokens: options.maxNewTokens, rng, ...(options.eosToken === undefined ? {} : { eosToken: options.eosToken }) };
    generations.push(...(await policy.sample(part.map((p) => p.tokens), sampling)));
  }
  const rewards = await options.reward.score(
    generations.map((g, i) => ({
      prompt: rows[i]?.text ?? '',
      completion: options.detokenize(g.tokens),
      promptTokens: g.prompt,
      completionTokens: g.tokens,
    })),
  );
  return { generations, perPrompt: options.prompts.map((_, i) => rewards.slice(i * count, (i + 1) * count)) };
}

/** log π(y | x) of each generation under `policy`, computed in chunks and read back. */
function logProbsUnder(policy: Policy, generations: ReadonlyArray<Generation>, chunk: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < generations.length; start += chunk) {
    const part = generations.slice(start, start + chunk);
    const values = tf.tidy(() => policy.sequenceLogProbs(part.map((g) => g.prompt), part.map((g) => g.tokens)));
    out.push(...values.dataSync());
    values.dispose();
  }
  return out;
}
