import { klDivergence } from './klDivergence.js';
import { assertUnitInterval } from './validate.js';

/**
 * The generalised Jeffreys divergence: a β-weighted mix of forward and backward KL.
 *
 * Formula: J_β(p‖q) = (1 − β) · KL(q‖p) + β · KL(p‖q). Eq. (11) of the BOND paper.
 *
 * Argument convention, as in the paper's use J_β(π‖π_BoN): `p` is the policy being trained (π) and `q`
 * is the target, the Best-of-N distribution (π_BoN). So β = 0 gives the forward KL(π_BoN‖π) of eq (12)
 * (mode covering, an SFT loss on Best-of-N samples) and β = 1 the backward KL(π‖π_BoN) of eq (14) (mode
 * seeking, a policy gradient). A term whose weight is 0 is skipped, so an infinite KL on the side that
 * is switched off does not turn the result into NaN.
 *
 * @example
 * jeffreysDivergence([1, 0], [0.5, 0.5], 1); // KL(p‖q) = Math.log(2)
 * jeffreysDivergence([1, 0], [0.5, 0.5], 0); // KL(q‖p) = Infinity
 */
export function jeffreysDivergence(p: ReadonlyArray<number>, q: ReadonlyArray<number>, beta: number): number {
  assertUnitInterval('jeffreysDivergence', 'beta', beta);
  const forward = beta < 1 ? (1 - beta) * klDivergence(q, p) : 0;
  const backward = beta > 0 ? beta * klDivergence(p, q) : 0;
  return forward + backward;
}
