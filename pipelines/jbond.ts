import * as t from 'io-ts';
import { pipe, type OperatorFunction } from 'rxjs';
import { decodeOrThrow, NonNegative, UnitInterval } from '../src/core/index.js';
import {
  backwardKlLoss,
  bestOfN,
  emaAnchor,
  evaluate,
  forwardKlLoss,
  jbondRewards,
  jeffreysUpdate,
  klRegularizer,
  logMetrics,
  sampleAnchor,
  samplePolicy,
  scoreRewards,
  type Batch,
  type StepMetrics,
} from '../src/operators/index.js';
import { TrainingConfig, trainingDefaults, trainingRun, type TrainingRun } from './trainingRun.js';
import type { Pipeline, TrainingDeps } from './types.js';

/**
 * The J-BOND config (Algorithm 2 and Section 6 of the BOND paper): the {@link TrainingConfig} every
 * training pipeline has (Adam with linear warm-up, batch size, completion length, gradient clip,
 * non-finite tolerance), plus
 *
 * - `beta` β of the Jeffreys divergence, eq (11) (paper: 0.5);
 * - `eta` η of the EMA anchor, eq (18) (paper: 0.02);
 * - `gamma` γ of the extra KL regulariser, eq (19) (paper: 0 by default, up to 2 in Figure 6).
 *
 * @example
 * decodeConfig(JBondConfig, jbondDefaults, { gamma: 0.5 }, 'jbond config').gamma; // 0.5
 */
export const JBondConfig = t.intersection(
  [TrainingConfig, t.type({ beta: UnitInterval, eta: UnitInterval, gamma: NonNegative })],
  'JBondConfig',
);
/** See the {@link JBondConfig} codec. */
export type JBondConfig = t.TypeOf<typeof JBondConfig>;

/**
 * J-BOND's defaults: the paper's β = 0.5, η = 0.02, γ = 0 and Adam with warm-up (Section 6 uses lr 3e-6
 * with 100 warm-up steps for Gemma 2B/7B and batch 128; for the small models this library trains, lr 1e-4
 * with 10 warm-up steps, batch 16 and 16 new tokens are better starting points).
 *
 * @example
 * jbondDefaults.beta; // 0.5
 */
export const jbondDefaults: JBondConfig = decodeOrThrow(
  JBondConfig,
  {
    ...trainingDefaults,
    beta: 0.5,
    eta: 0.02,
    gamma: 0,
  },
  'jbondDefaults',
);

/**
 * J-BOND, Algorithm 2 of the BOND paper. For each prompt of a step: 1 policy sample y ∼ π_t and 2 anchor
 * samples y′₁, y′₂ ∼ π_anchor; forward KL = negative log-likelihood of the Best-of-2 anchor sample
 * (eq (13)); backward KL = policy gradient with return R = r_J-BOND(y) − (log π_t(y) − log π_anchor(y))
 * (eqs (15), (17)) and a leave-one-out baseline over the batch; regulariser γ·KL(π ‖ π_anchor) (eq (19),
 * descending the KL); one optimiser step on (1 − β)·FW + β·BW + γ·Reg; then the EMA anchor update
 * θ_anchor ← (1 − η)·θ_anchor + η·θ_t+1 (eq (18)). Metrics are those of π_t, measured before its update
 * (exact when `deps.enumeration` is given, with `kl_fwd_bon`/`kl_bwd_bon` against Best-of-2 of the anchor).
 *
 * The policy is trained in place. The anchor starts as a clone of the policy (π⁰_anchor = π⁰) unless
 * `deps.anchor` is given; see {@link TrainingDeps} for who frees what.
 *
 * @example
 * const config = decodeConfig(JBondConfig, jbondDefaults, { learningRate: 0.05, maxNewTokens: 3 }, 'config');
 * jbond({ policy, reference, reward, rng: createRng(1) }, config)(from(promptBatches))
 *   .subscribe((m) => console.log(m.step, m.reward_mean, m.kl_ref));
 */
export const jbond: Pipeline<TrainingDeps, JBondConfig> = (deps, config) =>
  trainingRun(deps, config, (run) => jbondStep(deps, config, run));

/** One step of Algorithm 2 on a batch. */
function jbondStep(deps: TrainingDeps, config: JBondConfig, run: TrainingRun): OperatorFunction<Batch, StepMetrics> {
  const { policy, reference, reward, rng, detokenize, enumeration } = deps;
  const { maxNewTokens, beta, gamma, eta, clipNorm, maxConsecutiveNonFinite } = config;
  const { optimizer } = run;
  const anchor = run.anchor();
  const samplesAndRewards = pipe(
    samplePolicy({ policy, count: 1, rng, maxNewTokens }),
    sampleAnchor({ anchor, count: 2, rng, maxNewTokens }),
    scoreRewards({ reward, detokenize }),
    bestOfN(),
    jbondRewards(),
  );
  return pipe(
    samplesAndRewards,
    forwardKlLoss({ policy }),
    backwardKlLoss({ reference: anchor, n: 2, reward: (rec) => rec.jbondRewards }),
    klRegularizer({ anchor }),
    evaluate({ policy, reference, anchor, reward, detokenize, enumeration, n: 2, bestOfNOf: 'anchor' }),
    jeffreysUpdate({ policy, optimizer, beta, gamma, clipNorm, maxConsecutiveNonFinite }),
    emaAnchor({ anchor, policy, eta }),
    logMetrics(),
  );
}
