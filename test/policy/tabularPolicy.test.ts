import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { enumerateSequences, TabularPolicy, type TabularSpec } from '../../src/policy/index.js';
import { BACKENDS, expectNoTensorLeak, trackPolicies, useBackend } from '../helpers/backends.js';

const spec = (factorized: boolean): TabularSpec => ({ kind: 'tabular', vocabSize: 3, maxLength: 3, factorized });

/** Slow reference: π(y) as a product of softmaxes read straight from the logit tables. */
function referenceProb(policy: TabularPolicy, tokens: readonly number[]): number {
  const { vocabSize, factorized } = policy.spec;
  return tokens.reduce((p, y, t) => {
    const row = factorized ? 0 : tokens.slice(0, t).reduce((r, z) => r * vocabSize + z, 0);
    const logits = (policy.variables[t]!.arraySync() as number[][])[row]!;
    const z = logits.reduce((s, l) => s + Math.exp(l), 0);
    return (p * Math.exp(logits[y]!)) / z;
  }, 1);
}

const logProbsOf = (policy: TabularPolicy, completions: number[][]): number[] =>
  tf.tidy(() => Array.from(policy.sequenceLogProbs(completions.map(() => []), completions).dataSync()));

describe.each(BACKENDS)('TabularPolicy on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const keep = trackPolicies();
  const make = (factorized: boolean, seed = 1): TabularPolicy => keep(new TabularPolicy(spec(factorized), { seed }));

  describe.each([false, true])('factorized = %s', (factorized) => {
    it('sample() log-probs sum to sequenceLogProbs of the sampled completion', async () => {
      const pi = make(factorized);
      const gens = await pi.sample([[], [5], [1, 2]], { maxNewTokens: 3, rng: createRng(3) });
      const exact = logProbsOf(pi, gens.map((g) => [...g.tokens]));
      gens.forEach((g, i) => {
        expect(g.tokens).toHaveLength(3);
        expect(g.logProbs.reduce((a, b) => a + b, 0)).toBeCloseTo(exact[i]!, 5);
      });
    });

    it('enumerateSequences matches the slow table reference and sums to 1', () => {
      const pi = make(factorized);
      const { sequences, probs } = enumerateSequences(pi, [], 3);
      expect(sequences).toHaveLength(27);
      expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
      sequences.forEach((s, i) => expect(probs[i]).toBeCloseTo(referenceProb(pi, s), 6));
    });

    it('empirical frequencies of sample() match the enumerated distribution (TV below sqrt(K/N))', async () => {
      const pi = make(factorized);
      const n = 6000;
      const gens = await pi.sample(Array.from({ length: n }, () => []), { maxNewTokens: 3, rng: createRng(11) });
      const { sequences, probs } = enumerateSequences(pi, [], 3);
      const counts = new Map<string, number>();
      gens.forEach((g) => counts.set(g.tokens.join(), (counts.get(g.tokens.join()) ?? 0) + 1));
      const tv = 0.5 * sequences.reduce((s, seq, i) => s + Math.abs((counts.get(seq.join()) ?? 0) / n - probs[i]!), 0);
      // E[TV] ≤ ½·Σ sqrt(p(1−p)/N) ≤ ½·sqrt(K/N) (Cauchy–Schwarz); we allow twice that.
      expect(tv).toBeLessThan(Math.sqrt(sequences.length / n));
    });

    it('emaFrom: η = 1 copies, η = 0 leaves unchanged, η = 0.3 is the exact convex combination (eq 18)', () => {
      const a = make(factorized, 1);
      const b = make(factorized, 2);
      const before = a.variables.map((v) => Array.from(v.dataSync()));
      const other = b.variables.map((v) => Array.from(v.dataSync()));
      a.emaFrom(b, 0);
      a.variables.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(before[i]));
      a.emaFrom(b, 0.3);
      a.variables.forEach((v, i) =>
        Array.from(v.dataSync()).forEach((x, j) => expect(x).toBeCloseTo(0.7 * before[i]![j]! + 0.3 * other[i]![j]!, 6)),
      );
      a.emaFrom(b, 1);
      a.variables.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(other[i]));
    });

    it('one SGD step on the NLL of a fixed sequence raises its log-probability', () => {
      const pi = make(factorized);
      const target = [[2, 0, 1]];
      const [before] = logProbsOf(pi, target);
      const optimizer = tf.train.sgd(0.5);
      tf.tidy(() => {
        optimizer.minimize(() => tf.neg(tf.sum(pi.sequenceLogProbs([[]], target))) as tf.Scalar, false, [...pi.variables]);
      });
      optimizer.dispose();
      expect(logProbsOf(pi, target)[0]).toBeGreaterThan(before! + 0.05);
    });

    it('leaks no tensor over 50 rounds of sample + sequenceLogProbs + gradient update', async () => {
      const pi = make(factorized);
      const rng = createRng(5);
      await expectNoTensorLeak(async () => {
        for (let round = 0; round < 50; round++) {
          const gens = await pi.sample([[], []], { maxNewTokens: 3, rng, temperature: 0.9, topK: 2 });
          const { value, grads } = tf.variableGrads(() => tf.neg(tf.sum(pi.sequenceLogProbs([[], []], gens.map((g) => g.tokens)))) as tf.Scalar, [...pi.variables]);
          tf.tidy(() => pi.variables.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.1)))));
          tf.dispose([value, grads]);
        }
      });
    });

    it('clone() is independent: updating the clone leaves the original unchanged', () => {
      const a = make(factorized, 1);
      const b = keep(a.clone());
      expect(logProbsOf(b, [[0, 1, 2]])).toEqual(logProbsOf(a, [[0, 1, 2]]));
      b.emaFrom(make(factorized, 9), 1);
      expect(logProbsOf(b, [[0, 1, 2]])[0]).not.toBeCloseTo(logProbsOf(a, [[0, 1, 2]])[0]!, 3);
    });
  });

  it('factorized policies share one logit vector across prefixes; full tables do not', () => {
    // log π(y_1 = 1 | y_0) for every y_0, as a difference of prefix log-probs.
    const conditional = (pi: TabularPolicy): number[] => {
      const lp = logProbsOf(pi, [[0, 1], [1, 1], [2, 1], [0], [1], [2]]);
      return [0, 1, 2].map((y0) => lp[y0]! - lp[y0 + 3]!);
    };
    const shared = conditional(make(true));
    shared.forEach((c) => expect(c).toBeCloseTo(shared[0]!, 5));
    const full = conditional(make(false));
    expect(Math.max(...full) - Math.min(...full)).toBeGreaterThan(1e-3);
    expect(make(true).variables.map((v) => v.shape)).toEqual([[1, 3], [1, 3], [1, 3]]);
    expect(make(false).variables.map((v) => v.shape)).toEqual([[1, 3], [3, 3], [9, 3]]);
  });

  it('topK = 1 samples the argmax with log-prob 0; temperature → the log-probs of softmax(logits / τ)', async () => {
    const pi = make(false);
    const [greedy] = await pi.sample([[]], { maxNewTokens: 3, rng: createRng(0), topK: 1 });
    expect(greedy!.logProbs).toEqual([0, 0, 0]);
    const first = pi.variables[0]!.arraySync() as number[][];
    expect(greedy!.tokens[0]).toBe(first[0]!.indexOf(Math.max(...first[0]!)));
    const [hot] = await pi.sample([[]], { maxNewTokens: 3, rng: createRng(0), temperature: 2 });
    const scaled = first[0]!.map((l) => l / 2);
    const logZ = Math.log(scaled.reduce((s, l) => s + Math.exp(l), 0));
    expect(hot!.logProbs[0]).toBeCloseTo(scaled[hot!.tokens[0]!]! - logZ, 6);
  });

  it('the same seed gives the same weights and the same samples', async () => {
    const [a, b] = [make(false, 4), make(false, 4)];
    expect(a.variables.map((v) => Array.from(v.dataSync()))).toEqual(b.variables.map((v) => Array.from(v.dataSync())));
    const draw = (pi: TabularPolicy) => pi.sample([[], []], { maxNewTokens: 3, rng: createRng(8) });
    expect(await draw(a)).toEqual(await draw(b));
  });

  it('rejects bad arguments with a message naming what was expected', async () => {
    const pi = make(false);
    await expect(pi.sample([[]], { maxNewTokens: 2, rng: createRng(0) })).rejects.toThrow(/expected maxNewTokens ≥ maxLength = 3, got 2/);
    expect(() => pi.sequenceLogProbs([[]], [[0, 3]])).toThrow(/expected tokens in \[0, 3\), got 3/);
    expect(() => pi.sequenceLogProbs([[]], [[0, 0, 0, 0]])).toThrow(/expected at most 3 tokens, got 4/);
    expect(() => pi.emaFrom(make(false, 2), 1.5)).toThrow(/expected eta in \[0, 1\], got 1.5/);
    expect(() => pi.assignFrom(make(true))).toThrow(/TabularPolicy.assignFrom: expected a policy with spec/);
    expect(() => new TabularPolicy({ kind: 'tabular', vocabSize: 0, maxLength: 2, factorized: false }, { seed: 0 })).toThrow(
      /expected vocabSize to be an integer ≥ 1, got 0/,
    );
  });
});
