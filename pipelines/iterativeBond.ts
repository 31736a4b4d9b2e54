import * as t from 'io-ts';
import { pipe } from 'rxjs';
import { decodeOrThrow, PositiveInt } from '../src/core/index.js';
import { hardAnchor, logMetrics } from '../src/operators/index.js';
import { BondStepConfig, bondStep } from './bondStep.js';
import { trainingDefaults, trainingRun } from './trainingRun.js';
import type { Pipeline, TrainingDeps } from './types.js';

/**
 * The iterative BOND config (Algorithm 1 and Section 4.3 of the BOND paper): the fields of
 * {@link BondStepConfig}, with `n` the small n of Best-of-n, plus `anchorEvery`, the number K of
 * distillation steps between hard anchor updates.
 *
 * @example
 * decodeConfig(IterativeBondConfig, iterativeBondDefaults, { anchorEvery: 20 }, 'config').anchorEvery; // 20
 */
export const IterativeBondConfig = t.intersection([BondStepConfig, t.type({ anchorEvery: PositiveInt })], 'IterativeBondConfig');
/** See the {@link IterativeBondConfig} codec. */
export type IterativeBondConfig = t.TypeOf<typeof IterativeBondConfig>;

/**
 * Iterative BOND's defaults: n = 2 (the paper runs n ∈ {2, 4}), β = 0.5, k = 16 Monte-Carlo samples,
 * an anchor update every K = 50 steps (the paper's Figure 4 uses 1000 steps at lr 3e-6; its Figure 5
 * ablation updates every 50, the period matching an EMA with η = 0.02), 2 policy samples per prompt, and
 * the training fields of `bondDefaults`.
 *
 * @example
 * iterativeBondDefaults.anchorEvery; // 50
 */
export const iterativeBondDefaults: IterativeBondConfig = decodeOrThrow(
  IterativeBondConfig,
  {
    ...trainingDefaults,
    n: 2,
    beta: 0.5,
    mcSamples: 16,
    policySamples: 2,
    quantiles: 'mc',
    anchorEvery: 50,
  },
  'iterativeBondDefaults',
);

/**
 * Iterative BOND, Algorithm 1 of the BOND paper: BOND with a small n against an anchor, π_t+1 =
 * argmin_π J_β(π ‖ Best-of-n(π_anchor)), with the anchor reset to the current policy after every K
 * steps (`hardAnchor`). By eq (16), M rounds distill Best-of-n^M of π_ref without ever drawing n^M
 * samples, so the policy keeps improving where BOND with a fixed N saturates (Figure 4). Each step is a
 * BOND step (see `bond`) with the anchor in place of π_ref: quantiles, Best-of-n samples and the return's
 * KL term log π(y) − log π_anchor(y) are all against the anchor. The anchor starts as a clone of the policy
 * (π⁰_anchor = π⁰ = π_ref in Algorithm 1) unless `deps.anchor` is given. Metrics are those of π before
 * its update; `kl_ref` is to π_ref, `kl_anchor` to the anchor, and the exact `kl_fwd_bon`/`kl_bwd_bon`
 * (with `deps.enumeration`) to Best-of-n of the current anchor.
 *
 * @example
 * const config = decodeConfig(IterativeBondConfig, iterativeBondDefaults, { anchorEvery: 20, maxNewTokens: 3 }, 'config');
 * iterativeBond({ policy, reference, reward, rng: createRng(1) }, config)(from(promptBatches))
 *   .subscribe((m) => console.log(m.step, m.reward_mean, m.kl_ref));
 */
export const iterativeBond: Pipeline<TrainingDeps, IterativeBondConfig> = (deps, config) =>
  trainingRun(deps, config, (run) => {
    const anchor = run.anchor();
    return pipe(
      bondStep(deps, config, run.optimizer, 'iterativeBond', { base: anchor, anchor }),
      hardAnchor({ anchor, policy: deps.policy, every: config.anchorEvery }),
      logMetrics(),
    );
  });
