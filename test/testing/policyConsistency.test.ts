import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Generation, TokenBatch } from '../../src/core/index.js';
import { GptPolicy, TabularPolicy, type GptSpec, type Policy, type SampleOptions, type TabularSpec } from '../../src/policy/index.js';
import { hasIncrementalDecoding, policyConsistency } from '../../src/testing/policyConsistency.js';

const TABULAR: TabularSpec = { kind: 'tabular', vocabSize: 3, maxLength: 3, factorized: false };
const GPT: GptSpec = { kind: 'gpt', vocabSize: 5, maxLength: 8, layers: 1, heads: 2, width: 8 };

/** A policy that forwards everything to `inner`; broken variants override one method. */
class Delegating implements Policy {
  constructor(protected readonly inner: Policy) {}
  get spec() { return this.inner.spec; }
  get variables() { return this.inner.variables; }
  get weightNames() { return this.inner.weightNames; }
  sample(prompts: TokenBatch, opts: SampleOptions): Promise<Generation[]> { return this.inner.sample(prompts, opts); }
  sequenceLogProbs(prompts: TokenBatch, completions: TokenBatch): tf.Tensor1D { return this.inner.sequenceLogProbs(prompts, completions); }
  clone(): Policy { return new (this.constructor as new (inner: Policy) => Policy)(this.inner.clone()); }
  assignFrom(other: Policy): void { this.inner.assignFrom(other); }
  emaFrom(other: Policy, eta: number): void { this.inner.emaFrom(other, eta); }
  dispose(): void { this.inner.dispose(); }
}

class ForgetsLastToken extends Delegating {
  override sequenceLogProbs(prompts: TokenBatch, completions: TokenBatch): tf.Tensor1D {
    return this.inner.sequenceLogProbs(prompts, completions.map((c) => c.slice(0, -1)));
  }
}

class SwappedEma extends Delegating {
  override emaFrom(other: Policy, eta: number): void { this.inner.emaFrom(other, 1 - eta); }
}

class LeaksInSample extends Delegating {
  override sample(prompts: TokenBatch, opts: SampleOptions): Promise<Generation[]> {
    tf.scalar(1); // never disposed
    return this.inner.sample(prompts, opts);
  }
}

/** A GPT whose cached decoding drifts by 0.01 after the first step, as a stale cache entry would. */
class StaleCacheGpt extends GptPolicy {
  override incrementalLogits(prompts: TokenBatch, continuations: TokenBatch): tf.Tensor3D {
    const exact = super.incrementalLogits(prompts, continuations);
    const drift = tf.tidy(() => tf.add(exact, tf.concat([tf.zerosLike(tf.slice(exact, [0, 0, 0], [-1, 1, -1])), tf.fill([exact.shape[0], exact.shape[1] - 1, exact.shape[2]], 0.01)], 1)));
    exact.dispose();
    return drift as tf.Tensor3D;
  }
}

const tabular = (seed: number): Policy => new TabularPolicy(TABULAR, { seed, initStd: 2 });

describe('policyConsistency', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('passes for full and factorized TabularPolicy', async () => {
    await fc.assert(policyConsistency(tabular), { numRuns: 25 });
    await fc.assert(policyConsistency((seed) => new TabularPolicy({ ...TABULAR, vocabSize: 4, factorized: true }, { seed })), { numRuns: 25 });
  });

  it('passes for GptPolicy, including the KV cache against a full recompute', async () => {
    expect(hasIncrementalDecoding(new Delegating(tabular(0)))).toBe(false);
    await fc.assert(policyConsistency((seed) => new GptPolicy(GPT, { seed }), { maxSequences: 125 }), { numRuns: 10 });
  });

  it('catches a policy whose sequenceLogProbs forgets the last token', async () => {
    const result = await fc.check(policyConsistency((seed) => new ForgetsLastToken(tabular(seed))), { numRuns: 25 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toContain('sample-time log-probs');
  });

  it('catches an emaFrom that swaps η and 1 − η (eq 18)', async () => {
    const result = await fc.check(policyConsistency((seed) => new SwappedEma(tabular(seed))), { numRuns: 25 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toContain('emaFrom (eq 18)');
  });

  it('catches a KV cache that disagrees with the full forward pass', async () => {
    const result = await fc.check(policyConsistency((seed) => new StaleCacheGpt(GPT, { seed }), { maxSequences: 25 }), { numRuns: 10 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toContain('KV cache');
  });

  it('catches a policy that leaks a tensor when sampling', async () => {
    const result = await fc.check(policyConsistency((seed) => new LeaksInSample(tabular(seed))), { numRuns: 5 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toContain('tensor hygiene');
  });
});
