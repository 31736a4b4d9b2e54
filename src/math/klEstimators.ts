import { assertNotNaN } from './validate.js';

/*
 * Schulman's per-sample estimators of KL(p‖q) from one sample x ∼ p, written with the log-ratio
 * log r = log q(x) − log p(x). All three take log-probabilities (logP = log p(x), logQ = log q(x)) of a
 * sample drawn from p, the distribution the expectation is over: for policy samples with p = π and
 * q = π_ref, their means estimate KL(π‖π_ref), the `kl_ref` metric and the regulariser of eq (1).
 */

/**
 * The unbiased, high-variance per-sample KL estimator k1.
 *
 * Formula: k1 = −log r = log p(x) − log q(x), x ∼ p; E_p[k1] = KL(p‖q). Estimates the KL terms of
 * Eqs. (1), (11) and (14) of the BOND paper.
 *
 * @example
 * k1(Math.log(0.5), Math.log(0.25)); // Math.log(2)
 */
export function k1(logP: number, logQ: number): number {
  assertLogProbs('k1', logP, logQ);
  return logP - logQ;
}

/**
 * The biased, low-variance, non-negative per-sample KL estimator k2.
 *
 * Formula: k2 = (log r)² / 2 with log r = log q(x) − log p(x), x ∼ p; E_p[k2] ≈ KL(p‖q) when p ≈ q.
 * Estimates the KL terms of Eqs. (1), (11) and (14) of the BOND paper.
 *
 * @example
 * k2(0, Math.log(2)); // Math.log(2) ** 2 / 2
 */
export function k2(logP: number, logQ: number): number {
  assertLogProbs('k2', logP, logQ);
  return (logQ - logP) ** 2 / 2;
}

/**
 * The unbiased, non-negative, low-variance per-sample KL estimator k3.
 *
 * Formula: k3 = (r − 1) − log r with r = q(x)/p(x), x ∼ p; E_p[k3] = KL(p‖q) when q is 0 wherever p is
 * (E_p[r] = 1). Computed as expm1(log r) − log r so it stays accurate for r near 1. Estimates the KL
 * terms of Eqs. (1), (11) and (14) of the BOND paper.
 *
 * @example
 * k3(Math.log(0.5), Math.log(0.25)); // (0.5 − 1) + Math.log(2) ≈ 0.1931
 */
export function k3(logP: number, logQ: number): number {
  assertLogProbs('k3', logP, logQ);
  const logR = logQ - logP;
  return Math.expm1(logR) - logR;
}

function assertLogProbs(where: string, logP: number, logQ: number): void {
  assertNotNaN(where, 'logP', logP);
  assertNotNaN(where, 'logQ', logQ);
}
