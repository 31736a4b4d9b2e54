import * as t from 'io-ts';
import { Generation, Prompt } from '../core/index.js';

/**
 * The records that flow through a pipeline. A step starts as a {@link Batch}; every operator returns a
 * new record with its own fields added (`{ ...rec, field }`), so the type of a record says which stages
 * it went through. Each field group is an io-ts codec, so a custom stage's output can be checked at a
 * pipeline boundary, e.g. `decodeOrThrow(t.intersection([Batch, WithPolicySamples]), rec, 'my stage')`.
 *
 * Sample-indexed fields are grouped per prompt: `policySamples[i][j]` is the j-th sample for
 * `prompts[i]`, and `policyRewards[i][j]`, `quantiles[i][j]`, `jbondRewards[i][j]` are about that sample.
 */

const Matrix = t.readonlyArray(t.readonlyArray(t.number));
const Samples = t.readonlyArray(t.readonlyArray(Generation));

/**
 * One training step's input: its index, when it started (milliseconds, `performance.now()`), and its
 * prompts.
 *
 * @example
 * const batch: Batch = { step: 0, startedAt: performance.now(), prompts: [{ text: '', tokens: [1] }] };
 */
export const Batch = t.readonly(
  t.type({ step: t.number, startedAt: t.number, prompts: t.readonlyArray(Prompt) }),
  'Batch',
);
/** See the {@link Batch} codec. */
export type Batch = t.TypeOf<typeof Batch>;

/**
 * Added by `samplePolicy`: samples y ∼ π(· | x) of the policy being trained, per prompt.
 *
 * @example
 * const rec: WithPolicySamples = { policySamples: [[{ prompt: [1], tokens: [2, 3], logProbs: [-0.1, -0.7] }]] };
 */
export const WithPolicySamples = t.readonly(t.type({ policySamples: Samples }), 'WithPolicySamples');
/** See the {@link WithPolicySamples} codec. */
export type WithPolicySamples = t.TypeOf<typeof WithPolicySamples>;

/**
 * Added by `sampleAnchor`: samples y′ ∼ π_anchor(· | x) (or π_ref for non-iterative BOND), per prompt.
 *
 * @example
 * const rec: WithAnchorSamples = { anchorSamples: [[{ prompt: [1], tokens: [0], logProbs: [-1.2] }]] };
 */
export const WithAnchorSamples = t.readonly(t.type({ anchorSamples: Samples }), 'WithAnchorSamples');
/** See the {@link WithAnchorSamples} codec. */
export type WithAnchorSamples = t.TypeOf<typeof WithAnchorSamples>;

/**
 * Added by `scoreRewards` when policy samples are present: r(x, y) per policy sample.
 *
 * @example
 * const rec: WithPolicyRewards = { policyRewards: [[0.5, -1]] };
 */
export const WithPolicyRewards = t.readonly(t.type({ policyRewards: Matrix }), 'WithPolicyRewards');
/** See the {@link WithPolicyRewards} codec. */
export type WithPolicyRewards = t.TypeOf<typeof WithPolicyRewards>;

/**
 * Added by `scoreRewards` when anchor samples are present: r(x, y′) per anchor sample.
 *
 * @example
 * const rec: WithAnchorRewards = { anchorRewards: [[0.2, 0.9]] };
 */
export const WithAnchorRewards = t.readonly(t.type({ anchorRewards: Matrix }), 'WithAnchorRewards');
/** See the {@link WithAnchorRewards} codec. */
export type WithAnchorRewards = t.TypeOf<typeof WithAnchorRewards>;

/**
 * Added by `bestOfN`: per prompt, the sample with the highest reward (ties go to the higher index), i.e. a
 * draw from π_BoN of eq (4) when the samples are N draws of the anchor.
 *
 * @example
 * const rec: WithBestOfN = { bestOfN: [{ prompt: [1], tokens: [3], logProbs: [-0.4] }] };
 */
export const WithBestOfN = t.readonly(t.type({ bestOfN: t.readonlyArray(Generation) }), 'WithBestOfN');
/** See the {@link WithBestOfN} codec. */
export type WithBestOfN = t.TypeOf<typeof WithBestOfN>;

