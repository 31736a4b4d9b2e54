import type { Policy } from '../policy/index.js';

/**
 * Builds a policy, hands it to `use`, and disposes it afterwards, even when `use` throws: properties
 * that build a policy per run would otherwise leak its variables on every failing run fast-check
 * shrinks through.
 *
 * @example
 * const total = await usingPolicy(() => new TabularPolicy(spec, { seed: 1 }), (pi) =>
 *   enumerateSequences(pi, [], spec.maxLength).probs.reduce((a, b) => a + b, 0));
 */
export async function usingPolicy<T>(make: () => Policy, use: (policy: Policy) => T | Promise<T>): Promise<T> {
  const policy = make();
  try {
    return await use(policy);
  } finally {
    policy.dispose();
  }
}
