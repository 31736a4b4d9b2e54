import { concatMap, type OperatorFunction } from 'rxjs';
import type { Prompt } from '../core/index.js';
import { bestOfNDistribution, klDivergence, quantiles } from '../math/index.js';
import { enumerateSequences, type Policy } from '../policy/index.js';
import type { RewardModel } from '../reward/index.js';
import { assertOption, isPositiveInt } from './assertOption.js';
import type { Enumeration } from './enumeration.js';
import { readLogProbs, sampleRows } from './logProbs.js';
import type { Batch, Evaluation, WithAnchorRewards, WithEvaluation, WithPolicyRewards, WithPolicySamples, WithQuantiles } from './records.js';
import { rewardInput, type Detokenize } from './scoreRewards.js';
import { mean, std } from './stats.js';

/**
 * Options of {@link evaluate}.
 *
 * @example
 * const opts: EvaluateOptions = { policy, reference, anchor, reward, enumeration: { length: 3 }, n: 2, bestOfNOf: 'anchor' };
 */
export interface EvaluateOptions {
  /** The policy π being measured. */
  readonly policy: Policy;
  /** π_ref: `klRef`, and the quantiles of `logQuantile`, are against it. */
  readonly reference: Policy;
  /** π_anchor, if the pipeline has one: adds `klAnchor`. */
  readonly anchor?: Policy | undefined;
  /** Needed for exact metrics only, to score every completion of the space. */
  readonly reward: RewardModel;
  readonly detokenize?: Detokenize | undefined;
  /** When given, every metric is exact over this space (and `klFwdBon`/`klBwdBon` are added). */
  readonly enumeration?: Enumeration | undefined;
  /** N of the π_BoN that `klFwdBon`/`klBwdBon` compare π with (default 2). */
  readonly n?: number;
  /** Whose Best-of-N: `'reference'` (default; BOND's target) or `'anchor'` (J-BOND's current target). */
  readonly bestOfNOf?: 'reference' | 'anchor';
}

/**
 * What `evaluate` needs on the record: the step's policy samples and their rewards (and, if present, their
 * MC quantiles).
 *
 * @example
 * const rec: Evaluable = { step: 0, startedAt: 0, prompts: [], policySamples: [], policyRewards: [] };
 */
export type Evaluable = Batch & WithPolicySamples & WithPolicyRewards & Partial<WithQuantiles> & Partial<WithAnchorRewards>;

/**
 * Adds `evaluation`, what the step says about the current policy π.
 *
 * - With `enumeration`: exact values over the whole space, averaged over the batch's prompts — expected
 *   reward and its standard deviation, entropy, KL(π ‖ π_ref), KL(π ‖ π_anchor), the mean log-quantile
 *   E_π[log p≤(y)] against π_ref (eq (3)), and KL(π_BoN ‖ π) / KL(π ‖ π_BoN) (eq (12) / (14)) with π_BoN
 *   the exact Best-of-N distribution of eq (4). Every completion is scored once per prompt and the
 *   rewards are remembered, as the reward model is assumed deterministic.
 * - Without: Monte-Carlo estimates from the step's policy samples — reward mean and standard deviation,
 *   entropy as mean −log π(y), the k1 estimates mean(log π − log π_ref) and mean(log π − log π_anchor),
 *   and mean log p̂≤ when the record has `quantiles` (eq (10)), floored at 1/(k + 1) like r_BOND when the record
 *   also has the k `anchorRewards` behind them.
 *
 * Uses `concatMap`: exact evaluation awaits the reward model.
 *
 * @example
 * rec$.pipe(evaluate({ policy, reference, anchor, reward, enumeration: { length: 3 }, n: 2, bestOfNOf: 'anchor' }));
 */
export function evaluate<R extends Evaluable>(options: EvaluateOptions): OperatorFunction<R, R & WithEvaluation> {
  const n = options.n ?? 2;
  assertOption('evaluate', 'n', n, isPositiveInt, 'a positive integer');
  if (options.bestOfNOf === 'anchor' && options.anchor === undefined) {
    throw new RangeError("evaluate: expected an anchor when bestOfNOf is 'anchor', got none");
  }
  const { enumeration } = options;
  if (enumeration === undefined) return concatMap(async (rec) => ({ ...rec, evaluation: sampledEvaluation(options, rec) }));
  assertOption('evaluate', 'enumeration.length', enumeration.length, isPositiveInt, 'a positive integer');
  const rewardCache = new Map<string, Promise<number[]>>();
  const spaceRewards = (prompt: Prompt, sequences: ReadonlyArray<ReadonlyArray<number>>): Promise<number[]> => {
    const cached = rewardCache.get(promptKey(prompt)) ?? options.reward.score(sequences.map((s) => rewardInput(prompt, s, options.detokenize ?? (() => ''))));
    rewardCache.set(promptKey(prompt), cached);
    return cached;
  };
  const distribution = (policy: Policy, prompt: Prompt): number[] =>
    normalize(enumerateSequences(policy, prompt.tokens, enumeration.length).probs);
  const evaluatePrompt = async (prompt: Prompt): Promise<Evaluation> => {
    const { sequences, probs } = enumerateSequences(options.policy, prompt.tokens, enumeration.length);
    const anchor = options.anchor === undefined ? undefined : distribution(options.anchor, prompt);
    const space = { pi: normalize(probs), ref: distribution(options.reference, prompt), anchor, rewards: await spaceRewards(prompt, sequences) };
    return exactEvaluation(space, n, options.bestOfNOf ?? 'reference');
  };
  return concatMap(async (rec) => {
    // A prompt repeated within the batch is evaluated once (the weights do not change within a step).
    const thisStep = new Map<string, Promise<Evaluation>>();
    const perPrompt = await Promise.all(
      rec.prompts.map((prompt) => {
        const evaluation = thisStep.get(promptKey(prompt)) ?? evaluatePrompt(prompt);
        thisStep.set(promptKey(prompt), evaluation);
        return evaluation;
      }),
    );
    return { ...rec, evaluation: averageEvaluations(perPrompt) };
  });
}

