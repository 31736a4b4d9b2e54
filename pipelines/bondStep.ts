import * as t from 'io-ts';
import { pipe, type OperatorFunction } from 'rxjs';
import { PositiveInt, UnitInterval } from '../src/core/index.js';
import type { Policy } from '../src/policy/index.js';
import {
  backwardKlLoss,
  bestOfFirstN,
  bondRewards,
  evaluate,
  exactQuantiles,
  forwardKlLoss,
  jeffreysUpdate,
  mcQuantiles,
  sampleAnchor,
  samplePolicy,
  scoreRewards,
  type Batch,
  type WithAnchorRewards,
  type WithAnchorSamples,
  type WithBestOfN,
  type WithEvaluation,
  type WithLossBw,
  type WithLossFw,
  type WithPolicyRewards,
  type WithPolicySamples,
  type WithQuantiles,
  type WithQuantilesBelow,
  type WithUpdate,
} from '../src/operators/index.js';
import { TrainingConfig } from './trainingRun.js';
import type { TrainingDeps } from './types.js';

export interface AtLeastTwoBrand { readonly AtLeastTwo: unique symbol }
/**
 * An integer ≥ 2: N of BOND, for which β_BOND = 1/(N − 1) is finite (Section 3.3).
 *
 * @example
 * AtLeastTwo.is(8); // true
 */
export const AtLeastTwo = t.brand(t.number, (n): n is t.Branded<number, AtLeastTwoBrand> => Number.isInteger(n) && n >= 2, 'AtLeastTwo');

/**
 * How r_BOND's quantiles are obtained: `'mc'`, the Monte-Carlo estimate of eq (10) from `mcSamples`
 * reference draws (the paper's method); `'exact'`, computed over the enumerated space (`deps.enumeration`
 * required), for tests and small tasks.
 *
 * @example
 * QuantileMode.is('exact'); // true
 */
export const QuantileMode = t.keyof({ mc: null, exact: null }, 'QuantileMode');
/** See the {@link QuantileMode} codec. */
export type QuantileMode = t.TypeOf<typeof QuantileMode>;

/**
 * The config of one BOND distillation step (Section 4.2), shared by `bond` and `iterativeBond`:
 * {@link TrainingConfig} plus
 *
 * - `n` N of Best-of-N (≥ 2);
 * - `beta` β of the Jeffreys divergence, eq (11) (0 = forward KL only, 1 = backward KL only);
 * - `mcSamples` k, reference samples per prompt for the quantile estimate of eq (10);
 * - `policySamples` policy samples per prompt for the backward KL (≥ 2 gives a per-prompt leave-one-out
 *   baseline; with 1 the baseline is the rest of the batch);
 * - `quantiles` see {@link QuantileMode}.
 *
 * @example
 * decodeOrThrow(BondStepConfig, { ...bondDefaults, n: 4 }, 'config').n; // 4
 */
export const BondStepConfig = t.intersection(
  [TrainingConfig, t.type({ n: AtLeastTwo, beta: UnitInterval, mcSamples: PositiveInt, policySamples: PositiveInt, quantiles: QuantileMode })],
  'BondStepConfig',
);
/** See the {@link BondStepConfig} codec. */
export type BondStepConfig = t.TypeOf<typeof BondStepConfig>;

/** Whose Best-of-N a BOND step distills. */
export interface BondTarget {
  /** The distribution Best-of-N is taken of: π_ref for BOND, the anchor for iterative BOND. */
  readonly base: Policy;
  /** The moving anchor, if any: then `kl_anchor` is reported and the exact KLs are to its Best-of-N. */
  readonly anchor?: Policy | undefined;
}

/** What a BOND step's record holds once the policy is updated. */
export type BondStepRecord = Batch &
  WithPolicySamples &
  WithPolicyRewards &
  WithAnchorSamples &
  WithQuantiles &
  WithLossFw &
  WithLossBw &
  WithEvaluation &
  WithUpdate;

/**
 * One BOND step (Section 4.2) on a batch: per prompt, `policySamples` draws y ∼ π and max(k, N) draws
 * y′ ∼ π_base (N with exact quantiles); forward KL = negative log-likelihood of the best of the first N
 * base draws, an exact π_BoN sample (eq (13)); r_BOND from the quantiles (eq (8), see `bondRewards`: with
 * Monte-Carlo quantiles p̂≤ is floored at 1/(k + 1), k the draws per prompt, so a sample worse than all of
 * them gets log(1/(k + 1)) instead of −∞); backward KL = policy gradient with return
 * R = (N − 1)·r_BOND(y) − (log π(y) − log π_base(y)) and a leave-one-out baseline (eq (15), not divided by
 * N − 1); metrics of π before its update; one optimiser step on (1 − β)·FW + β·BW (eq (11)).
 *
 * @example
 * const step = bondStep(deps, config, optimizer, 'bond', { base: deps.reference });
 * batch$.pipe(step, logMetrics());
 */
export function bondStep(
  deps: TrainingDeps,
  config: BondStepConfig,
  optimizer: NonNullable<TrainingDeps['optimizer']>,
  where: string,
  target: BondTarget,
): OperatorFunction<Batch, BondStepRecord> {
  const { policy, reference, reward, rng, detokenize, enumeration } = deps;
  const { n, beta, maxNewTokens, clipNorm, maxConsecutiveNonFinite } = config;
  const { base, anchor } = target;
  const baseDraws = config.quantiles === 'exact' ? n : Math.max(config.mcSamples, n);
  const scored = pipe(
    samplePolicy({ policy, count: config.policySamples, rng, maxNewTokens }),
    sampleAnchor({ anchor: base, count: baseDraws, rng, maxNewTokens }),
    scoreRewards({ reward, detokenize }),
    bestOfFirstN({ n }),
  );
  type Scored = Batch & WithPolicySamples & WithPolicyRewards & WithAnchorSamples & WithAnchorRewards & WithBestOfN;
  let withQuantiles: OperatorFunction<Scored, Scored & WithQuantiles & Partial<WithQuantilesBelow>>;
  if (config.quantiles === 'mc') {
    withQuantiles = mcQuantiles<Scored>();
  } else if (enumeration === undefined) {
    throw new RangeError(`${where}: expected deps.enumeration when quantiles is 'exact', got none`);
  } else {
    withQuantiles = exactQuantiles<Scored>({ reference: base, reward, detokenize, enumeration });
  }
  return pipe(
    scored,
    withQuantiles,
    bondRewards({ n, floor: config.quantiles === 'mc' ? 1 / (baseDraws + 1) : 0 }),
    forwardKlLoss({ policy }),
    backwardKlLoss({ reference: base, n, reward: (rec) => rec.bondRewards }),
    evaluate({ policy, reference, anchor, reward, detokenize, enumeration, n, bestOfNOf: anchor === undefined ? 'reference' : 'anchor' }),
    jeffreysUpdate({ policy, optimizer, beta, gamma: 0, clipNorm, maxConsecutiveNonFinite }),
  );
}
