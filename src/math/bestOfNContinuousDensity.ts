import { assertPositiveInteger } from './validate.js';

/**
 * The density of the maximum of N i.i.d. draws from a continuous distribution.
 *
 * Formula: f_N(y) = N · f(y) · F(y)^(N−1), where f is the density and F the cumulative distribution
 * function. Eq. (22) of the BOND paper: eq (4) with term (B) equal to N, since p<(y) = p≤(y) = F(y).
 *
 * @example
 * const f = bestOfNContinuousDensity(() => 1, (y) => y, 3); // max of 3 uniforms on [0, 1]
 * f(0.5); // 0.75
 */
export function bestOfNContinuousDensity(
  pdf: (y: number) => number,
  cdf: (y: number) => number,
  n: number,
): (y: number) => number {
  assertPositiveInteger('bestOfNContinuousDensity', 'n', n);
  return (y) => n * pdf(y) * cdf(y) ** (n - 1);
}
