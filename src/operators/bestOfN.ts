import { map, type OperatorFunction } from 'rxjs';
import type { Generation } from '../core/index.js';
import type { WithAnchorRewards, WithAnchorSamples, WithBestOfN, WithPolicyRewards, WithPolicySamples } from './records.js';

/**
 * Options of {@link bestOfN}.
 *
 * @example
 * const opts: BestOfNOptions = { from: 'policy' };
 */
export interface BestOfNOptions {
  /**
   * Which samples to pick from: the anchor's (default; a draw from π_BoN of the anchor, as the forward
   * KL of Algorithm 2 needs) or the policy's (inference-time Best-of-N sampling).
   */
  readonly from: 'anchor' | 'policy';
}

/**
 * Adds `bestOfN`: per prompt, the sample with the highest reward. Ties go to the higher index, the strict
 * order under which `bestOfNDistribution` (eq (4)) is exact, so N samples from π give one draw from
 * π_BoN. A pure `map`.
 *
 * @example
 * rec$.pipe(bestOfN()); // the Best-of-2 anchor sample y′_Bo2 of Algorithm 2
 * rec$.pipe(bestOfN({ from: 'policy' }));
 */
export function bestOfN<R extends WithAnchorSamples & WithAnchorRewards>(): OperatorFunction<R, R & WithBestOfN>;
export function bestOfN<R extends WithAnchorSamples & WithAnchorRewards>(options: { readonly from: 'anchor' }): OperatorFunction<R, R & WithBestOfN>;
export function bestOfN<R extends WithPolicySamples & WithPolicyRewards>(options: { readonly from: 'policy' }): OperatorFunction<R, R & WithBestOfN>;
export function bestOfN(
  options: BestOfNOptions = { from: 'anchor' },
): OperatorFunction<Partial<WithAnchorSamples & WithAnchorRewards & WithPolicySamples & WithPolicyRewards>, WithBestOfN> {
  return map((rec) => {
    const [samples, rewards] = options.from === 'anchor' ? [rec.anchorSamples, rec.anchorRewards] : [rec.policySamples, rec.policyRewards];
    if (samples === undefined || rewards === undefined) {
      throw new RangeError(`bestOfN: expected ${options.from} samples and rewards on the record, got none`);
    }
    return { ...rec, bestOfN: samples.map((group, i) => pickBest('bestOfN', group, rewards[i] ?? [])) };
  });
}

function pickBest(where: string, group: ReadonlyArray<Generation>, rewards: ReadonlyArray<number>): Generation {
  if (group.length === 0 || rewards.length !== group.length) {
    throw new RangeError(`${where}: expected one reward per sample and at least one sample, got ${group.length} samples and ${rewards.length} rewards`);
  }
  let best = 0;
  // `>=` lets a later sample with an equal reward win: the higher index is the better one.
  rewards.forEach((r, j) => {
    if (r >= (rewards[best] as number)) best = j;
  });
  return group[best] as Generation;
}