/**
 * Added by `mcQuantiles`: the Monte-Carlo quantile p̂≤(y) of eq (10) per policy sample, against the anchor
 * samples of the same prompt.
 *
 * @example
 * const rec: WithQuantiles = { quantiles: [[0.75]] };
 */
export const WithQuantiles = t.readonly(t.type({ quantiles: Matrix }), 'WithQuantiles');
/** See the {@link WithQuantiles} codec. */
export type WithQuantiles = t.TypeOf<typeof WithQuantiles>;

/**
 * Added by `jbondRewards`: r_J-BOND(y) of eq (17) per policy sample (−log 16 or 0).
 *
 * @example
 * const rec: WithJBondRewards = { jbondRewards: [[0], [-Math.log(16)]] };
 */
export const WithJBondRewards = t.readonly(t.type({ jbondRewards: Matrix }), 'WithJBondRewards');
/** See the {@link WithJBondRewards} codec. */
export type WithJBondRewards = t.TypeOf<typeof WithJBondRewards>;

/**
 * A loss term as data rather than tensors, so records stay plain and cannot leak memory. It stands for the
 * differentiable surrogate `Σ_i coefficients[i] · log π(completions[i] | prompts[i])`, whose gradient with
 * respect to π's weights equals the term's gradient; `value` is the term's reported (non-differentiable)
 * estimate. An update stage rebuilds the surrogate inside `tf.variableGrads`.
 *
 * @example
 * // The negative log-likelihood of one completion: gradient −∇log π([2] | [1]), eq (13).
 * const nll: SurrogateTerm = { prompts: [[1]], completions: [[2]], coefficients: [-1], value: 0.69 };
 */
export const SurrogateTerm = t.readonly(
  t.type({ prompts: Matrix, completions: Matrix, coefficients: t.readonlyArray(t.number), value: t.number }),
  'SurrogateTerm',
);
/** See the {@link SurrogateTerm} codec. */
export type SurrogateTerm = t.TypeOf<typeof SurrogateTerm>;

/**
 * Added by `forwardKlLoss`: the forward-KL term KL(π_BoN ‖ π) of eq (12)–(13), as the negative
 * log-likelihood of the Best-of-N samples.
 *
 * @example
 * const rec: WithLossFw = { lossFw: { prompts: [[1]], completions: [[2]], coefficients: [-1], value: 0.69 } };
 */
export const WithLossFw = t.readonly(t.type({ lossFw: SurrogateTerm }), 'WithLossFw');
/** See the {@link WithLossFw} codec. */
export type WithLossFw = t.TypeOf<typeof WithLossFw>;

/**
 * Added by `backwardKlLoss` (and `reinforceUpdate`): the backward-KL term KL(π ‖ π_BoN) of eq (14)–(15),
 * a policy gradient.
 *
 * @example
 * const rec: WithLossBw = { lossBw: { prompts: [[1]], completions: [[0]], coefficients: [0.3], value: 0.3 } };
 */
export const WithLossBw = t.readonly(t.type({ lossBw: SurrogateTerm }), 'WithLossBw');
/** See the {@link WithLossBw} codec. */
export type WithLossBw = t.TypeOf<typeof WithLossBw>;

/**
 * Added by `klRegularizer`: the extra regulariser KL(π ‖ π_anchor) of eq (19).
 *
 * @example
 * const rec: WithLossReg = { lossReg: { prompts: [[1]], completions: [[0]], coefficients: [0.1], value: 0.1 } };
 */
export const WithLossReg = t.readonly(t.type({ lossReg: SurrogateTerm }), 'WithLossReg');
/** See the {@link WithLossReg} codec. */
export type WithLossReg = t.TypeOf<typeof WithLossReg>;

/**
 * What one optimiser step did: the total weighted loss value, the global gradient norm before clipping,
 * and whether the update was skipped because the loss or a gradient was not finite.
 *
 * @example
 * const stats: UpdateStats = { loss: 0.42, gradNorm: 1.3, skipped: false };
 */
export const UpdateStats = t.readonly(t.type({ loss: t.number, gradNorm: t.number, skipped: t.boolean }), 'UpdateStats');
/** See the {@link UpdateStats} codec. */
export type UpdateStats = t.TypeOf<typeof UpdateStats>;

