import { concatMap, of, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import { assertOption, isPositiveInt } from './assertOption.js';
import type { Batch } from './records.js';

/**
 * Options of {@link hardAnchor}.
 *
 * @example
 * const opts: HardAnchorOptions = { anchor, policy, every: 50 };
 */
export interface HardAnchorOptions {
  /** The anchor π_anchor, overwritten in place. */
  readonly anchor: Policy;
  /** The policy it is reset to. */
  readonly policy: Policy;
  /** K: copy after every K-th step (after steps K − 1, 2K − 1, … counting from 0). */
  readonly every: number;
}

/**
 * The periodic anchor update of iterative BOND (Algorithm 1): after every K distillation steps the anchor
 * becomes a copy of the current policy, π_anchor ← π_t, so the next K steps distill Best-of-n of it. The
 * record passes through unchanged. Uses `concatMap`: it writes weights.
 *
 * @example
 * rec$.pipe(jeffreysUpdate({ policy, optimizer, beta: 0.5, gamma: 0 }), hardAnchor({ anchor, policy, every: 50 }));
 */
export function hardAnchor<R extends Batch>(options: HardAnchorOptions): OperatorFunction<R, R> {
  assertOption('hardAnchor', 'every', options.every, isPositiveInt, 'a positive integer');
  return concatMap((rec) => {
    if ((rec.step + 1) % options.every === 0) options.anchor.assignFrom(options.policy);
    return of(rec);
  });
}