function promptKey(prompt: Prompt): string {
  return `${prompt.text}\u0000${prompt.tokens.join(',')}`;
}

/** π, π_ref and π_anchor over an enumerated space, with every completion's reward. */
interface ExactSpace {
  readonly pi: ReadonlyArray<number>;
  readonly ref: ReadonlyArray<number>;
  readonly anchor: ReadonlyArray<number> | undefined;
  readonly rewards: ReadonlyArray<number>;
}

/** Exact metrics for one prompt. */
function exactEvaluation({ pi, ref, anchor, rewards }: ExactSpace, n: number, bestOfNOf: 'reference' | 'anchor'): Evaluation {
  const rewardMean = dot(pi, rewards);
  const { atOrBelow } = quantiles(ref, rewards);
  const bon = bestOfNDistribution(bestOfNOf === 'anchor' && anchor !== undefined ? anchor : ref, rewards, n);
  return {
    exact: true,
    rewardMean,
    rewardStd: Math.sqrt(Math.max(0, dot(pi, rewards.map((r) => r * r)) - rewardMean * rewardMean)),
    entropy: -dot(pi, pi.map((p) => (p > 0 ? Math.log(p) : 0))),
    klRef: klDivergence(pi, ref),
    ...(anchor === undefined ? {} : { klAnchor: klDivergence(pi, anchor) }),
    logQuantile: dot(pi, atOrBelow.map((q) => (q > 0 ? Math.log(q) : 0))),
    klFwdBon: klDivergence(bon, pi),
    klBwdBon: klDivergence(pi, bon),
  };
}

/** Monte-Carlo metrics from the step's policy samples. */
function sampledEvaluation(options: EvaluateOptions, rec: Evaluable): Evaluation {
  const rows = sampleRows(rec.policySamples);
  const rewards = rec.policyRewards.flat();
  const klTo = (p: Policy): number => {
    const other = readLogProbs(p, rows.prompts, rows.completions);
    return mean(rows.logProbs.map((lp, m) => lp - (other[m] as number)));
  };
  return {
    exact: false,
    rewardMean: mean(rewards),
    rewardStd: std(rewards),
    entropy: -mean(rows.logProbs),
    klRef: klTo(options.reference),
    ...(options.anchor === undefined ? {} : { klAnchor: klTo(options.anchor) }),
    ...(rec.quantiles === undefined ? {} : { logQuantile: meanLogQuantile(rec.quantiles, rec.anchorRewards) }),
  };
}

/**
 * Mean log p̂≤ over the step's samples. When the k anchor rewards behind prompt i's estimates are in the
 * record, each p̂≤ is floored at 1/(k + 1), as `bond` floors r_BOND, so one sample worse than all k does not
 * make the mean −∞ (and the metric vanish).
 */
function meanLogQuantile(quantiles: ReadonlyArray<ReadonlyArray<number>>, anchorRewards: ReadonlyArray<ReadonlyArray<number>> | undefined): number {
  return mean(
    quantiles.flatMap((qs, i) => {
      const k = anchorRewards?.[i]?.length;
      const floor = k === undefined ? 0 : 1 / (k + 1);
      return qs.map((q) => Math.log(Math.max(q, floor)));
    }),
  );
}

/**
 * The batch's metrics: each field averaged over prompts, except the reward's standard deviation, which is
 * that of the reward of y ∼ π over the whole batch (the mixture over prompts), like the sampled one.
 */
function averageEvaluations(perPrompt: ReadonlyArray<Evaluation>): Evaluation {
  const avg = (f: (e: Evaluation) => number | undefined): number | undefined => {
    const xs = perPrompt.map(f);
    return xs.some((x) => x === undefined) ? undefined : mean(xs as number[]);
  };
  const rewardMean = avg((e) => e.rewardMean) ?? NaN;
  const secondMoment = avg((e) => e.rewardStd ** 2 + e.rewardMean ** 2) ?? NaN;
  const optional = { klRef: avg((e) => e.klRef), klAnchor: avg((e) => e.klAnchor), logQuantile: avg((e) => e.logQuantile), klFwdBon: avg((e) => e.klFwdBon), klBwdBon: avg((e) => e.klBwdBon) };
  return {
    exact: true,
    rewardMean,
    rewardStd: Math.sqrt(Math.max(0, secondMoment - rewardMean ** 2)),
    entropy: avg((e) => e.entropy) ?? NaN,
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<Record<keyof typeof optional, number>>),
  };
}

/** Divides by the sum, absorbing float32 rounding so the math layer's 1e-9 tolerance holds. */
function normalize(p: ReadonlyArray<number>): number[] {
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

function dot(a: ReadonlyArray<number>, b: ReadonlyArray<number>): number {
  return a.reduce((acc, x, i) => acc + x * (b[i] as number), 0);
}
