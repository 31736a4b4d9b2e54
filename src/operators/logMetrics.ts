import { map, tap, pipe, type OperatorFunction } from 'rxjs';
import type { Generation } from '../core/index.js';
import type {
  Batch,
  StepMetrics,
  WithAnchorSamples,
  WithEvaluation,
  WithLossBw,
  WithLossFw,
  WithLossReg,
  WithPolicySamples,
  WithUpdate,
} from './records.js';

/**
 * What `logMetrics` reads: the evaluation, and whichever samples, losses and update the step has.
 *
 * @example
 * const rec: Loggable = { step: 0, startedAt: 0, prompts: [], evaluation: { exact: false, rewardMean: 0, rewardStd: 0, entropy: 1 } };
 */
export type Loggable = Batch &
  WithEvaluation &
  Partial<WithPolicySamples & WithAnchorSamples & WithLossFw & WithLossBw & WithLossReg & WithUpdate>;

/**
 * Maps each step's record to its {@link StepMetrics} line (the snake_case metrics of `metrics.jsonl`) and
 * hands it to `sink`, if given. `step_ms` is the wall time since the step started; `tokens_per_s` counts
 * every sampled token (policy and anchor). Metrics the step does not have, and non-finite optional values
 * (JSON has no NaN; a skipped non-finite update has `grad_norm` NaN), are left out. A `map`.
 *
 * @example
 * rec$.pipe(evaluate({ policy, reference, reward }), logMetrics((m) => out.write(JSON.stringify(m) + '\n')));
 */
export function logMetrics<R extends Loggable>(sink?: (metrics: StepMetrics) => void): OperatorFunction<R, StepMetrics> {
  return pipe(
    map(toStepMetrics),
    tap((metrics) => sink?.(metrics)),
  );
}

/**
 * The {@link StepMetrics} of one record (see {@link logMetrics}).
 *
 * @example
 * toStepMetrics(rec).reward_mean === rec.evaluation.rewardMean; // true
 */
export function toStepMetrics(rec: Loggable): StepMetrics {
  const stepMs = performance.now() - rec.startedAt;
  const tokens = countTokens(rec.policySamples) + countTokens(rec.anchorSamples);
  const e = rec.evaluation;
  const optional: Record<string, number | undefined> = {
    kl_ref: e.klRef,
    kl_anchor: e.klAnchor,
    log_quantile: e.logQuantile,
    loss_fw: rec.lossFw?.value,
    loss_bw: rec.lossBw?.value,
    loss_reg: rec.lossReg?.value,
    grad_norm: rec.update?.gradNorm,
    kl_fwd_bon: e.klFwdBon,
    kl_bwd_bon: e.klBwdBon,
  };
  return {
    step: rec.step,
    reward_mean: e.rewardMean,
    reward_std: e.rewardStd,
    entropy: e.entropy,
    tokens_per_s: stepMs > 0 ? (tokens * 1000) / stepMs : 0,
    step_ms: stepMs,
    non_finite_skips: rec.nonFiniteSkips ?? 0,
    ...Object.fromEntries(Object.entries(optional).filter((entry): entry is [string, number] => Number.isFinite(entry[1]))),
  };
}

function countTokens(groups: ReadonlyArray<ReadonlyArray<Generation>> | undefined): number {
  return (groups ?? []).reduce((acc, group) => acc + group.reduce((a, g) => a + g.tokens.length, 0), 0);
}
