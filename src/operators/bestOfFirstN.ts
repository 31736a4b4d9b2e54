import { concatMap, map, of, type OperatorFunction } from 'rxjs';
import { assertOption, isPositiveInt } from './assertOption.js';
import { bestOfN } from './bestOfN.js';
import type { WithAnchorRewards, WithAnchorSamples, WithBestOfN } from './records.js';

/** Options of {@link bestOfFirstN}. */
export interface BestOfFirstNOptions {
  /** N of Best-of-N: how many of each prompt's anchor (or reference) samples compete. */
  readonly n: number;
}

/**
 * Adds `bestOfN`: per prompt, the best of the FIRST `n` anchor samples (ties go to the higher index, as in
 * `bestOfN`). The first n of k ≥ n i.i.d. draws are n i.i.d. draws, so the pick is an exact draw from
 * π_BoN of eq (4), and one set of k reference samples serves both the Monte-Carlo quantiles of eq (10)
 * and the Best-of-N sample of the forward KL, eq (13). Throws a `RangeError` if a prompt has fewer than
 * `n` anchor samples. A synchronous stage (it runs `bestOfN` on the truncated groups).
 *
 * @example
 * rec$.pipe(sampleAnchor({ anchor: reference, count: 16, rng, maxNewTokens }), scoreRewards({ reward }), bestOfFirstN({ n: 8 }));
 */
export function bestOfFirstN<R extends WithAnchorSamples & WithAnchorRewards>(options: BestOfFirstNOptions): OperatorFunction<R, R & WithBestOfN> {
  const { n } = options;
  assertOption('bestOfFirstN', 'n', n, isPositiveInt, 'a positive integer');
  return concatMap((rec) => {
    rec.anchorSamples.forEach((group, i) => {
      if (group.length < n) throw new RangeError(`bestOfFirstN: expected at least n = ${n} anchor samples for prompt ${i}, got ${group.length}`);
    });
    const firstN = {
      anchorSamples: rec.anchorSamples.map((group) => group.slice(0, n)),
      anchorRewards: rec.anchorRewards.map((rewards) => rewards.slice(0, n)),
    };
    return of(firstN).pipe(
      bestOfN(),
      map((picked): R & WithBestOfN => ({ ...rec, bestOfN: picked.bestOfN })),
    );
  });
}
