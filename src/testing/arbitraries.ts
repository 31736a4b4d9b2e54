import fc from 'fast-check';

/**
 * fast-check arbitraries for the Best-of-N identities: discrete reference distributions, reward vectors
 * (with and without ties) and strictly increasing reward transforms. The project's own property tests
 * use them, and so can users checking their own pipelines.
 */

/**
 * Options of {@link discreteDistribution}.
 *
 * @example
 * const options: DiscreteDistributionOptions = { maxSize: 5, nearZero: true };
 */
export interface DiscreteDistributionOptions {
  /** Smallest support size (default 1). */
  readonly minSize?: number;
  /** Largest support size (default 12). */
  readonly maxSize?: number;
  /** Also draw masses of exactly 0 and near-zero masses (1e-15, 1e-12, 1e-9) (default false). */
  readonly nearZero?: boolean;
}

/**
 * Options of {@link rewardVector}.
 *
 * @example
 * const options: RewardVectorOptions = { ties: true };
 */
export interface RewardVectorOptions {
  /** Force ties: every reward comes from ⌈size/2⌉ values, so any size ≥ 2 has a tie (default false). */
  readonly ties?: boolean;
}

/**
 * Options of {@link distributionWithRewards}; `ties` left out draws both with and without ties.
 *
 * @example
 * const options: DistributionWithRewardsOptions = { maxSize: 12, nearZero: true };
 */
export interface DistributionWithRewardsOptions extends DiscreteDistributionOptions, RewardVectorOptions {}

/**
 * A reference distribution with one reward per support element.
 *
 * @example
 * const draw: DistributionWithRewards = { ref: [0.25, 0.75], rewards: [1, -0.5] };
 */
export interface DistributionWithRewards {
  readonly ref: number[];
  readonly rewards: number[];
}

/** Rewards are quarter-integers in [−8, 8]: exact in binary, and far enough apart to survive transforms. */
const REWARD_GRID_HALF_WIDTH = 32;
const REWARD_GRID_STEP = 1 / 4;
const gridReward = fc.integer({ min: -REWARD_GRID_HALF_WIDTH, max: REWARD_GRID_HALF_WIDTH }).map((k) => k * REWARD_GRID_STEP);

/**
 * Probability vectors over a support of `minSize`..`maxSize` elements (default 1..12). Masses are drawn
 * in [0.01, 1], plus (with `nearZero`) exact zeros and masses of 1e-15, 1e-12 and 1e-9; at least one
 * mass is ≥ 0.01. The vector is divided by its sum, so it sums to 1 up to rounding (well within the
 * ±1e-9 that `src/math` validation accepts).
 *
 * @example
 * fc.assert(fc.property(discreteDistribution({ maxSize: 5, nearZero: true }), (p) => p.every((x) => x >= 0)));
 */
export function discreteDistribution(options: DiscreteDistributionOptions = {}): fc.Arbitrary<number[]> {
  const { minSize = 1, maxSize = 12, nearZero = false } = options;
  const regular = fc.double({ min: 0.01, max: 1, noNaN: true });
  const mass = nearZero
    ? fc.oneof({ arbitrary: regular, weight: 3 }, { arbitrary: fc.constantFrom(0, 1e-15, 1e-12, 1e-9), weight: 1 })
    : regular;
  return fc
    .array(mass, { minLength: minSize, maxLength: maxSize })
    .filter((ws) => ws.some((w) => w >= 0.01))
    .map((ws) => {
      const total = ws.reduce((a, b) => a + b, 0);
      return ws.map((w) => w / total);
    });
}

/**
 * Reward vectors of length `size` (at most 65 without ties) on the grid of quarter-integers in [−8, 8].
 * Without `ties` all rewards are distinct; with `ties` they come from a pool of ⌈size/2⌉ distinct values,
 * so every vector of length ≥ 2 has at least one tie (broken by index in `src/math`).
 *
 * @example
 * fc.assert(fc.property(rewardVector(4, { ties: true }), (r) => new Set(r).size < 4));
 */
export function rewardVector(size: number, options: RewardVectorOptions = {}): fc.Arbitrary<number[]> {
  if (options.ties !== true) return fc.uniqueArray(gridReward, { minLength: size, maxLength: size });
  const poolSize = Math.max(1, Math.ceil(size / 2));
  return fc
    .uniqueArray(gridReward, { minLength: poolSize, maxLength: poolSize })
    .chain((pool) => fc.array(fc.constantFrom(...pool), { minLength: size, maxLength: size }));
}

