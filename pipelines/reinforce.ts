import * as t from 'io-ts';
import { pipe } from 'rxjs';
import { decodeOrThrow, NonNegative, PositiveInt } from '../src/core/index.js';
import { evaluate, logMetrics, reinforceUpdate, samplePolicy, scoreRewards } from '../src/operators/index.js';
import { TrainingConfig, trainingDefaults, trainingRun } from './trainingRun.js';
import type { Pipeline, TrainingDeps } from './types.js';

/**
 * The REINFORCE config (the RLHF baseline of Section 6 of the BOND paper): {@link TrainingConfig} plus
 * `betaRl`, β_RL of the KL-regularised objective of eq (1), and `policySamples`, samples per prompt for
 * the leave-one-out baseline.
 *
 * @example
 * decodeConfig(ReinforceConfig, reinforceDefaults, { betaRl: 0.01 }, 'config').betaRl; // 0.01
 */
export const ReinforceConfig = t.intersection([TrainingConfig, t.type({ betaRl: NonNegative, policySamples: PositiveInt })], 'ReinforceConfig');
/** See the {@link ReinforceConfig} codec. */
export type ReinforceConfig = t.TypeOf<typeof ReinforceConfig>;

/**
 * REINFORCE's defaults: 2 policy samples per prompt with a leave-one-out baseline, as in Section 6;
 * β_RL = 0.1, from the middle of the paper's grid {0.001, 0.01, 0.1, 1} (Figure 7); the training fields
 * of `jbondDefaults`.
 *
 * @example
 * reinforceDefaults.policySamples; // 2
 */
export const reinforceDefaults: ReinforceConfig = decodeOrThrow(
  ReinforceConfig,
  { ...trainingDefaults, betaRl: 0.1, policySamples: 2 },
  'reinforceDefaults',
);

/**
 * REINFORCE on the KL-regularised RLHF objective of eq (1), E_π[r(y)] − β_RL·KL(π ‖ π_ref): the baseline
 * J-BOND is compared with in Section 6 (Figure 7). Each step: `policySamples` samples y ∼ π per prompt,
 * their rewards, the return R = r(y) − β_RL·(log π(y) − log π_ref(y)) with a leave-one-out baseline (the
 * mean return of the prompt's other samples), one optimiser step on −E[∇log π(y)·(R − b)] (see
 * `reinforceUpdate`). The larger β_RL, the closer π stays to π_ref and the lower the reward it reaches.
 * Metrics are those of π before its update (exact with `deps.enumeration`; `loss_bw` is −mean R).
 *
 * @example
 * const config = decodeConfig(ReinforceConfig, reinforceDefaults, { betaRl: 0.01, maxNewTokens: 3 }, 'config');
 * reinforce({ policy, reference, reward, rng: createRng(1) }, config)(from(promptBatches))
 *   .subscribe((m) => console.log(m.step, m.reward_mean, m.kl_ref));
 */
export const reinforce: Pipeline<TrainingDeps, ReinforceConfig> = (deps, config) =>
  trainingRun(deps, config, ({ optimizer }) => {
    const { policy, reference, reward, rng, detokenize, enumeration } = deps;
    const { maxNewTokens, betaRl, clipNorm, maxConsecutiveNonFinite } = config;
    return pipe(
      samplePolicy({ policy, count: config.policySamples, rng, maxNewTokens }),
      scoreRewards({ reward, detokenize }),
      evaluate({ policy, reference, reward, detokenize, enumeration }),
      reinforceUpdate({ policy, reference, optimizer, betaRl, clipNorm, maxConsecutiveNonFinite }),
      logMetrics(),
    );
  });
