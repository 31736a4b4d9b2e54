import type { EvalResult } from './evalResult.js';

/**
 * The eval table as plain text: one row per N with the mean reward of Best-of-N of the reference, the
 * policy's row (one sample per prompt) with its KL to the reference, and the headline line
 * `policy ≈ Best-of-N of the reference for N ≈ …`.
 *
 * @example
 * formatEvalTable(result);
 * // sampler                 mean reward   KL to ref
 * // Best-of-1 (reference)         0.412           0
 * // ...
 * // policy ≈ Best-of-N of the reference for N ≈ 5.2
 */
export function formatEvalTable(result: EvalResult): string {
  const rows: Array<readonly [string, string, string]> = [
    ...result.bestOfN.map((p) => [`Best-of-${p.n} (reference)`, p.rewardMean.toFixed(3), p.n === 1 ? '0' : `≤ ${bestOfNKlBound(p.n).toFixed(3)}`] as const),
    ['policy (1 sample)', result.policy.rewardMean.toFixed(3), result.policy.klRef.toFixed(3)],
  ];
  const header = ['sampler', 'mean reward', 'KL to ref'] as const;
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]?.length ?? 0)));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('   ');
  return [
    `held-out prompts: ${result.prompts}; ${result.referenceSamplesPerPrompt} reference and ${result.policySamplesPerPrompt} policy samples per prompt; ${result.maxNewTokens} new tokens`,
    line(header),
    ...rows.map(line),
    headline(result),
    '',
  ].join('\n');
}

/**
 * The headline sentence of an eval: which N of Best-of-N the single-sample policy matches.
 *
 * @example
 * headline(result); // 'policy ≈ Best-of-N of the reference for N ≈ 5.2'
 */
export function headline(result: EvalResult): string {
  const { n, bound } = result.matched;
  if (bound === 'below') return `policy ≈ Best-of-N of the reference for N ≈ 1 (its mean reward is below one reference sample's)`;
  if (bound === 'above') return `policy ≈ Best-of-N of the reference for N ≈ ${n}+ (above every N measured)`;
  return `policy ≈ Best-of-N of the reference for N ≈ ${n < 10 ? n.toFixed(1) : n.toFixed(0)}`;
}

/**
 * The analytical upper bound log N − (N − 1)/N on KL(π_BoN ‖ π_ref) (Stiennon et al., 2020; shown to be a
 * bound by Beirami et al., 2024), so the policy's KL can be read against Best-of-N's.
 */
function bestOfNKlBound(n: number): number {
  return Math.log(n) - (n - 1) / n;
}