/**
 * Functions ℝ → ℝ that are strictly increasing: compositions of 1 to 3 of x ↦ a·x + b (a ∈ [1/4, 4],
 * b ∈ [−4, 4]), x ↦ x³, exp, asinh and x ↦ tanh(x/s) (s ∈ [1, 16]). Floating point can flatten or
 * overflow such compositions far from 0, so only those that stay finite and strictly increasing on the
 * reward grid of {@link rewardVector} (quarter-integers in [−8, 8]) are kept. Each prints as its formula.
 *
 * @example
 * fc.assert(fc.property(strictlyIncreasingTransform(), (f) => f(1) > f(0)));
 */
export function strictlyIncreasingTransform(): fc.Arbitrary<(x: number) => number> {
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc
      .tuple(fc.double({ min: 0.25, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true }))
      .map(([a, b]): Step => ({ f: (x) => a * x + b, show: (x) => `${a}*${x}+${b}` })),
    fc.constant<Step>({ f: (x) => x ** 3, show: (x) => `(${x})^3` }),
    fc.constant<Step>({ f: Math.exp, show: (x) => `exp(${x})` }),
    fc.constant<Step>({ f: Math.asinh, show: (x) => `asinh(${x})` }),
    fc.double({ min: 1, max: 16, noNaN: true }).map((s): Step => ({ f: (x) => Math.tanh(x / s), show: (x) => `tanh(${x}/${s})` })),
  );
  return fc
    .array(step, { minLength: 1, maxLength: 3 })
    .map((steps) => {
      const f = (x: number): number => steps.reduce((y, s) => s.f(y), x);
      const formula = steps.reduce((expr, s) => s.show(expr), 'x');
      return Object.defineProperty(f, fc.toStringMethod, { value: () => `x => ${formula}` });
    })
    .filter(increasesOnRewardGrid);
}

/**
 * A reference distribution (see {@link discreteDistribution}) paired with a reward vector of the same
 * length (see {@link rewardVector}). With `ties` left out, half the draws force ties and half do not.
 *
 * @example
 * fc.assert(fc.property(distributionWithRewards({ maxSize: 5 }), ({ ref, rewards }) => ref.length === rewards.length));
 */
export function distributionWithRewards(options: DistributionWithRewardsOptions = {}): fc.Arbitrary<DistributionWithRewards> {
  const ties = options.ties === undefined ? fc.boolean() : fc.constant(options.ties);
  return fc
    .tuple(discreteDistribution(options), ties)
    .chain(([ref, withTies]) => rewardVector(ref.length, { ties: withTies }).map((rewards) => ({ ref, rewards })));
}

/**
 * Options of {@link distributionPair}.
 *
 * @example
 * const options: DistributionPairOptions = { maxSize: 8, nearZero: [true, false] };
 */
export interface DistributionPairOptions {
  /** Smallest common support size (default 1). */
  readonly minSize?: number;
  /** Largest common support size (default 12). */
  readonly maxSize?: number;
  /** Whether the first and the second distribution draw zeros and near-zero masses (default `[false, false]`). */
  readonly nearZero?: readonly [boolean, boolean];
}

/**
 * Two probability vectors on one support of `minSize`..`maxSize` elements (see
 * {@link discreteDistribution}), e.g. a policy and a target for KL(p‖q) (eq 11) or its estimators.
 * Give a side `nearZero` when zeros are allowed there (say, a Best-of-N target), and not when the
 * divergence needs full support (a softmax policy).
 *
 * @example
 * fc.assert(fc.property(distributionPair({ nearZero: [true, false] }), ([p, q]) => p.length === q.length && q.every((x) => x > 0)));
 */
export function distributionPair(options: DistributionPairOptions = {}): fc.Arbitrary<[number[], number[]]> {
  const { minSize = 1, maxSize = 12, nearZero = [false, false] } = options;
  return fc
    .integer({ min: minSize, max: maxSize })
    .chain((k) =>
      fc.tuple(discreteDistribution({ minSize: k, maxSize: k, nearZero: nearZero[0] }), discreteDistribution({ minSize: k, maxSize: k, nearZero: nearZero[1] })),
    );
}

interface Step {
  readonly f: (x: number) => number;
  readonly show: (x: string) => string;
}

function increasesOnRewardGrid(f: (x: number) => number): boolean {
  let previous = -Infinity;
  for (let k = -REWARD_GRID_HALF_WIDTH; k <= REWARD_GRID_HALF_WIDTH; k++) {
    const y = f(k * REWARD_GRID_STEP);
    if (!Number.isFinite(y) || !(y > previous)) return false;
    previous = y;
  }
  return true;
}
