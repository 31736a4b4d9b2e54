import { concatMap, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import type { Batch, WithPolicySamples } from './records.js';
import { assertSampleOptions, sampleGroups, type SampleGroupOptions } from './sampleGroups.js';

/**
 * Options of {@link samplePolicy}.
 *
 * @example
 * const opts: SamplePolicyOptions = { policy, count: 1, rng: createRng(1), maxNewTokens: 16 };
 */
export interface SamplePolicyOptions extends SampleGroupOptions {
  /** The policy π being trained. */
  readonly policy: Policy;
}

/**
 * Adds `policySamples`: `count` samples y ∼ π(· | x) per prompt from the policy being trained (the "1 policy
 * sample" of Algorithm 2, or the on-policy samples of eq (14)–(15)). Uses `concatMap`: it reads the weights
 * that the update stage writes.
 *
 * @example
 * batch$.pipe(samplePolicy({ policy, count: 1, rng, maxNewTokens: 16 }));
 */
export function samplePolicy<R extends Batch>(options: SamplePolicyOptions): OperatorFunction<R, R & WithPolicySamples> {
  assertSampleOptions('samplePolicy', options);
  const { policy, ...sampling } = options;
  return concatMap(async (rec) => ({ ...rec, policySamples: await sampleGroups(policy, rec.prompts, sampling) }));
}
