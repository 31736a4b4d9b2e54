import { concatMap, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import type { Batch, WithAnchorSamples } from './records.js';
import { assertSampleOptions, sampleGroups, type SampleGroupOptions } from './sampleGroups.js';

/**
 * Options of {@link sampleAnchor}.
 *
 * @example
 * const opts: SampleAnchorOptions = { anchor, count: 2, rng: createRng(1), maxNewTokens: 16 };
 */
export interface SampleAnchorOptions extends SampleGroupOptions {
  /** The distribution Best-of-N is taken of: the moving anchor π_anchor, or π_ref for plain BOND. */
  readonly anchor: Policy;
}

/**
 * Adds `anchorSamples`: `count` samples y′ ∼ π_anchor(· | x) per prompt (the "2 anchor samples" of
 * Algorithm 2, or the k reference samples of the MC quantile estimate, eq (10)). Uses `concatMap`: an EMA
 * anchor's weights change every step.
 *
 * @example
 * batch$.pipe(sampleAnchor({ anchor, count: 2, rng, maxNewTokens: 16 }));
 */
export function sampleAnchor<R extends Batch>(options: SampleAnchorOptions): OperatorFunction<R, R & WithAnchorSamples> {
  assertSampleOptions('sampleAnchor', options);
  const { anchor, ...sampling } = options;
  return concatMap(async (rec) => ({ ...rec, anchorSamples: await sampleGroups(anchor, rec.prompts, sampling) }));
}
