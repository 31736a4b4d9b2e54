import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { createRng, type Generation, type TokenBatch } from '../core/index.js';
import { enumerateSequences, type Policy } from '../policy/index.js';
import { assertClose, type Tolerance } from './assertClose.js';
import { tokenBatch } from './policyArbitraries.js';

/**
 * What a policy exposes when it decodes with a KV cache (as `GptPolicy` does): the full-forward logits
 * and the same logits computed incrementally, so the cache can be checked against a full recompute.
 *
 * @example
 * const gpt: IncrementalDecoding = new GptPolicy({ kind: 'gpt', vocabSize: 5, maxLength: 8, layers: 1, heads: 2, width: 8 }, { seed: 0 });
 */
export interface IncrementalDecoding {
  /** Full-forward logits [B, T + 1, V] of equal-length rows. */
  logits(tokens: TokenBatch): tf.Tensor3D;
  /** Logits [B, C + 1, V] after each prompt and each of its first j continuation tokens, via the cache. */
  incrementalLogits(prompts: TokenBatch, continuations: TokenBatch): tf.Tensor3D;
}

/**
 * Options of {@link policyConsistency}.
 *
 * @example
 * const options: PolicyConsistencyOptions = { maxNewTokens: 8, maxSequences: 128, tolerance: { abs: 1e-3, rel: 1e-3 } };
 */
export interface PolicyConsistencyOptions {
  /** Longest prompt drawn (default 4). */
  readonly maxPromptLength?: number;
  /** Longest completion sampled, for policies whose completion length is not fixed (default 4). */
  readonly maxNewTokens?: number;
  /** Largest sequence space enumerated (default 1024). */
  readonly maxSequences?: number;
  /** Float32 tolerance for log-probs and logits (default abs 1e-4, rel 1e-4). */
  readonly tolerance?: Tolerance;
}

/**
 * The values one run of {@link policyConsistency} draws, as a counterexample shows them.
 *
 * @example
 * const draw: PolicyConsistencyDraw = { seeds: [1, 2], prompts: [[0, 1], []], sampleSeed: 3, newTokens: 2, eta: 0.02 };
 */
export interface PolicyConsistencyDraw {
  readonly seeds: readonly [number, number];
  readonly prompts: number[][];
  readonly sampleSeed: number;
  readonly newTokens: number;
  readonly eta: number;
}

/**
 * A fast-check property checking that a {@link Policy} implementation is self-consistent. `makePolicy`
 * builds a policy from a seed (same architecture for every seed); it is called once up front to read
 * the spec. Each run builds two policies a and b and checks:
 *
 * - sampling: the per-token log-probs `sample` returns (temperature 1, no top-k) add up, prefix by
 *   prefix, to `sequenceLogProbs` of that prefix: Σ_{t<k} log π(y_t | x, y_<t) = log π(y_<k | x);
 * - the KV cache (when the policy implements {@link IncrementalDecoding}): logits computed step by step
 *   over the cache equal a full forward pass over prompt ++ continuation;
 * - enumeration: the exact probabilities of every completion of a small length sum to 1, which is what
 *   lets `enumerateSequences` feed eq (4) exactly;
 * - the EMA of eq (18): c = a.clone(); c.emaFrom(b, η) gives θ_c = (1 − η)·θ_a + η·θ_b entrywise,
 *   η = 0 changes nothing, η = 1 copies b exactly, and neither a nor b is changed;
 * - no tensor is left behind by these methods, which a training step calls every step (construction
 *   and `clone` are not measured: they happen once per run).
 *
 * Every policy it builds is disposed. A run costs two policy constructions, one sampling and a few
 * forward passes: keep `numRuns` modest for large policies and raise it for tiny ones with
 * `fc.assert(property, { numRuns: 500 })`.
 *
 * @example
 * const make = (seed: number) => new TabularPolicy({ kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false }, { seed });
 * await fc.assert(policyConsistency(make), { numRuns: 20 });
 */
