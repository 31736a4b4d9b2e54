import { pipe } from 'rxjs';
import { decodeOrThrow } from '../src/core/index.js';
import { logMetrics } from '../src/operators/index.js';
import { BondStepConfig, bondStep } from './bondStep.js';
import { trainingDefaults, trainingRun } from './trainingRun.js';
import type { Pipeline, TrainingDeps } from './types.js';

/**
 * The BOND config (Section 4.2 of the BOND paper): the fields of {@link BondStepConfig} — Adam with
 * warm-up, `batchSize`, `maxNewTokens`, `clipNorm`, `maxConsecutiveNonFinite`, `n`, `beta`, `mcSamples`,
 * `policySamples`, `quantiles`.
 *
 * @example
 * decodeConfig(BondConfig, bondDefaults, { n: 4, beta: 1 }, 'bond config').n; // 4
 */
export const BondConfig = BondStepConfig;
/** See the {@link BondConfig} codec. */
export type BondConfig = BondStepConfig;

/**
 * BOND's defaults, as in Figure 2 of the paper: N = 8, β = 0.5 (the Jeffreys divergence), k = 16
 * Monte-Carlo reference samples per prompt, Monte-Carlo quantiles; 2 policy samples per prompt for the
 * leave-one-out baseline; Adam with lr 1e-4 and 10 warm-up steps, batch 16, 16 new tokens, clip 1 (the
 * same small-model starting points as `jbondDefaults`).
 *
 * @example
 * bondDefaults.n; // 8
 */
export const bondDefaults: BondConfig = decodeOrThrow(
  BondConfig,
  {
    ...trainingDefaults,
    n: 8,
    beta: 0.5,
    mcSamples: 16,
    policySamples: 2,
    quantiles: 'mc',
  },
  'bondDefaults',
);

/**
 * BOND against a fixed reference (Section 4.2 of the BOND paper): distills π_BoN of eq (4), the
 * Best-of-N distribution of π_ref, by minimising the Jeffreys divergence J_β(π ‖ π_BoN) of eq (11). Each
 * step (see `bondStep`): `policySamples` samples y ∼ π and max(k, N) samples y′ ∼ π_ref per prompt;
 * forward KL = negative log-likelihood of the best of the first N reference samples (eq (13)); backward
 * KL = policy gradient with return R = (N − 1)·r_BOND(y) − (log π(y) − log π_ref(y)) (eq (15)) and a
 * leave-one-out baseline, where r_BOND = log max(p̂≤(y), 1/(k + 1)) with p̂≤ the Monte-Carlo quantile of
 * eq (10) against the reference samples — or, with `quantiles: 'exact'` and `deps.enumeration`, the full
 * r_BOND of eq (8) from exact quantiles; one optimiser step on (1 − β)·FW + β·BW. π_ref never changes.
 * Metrics are those of π before its update (exact with `deps.enumeration`, with `kl_fwd_bon`/`kl_bwd_bon`
 * against Best-of-N of π_ref).
 *
 * @example
 * const config = decodeConfig(BondConfig, bondDefaults, { n: 4, learningRate: 0.05, maxNewTokens: 3 }, 'config');
 * bond({ policy, reference, reward, rng: createRng(1) }, config)(from(promptBatches))
 *   .subscribe((m) => console.log(m.step, m.log_quantile, m.kl_ref));
 */
export const bond: Pipeline<TrainingDeps, BondConfig> = (deps, config) =>
  trainingRun(deps, config, ({ optimizer }) => pipe(bondStep(deps, config, optimizer, 'bond', { base: deps.reference }), logMetrics()));
