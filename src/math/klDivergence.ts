import { assertDistribution, assertSameLength } from './validate.js';

/**
 * The Kullback–Leibler divergence KL(p‖q) between two distributions over the same finite support.
 *
 * Formula: KL(p‖q) = Σ_y p(y) · (log p(y) − log q(y)), with 0 · log(0/q) = 0, and +Infinity when some
 * p(y) > 0 has q(y) = 0. Used by Eqs. (11), (12) and (14) of the BOND paper.
 *
 * @example
 * klDivergence([0.5, 0.5], [0.25, 0.75]); // 0.5·log 2 + 0.5·log(2/3) ≈ 0.1438
 * klDivergence([1, 0], [0.5, 0.5]); // Math.log(2)
 */
export function klDivergence(p: ReadonlyArray<number>, q: ReadonlyArray<number>): number {
  assertDistribution('klDivergence', 'p', p);
  assertDistribution('klDivergence', 'q', q);
  assertSameLength('klDivergence', 'p', p, 'q', q);
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi > 0) kl += pi * (Math.log(pi) - Math.log(q[i] as number));
  }
  return kl;
}
