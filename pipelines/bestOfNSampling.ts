import * as t from 'io-ts';
import { firstValueFrom, map, of, pipe, type OperatorFunction } from 'rxjs';
import { decodeOrThrow, PositiveInt, type Generation, type Prompt } from '../src/core/index.js';
import {
  bestOfN,
  logMetrics,
  samplePolicy,
  scoreRewards,
  stepwise,
  type Batch,
  type Evaluation,
  type WithBestOfN,
  type WithEvaluation,
  type WithPolicyRewards,
  type WithPolicySamples,
} from '../src/operators/index.js';
import { mean, std } from '../src/operators/stats.js';
import type { Pipeline, PipelineDeps } from './types.js';

/**
 * The Best-of-N sampling config: `n` draws per prompt (1 is plain sampling), `batchSize` prompts per batch
 * (the caller's prompt stream decides; the CLI chunks by it), `maxNewTokens` completion length.
 *
 * @example
 * decodeConfig(BestOfNSamplingConfig, bestOfNSamplingDefaults, { n: 4 }, 'config').n; // 4
 */
export const BestOfNSamplingConfig = t.type({ n: PositiveInt, batchSize: PositiveInt, maxNewTokens: PositiveInt }, 'BestOfNSamplingConfig');
/** See the {@link BestOfNSamplingConfig} codec. */
export type BestOfNSamplingConfig = t.TypeOf<typeof BestOfNSamplingConfig>;

/**
 * Best-of-N sampling's defaults: N = 8 (the N of the paper's Figure 2), batch 16, 16 new tokens.
 *
 * @example
 * bestOfNSamplingDefaults.n; // 8
 */
export const bestOfNSamplingDefaults: BestOfNSamplingConfig = decodeOrThrow(
  BestOfNSamplingConfig,
  { n: 8, batchSize: 16, maxNewTokens: 16 },
  'bestOfNSamplingDefaults',
);

/** How {@link bestOfNDraws} and {@link bestOfNSample} sample: `n` draws per prompt of `maxNewTokens` tokens. */
export interface BestOfNDrawOptions {
  readonly n: number;
  readonly maxNewTokens: number;
}

/** A Best-of-N batch: the N draws per prompt, their rewards, and the chosen generation per prompt. */
export type BestOfNDrawsRecord = Batch & WithPolicySamples & WithPolicyRewards & WithBestOfN;

/**
 * The Best-of-N stage: draws `n` completions per prompt from `deps.policy`, scores them with
 * `deps.reward`, and adds the argmax per prompt as `bestOfN` (ties go to the higher index, the order under
 * which the chosen completion is an exact draw from π_BoN of eq (4) with π in place of π_ref).
 *
 * @example
 * batch$.pipe(bestOfNDraws(deps, { n: 8, maxNewTokens: 16 })); // rec.bestOfN[i] is the best of rec.policySamples[i]
 */
export function bestOfNDraws(
  deps: PipelineDeps,
  config: BestOfNDrawOptions,
): OperatorFunction<Batch, BestOfNDrawsRecord> {
  const { policy, reward, rng, detokenize } = deps;
  return pipe(
    samplePolicy({ policy, count: config.n, rng, maxNewTokens: config.maxNewTokens }),
    scoreRewards({ reward, detokenize }),
    bestOfN({ from: 'policy' }),
  );
}

/**
 * Best-of-N sampling of one batch of prompts: the chosen completion per prompt, in prompt order (see
 * {@link bestOfNDraws}). For inference with any policy and reward model.
 *
 * @example
 * const [best] = await bestOfNSample(deps, { n: 16, maxNewTokens: 20 }, [{ text: 'We the', tokens: promptTokens }]);
 * tokenizer.decode(best.tokens);
 */
export async function bestOfNSample(
  deps: PipelineDeps,
  config: BestOfNDrawOptions,
  prompts: ReadonlyArray<Prompt>,
): Promise<Generation[]> {
  const batch: Batch = { step: 0, startedAt: performance.now(), prompts };
  const rec = await firstValueFrom(of(batch).pipe(bestOfNDraws(deps, config)));
  return [...rec.bestOfN];
}

/**
 * Inference-time Best-of-N sampling as a pipeline (the π_BoN that BOND distills, eq (4)): for each batch of
 * prompts, {@link bestOfNDraws}, then one {@link StepMetrics} line per batch about the chosen
 * completions — `reward_mean`/`reward_std` of their rewards, `entropy` of the sampling policy π estimated
 * as the mean −log π(y) over all N draws, and `tokens_per_s` counting every drawn token. Use
 * {@link bestOfNSample} to get the completions themselves. No weights change.
 *
 * @example
 * bestOfNSampling(deps, { ...bestOfNSamplingDefaults, n: 4 })(from(promptBatches))
 *   .subscribe((m) => console.log(m.step, m.reward_mean));
 */
export const bestOfNSampling: Pipeline<PipelineDeps, BestOfNSamplingConfig> = (deps, config) => (prompts$) =>
  prompts$.pipe(stepwise(pipe(bestOfNDraws(deps, config), map(withChosenEvaluation), logMetrics())));

/** The sampled metrics of a Best-of-N batch: rewards of the chosen completions, entropy of π. */
function withChosenEvaluation(rec: BestOfNDrawsRecord): BestOfNDrawsRecord & WithEvaluation {
  // The chosen completion is the argmax, so its reward is the group's maximum.
  const chosen = rec.policyRewards.map((rewards) => Math.max(...rewards));
  const logProbs = rec.policySamples.flat().map((g) => g.logProbs.reduce((a, b) => a + b, 0));
  const evaluation: Evaluation = { exact: false, rewardMean: mean(chosen), rewardStd: std(chosen), entropy: -mean(logProbs) };
  return { ...rec, evaluation };
}