export function policyConsistency(
  makePolicy: (seed: number) => Policy,
  options: PolicyConsistencyOptions = {},
): fc.IAsyncPropertyWithHooks<[PolicyConsistencyDraw]> {
  const { maxPromptLength = 4, maxNewTokens = 4, maxSequences = 1024, tolerance = { abs: 1e-4, rel: 1e-4 } } = options;
  const probe = makePolicy(0);
  const spec = probe.spec;
  probe.dispose();
  // A tabular policy ignores its prompt and always completes maxLength tokens; other policies need
  // prompt + completion (+ 1 for the next-token logits) to fit in maxLength positions.
  const fixedLength = spec.kind === 'tabular' ? spec.maxLength : undefined;
  const promptRoom = fixedLength === undefined ? Math.max(0, Math.min(maxPromptLength, spec.maxLength - 1)) : maxPromptLength;
  const draw: fc.Arbitrary<PolicyConsistencyDraw> = fc.record({
    seeds: fc.tuple(fc.integer({ min: 0, max: 0x7fffffff }), fc.integer({ min: 0, max: 0x7fffffff })),
    prompts: tokenBatch(spec.vocabSize, { maxRows: 3, maxLength: promptRoom }),
    sampleSeed: fc.integer(),
    newTokens: fc.integer({ min: 1, max: Math.max(1, maxNewTokens) }),
    eta: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  return fc.asyncProperty(draw, async ({ seeds, prompts, sampleSeed, newTokens, eta }) => {
    const a = makePolicy(seeds[0]);
    const b = makePolicy(seeds[1]);
    const c = a.clone();
    try {
      await withoutLeaks('sample, sequenceLogProbs, logits and enumeration', async () => {
        const longestPrompt = Math.max(...prompts.map((p) => p.length));
        const length = fixedLength ?? Math.min(newTokens, spec.maxLength - longestPrompt);
        const generations = await a.sample(prompts, { maxNewTokens: length, rng: createRng(sampleSeed) });
        checkSampleLogProbs(a, generations, tolerance);
        if (hasIncrementalDecoding(a)) checkKvCache(a, prompts, generations, tolerance);
        checkEnumeration(a, prompts[0] ?? [], maxSequences, tolerance);
      });
      await withoutLeaks('emaFrom and assignFrom', () => checkEma(a, b, c, eta));
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
    return true;
  });
}

/**
 * True when `policy` exposes the two logits methods of {@link IncrementalDecoding}.
 *
 * @example
 * hasIncrementalDecoding(new GptPolicy(spec, { seed: 0 })); // true
 */
export function hasIncrementalDecoding(policy: Policy): policy is Policy & IncrementalDecoding {
  const candidate = policy as Partial<IncrementalDecoding>;
  return typeof candidate.logits === 'function' && typeof candidate.incrementalLogits === 'function';
}

/** Σ of the first k sample-time log-probs = sequenceLogProbs of the first k tokens, for every prefix. */
function checkSampleLogProbs(policy: Policy, generations: readonly Generation[], tolerance: Tolerance): void {
  const prompts: (readonly number[])[] = [];
  const prefixes: (readonly number[])[] = [];
  const expected: number[] = [];
  generations.forEach((g) => {
    if (g.logProbs.length !== g.tokens.length) {
      throw new Error(`sample: expected one log-prob per token (${g.tokens.length}), got ${g.logProbs.length}`);
    }
    let sum = 0;
    g.tokens.forEach((_, t) => {
      sum += g.logProbs[t] as number;
      prompts.push(g.prompt);
      prefixes.push(g.tokens.slice(0, t + 1));
      expected.push(sum);
    });
  });
  const actual = tf.tidy(() => Array.from(policy.sequenceLogProbs(prompts, prefixes).dataSync()));
  assertClose('sample-time log-probs', 'sequenceLogProbs of every sampled prefix = the sum of sample()\'s per-token log-probs =', expected, actual, tolerance);
}

/** The cached logits after each prompt and each of its first j sampled tokens equal the full forward pass. */
function checkKvCache(policy: Policy & IncrementalDecoding, prompts: TokenBatch, generations: readonly Generation[], tolerance: Tolerance): void {
  // The next-token logits after the last sampled token need one more position than sampling did.
  const continuations = generations.map((g) => g.tokens.slice(0, -1));
  const cached = tf.tidy(() => policy.incrementalLogits(prompts, continuations).arraySync());
  prompts.forEach((prompt, row) => {
    const continuation = continuations[row] as number[];
    const full = tf.tidy(() => policy.logits([[...prompt, ...continuation]]).arraySync()[0] as number[][]);
    const fromPrompt = full.slice(prompt.length).flat();
    assertClose(`KV cache, row ${row}`, 'incremental logits = full forward logits =', fromPrompt, (cached[row] as number[][]).flat(), tolerance);
  });
}

/** Every completion of the longest enumerable length has a probability, and they sum to 1. */
function checkEnumeration(policy: Policy, prompt: readonly number[], maxSequences: number, tolerance: Tolerance): void {
  const { vocabSize, maxLength, kind } = policy.spec;
  const room = kind === 'tabular' ? maxLength : maxLength - prompt.length;
  const length = Math.min(room, Math.floor(Math.log(maxSequences) / Math.log(vocabSize) + 1e-9));
  if (length < 1) return;
  const total = enumerateSequences(policy, prompt, length, { maxSequences }).probs.reduce((s, p) => s + p, 0);
  assertClose(`enumeration of the ${vocabSize}^${length} completions of [${prompt.join(', ')}]`, 'total probability', [1], [total], tolerance);
}

/** Eq (18) on c, a clone of a: θ_c ← (1 − η)·θ_a + η·θ_b, plus the η = 0 and η = 1 laws; a and b untouched. */
function checkEma(a: Policy, b: Policy, c: Policy, eta: number): void {
  const thetaA = readWeights(a);
  const thetaB = readWeights(b);
  const exact = { abs: 0, rel: 0 };
  assertClose('clone', 'the same weights', thetaA, readWeights(c), exact);
  c.emaFrom(b, eta);
  // Float32 products and sums: each entry is within a few ulps of the float64 mixture.
  const mixed = thetaA.map((x, i) => (1 - eta) * x + eta * (thetaB[i] as number));
  assertClose(`emaFrom (eq 18), η = ${eta}`, '(1 − η)·θ_a + η·θ_b =', mixed, readWeights(c), { abs: 1e-6, rel: 1e-6 });
  assertClose('emaFrom (eq 18)', 'the source b unchanged:', thetaB, readWeights(b), exact);
  assertClose('emaFrom (eq 18)', 'the policy cloned from unchanged:', thetaA, readWeights(a), exact);
  c.assignFrom(a);
  c.emaFrom(b, 0);
  assertClose('emaFrom (eq 18), η = 0', 'the weights unchanged:', thetaA, readWeights(c), exact);
  c.emaFrom(b, 1);
  assertClose('emaFrom (eq 18), η = 1', 'an exact copy of the source:', thetaB, readWeights(c), exact);
}

/**
 * Runs `body` and throws unless it left the number of live tensors unchanged. Only the methods a training
 * step calls are measured: a leak there grows with every step, while construction happens once.
 */
async function withoutLeaks(what: string, body: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensor hygiene of ${what}: expected ${before} live tensors afterwards, got ${after}`);
}

/** Every weight of `policy`, flattened in `variables` order. */
function readWeights(policy: Policy): number[] {
  return policy.variables.flatMap((v) => Array.from(v.dataSync()));
}
