import { concatMap, of, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import { assertOption, isUnit } from './assertOption.js';

/**
 * Options of {@link emaAnchor}.
 *
 * @example
 * const opts: EmaAnchorOptions = { anchor, policy, eta: 0.02 };
 */
export interface EmaAnchorOptions {
  /** The moving anchor π_anchor, updated in place. */
  readonly anchor: Policy;
  /** The policy π_t+1 it follows. */
  readonly policy: Policy;
  /** η ∈ [0, 1] of eq (18): 1 copies the policy, 0 freezes the anchor (0.02 in the paper). */
  readonly eta: number;
}

/**
 * Moves the anchor towards the policy after each step, eq (18): θ_anchor ← (1 − η)·θ_anchor + η·θ_policy.
 * Place it after the update stage, so it averages in π_t+1 as Algorithm 2 does. The record passes
 * through unchanged. Uses `concatMap`: it writes weights.
 *
 * @example
 * rec$.pipe(jeffreysUpdate({ policy, optimizer, beta: 0.5, gamma: 0 }), emaAnchor({ anchor, policy, eta: 0.02 }));
 */
export function emaAnchor<R>(options: EmaAnchorOptions): OperatorFunction<R, R> {
  assertOption('emaAnchor', 'eta', options.eta, isUnit, 'a number in [0, 1]');
  return concatMap((rec) => {
    options.anchor.emaFrom(options.policy, options.eta);
    return of(rec);
  });
}