/**
 * Added by `jeffreysUpdate` / `reinforceUpdate`: the step's {@link UpdateStats} and the running count of
 * skipped non-finite updates.
 *
 * @example
 * const rec: WithUpdate = { update: { loss: 0.42, gradNorm: 1.3, skipped: false }, nonFiniteSkips: 0 };
 */
export const WithUpdate = t.readonly(t.type({ update: UpdateStats, nonFiniteSkips: t.number }), 'WithUpdate');
/** See the {@link WithUpdate} codec. */
export type WithUpdate = t.TypeOf<typeof WithUpdate>;

/**
 * What `evaluate` measured about the current policy π. With an enumeration of the completion space the
 * values are exact (`exact: true`); otherwise they are Monte-Carlo estimates from the step's samples.
 * `klRef`/`klAnchor` are KL(π ‖ π_ref) / KL(π ‖ π_anchor); `logQuantile` is E_π[log p≤(y)] against the
 * reference; `klFwdBon`/`klBwdBon` are KL(π_BoN ‖ π) / KL(π ‖ π_BoN) of eq (12)/(14).
 *
 * @example
 * const e: Evaluation = { exact: false, rewardMean: 0.3, rewardStd: 0.1, entropy: 2.1, klRef: 0.02 };
 */
export const Evaluation = t.readonly(
  t.intersection([
    t.type({ exact: t.boolean, rewardMean: t.number, rewardStd: t.number, entropy: t.number }),
    t.partial({ klRef: t.number, klAnchor: t.number, logQuantile: t.number, klFwdBon: t.number, klBwdBon: t.number }),
  ]),
  'Evaluation',
);
/** See the {@link Evaluation} codec. */
export type Evaluation = t.TypeOf<typeof Evaluation>;

/**
 * Added by `evaluate`.
 *
 * @example
 * const rec: WithEvaluation = { evaluation: { exact: false, rewardMean: 0.3, rewardStd: 0.1, entropy: 2.1 } };
 */
export const WithEvaluation = t.readonly(t.type({ evaluation: Evaluation }), 'WithEvaluation');
/** See the {@link WithEvaluation} codec. */
export type WithEvaluation = t.TypeOf<typeof WithEvaluation>;

/**
 * One line of `metrics.jsonl`: the snake_case step metrics of DESIGN.md. Fields a pipeline does not
 * compute (e.g. losses for Best-of-N sampling, `kl_fwd_bon` without an enumeration) are absent.
 *
 * @example
 * const m: StepMetrics = { step: 0, reward_mean: 0.3, reward_std: 0.1, entropy: 2.1, tokens_per_s: 900, step_ms: 35, non_finite_skips: 0 };
 */
export const StepMetrics = t.readonly(
  t.intersection([
    t.type({
      step: t.number,
      reward_mean: t.number,
      reward_std: t.number,
      entropy: t.number,
      tokens_per_s: t.number,
      step_ms: t.number,
      non_finite_skips: t.number,
    }),
    t.partial({
      kl_ref: t.number,
      kl_anchor: t.number,
      log_quantile: t.number,
      loss_fw: t.number,
      loss_bw: t.number,
      loss_reg: t.number,
      grad_norm: t.number,
      kl_fwd_bon: t.number,
      kl_bwd_bon: t.number,
    }),
  ]),
  'StepMetrics',
);
/** See the {@link StepMetrics} codec. */
export type StepMetrics = t.TypeOf<typeof StepMetrics>;

/**
 * Everything a J-BOND step (Algorithm 2) has computed by the time it is evaluated.
 *
 * @example
 * const ok = JBondRecord.is(rec); // true for a record that went through every J-BOND stage
 */
export const JBondRecord = t.intersection(
  [
    t.intersection([Batch, WithPolicySamples, WithAnchorSamples, WithPolicyRewards, WithAnchorRewards]),
    t.intersection([WithBestOfN, WithJBondRewards, WithLossFw, WithLossBw, WithLossReg]),
    WithUpdate,
  ],
  'JBondRecord',
);
/** See the {@link JBondRecord} codec. */
export type JBondRecord = t.TypeOf<typeof JBondRecord>;
