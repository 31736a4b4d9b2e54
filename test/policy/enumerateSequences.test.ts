import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TokenBatch } from '../../src/core/index.js';
import { enumerateSequences, GptPolicy, TabularPolicy, type Policy } from '../../src/policy/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';

/**
 * A policy known in closed form, used through the public interface only: tokens i.i.d. with
 * π(y) ∝ y + 1 + (first prompt token), so the prompt matters and the probabilities are exact rationals.
 */
function closedFormPolicy(vocabSize: number): Policy {
  const logProb = (prompt: ReadonlyArray<number>, tokens: ReadonlyArray<number>): number => {
    const shift = prompt[0] ?? 0;
    const z = (vocabSize * (vocabSize + 1)) / 2 + vocabSize * shift;
    return tokens.reduce((s, y) => s + Math.log((y + 1 + shift) / z), 0);
  };
  const unused = (): never => {
    throw new Error('not used by enumerateSequences');
  };
  return {
    spec: { kind: 'tabular', vocabSize, maxLength: 8, factorized: true },
    variables: [],
    weightNames: [],
    sequenceLogProbs: (prompts: TokenBatch, completions: TokenBatch) =>
      tf.tensor1d(completions.map((c, i) => logProb(prompts[i] ?? [], c))),
    sample: unused,
    clone: unused,
    assignFrom: unused,
    emaFrom: unused,
    dispose: () => undefined,
  };
}

describe('enumerateSequences', () => {
  beforeAll(() => useBackend('cpu'));

  it('lists vocabSize^length completions in lexicographic order (first token slowest)', () => {
    const { sequences } = enumerateSequences(closedFormPolicy(3), [], 2);
    expect(sequences).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]]);
  });

  it('returns exactly the policy probabilities, through the public interface, for the given prompt', () => {
    const { sequences, probs, logProbs } = enumerateSequences(closedFormPolicy(3), [2], 3);
    // With prompt [2]: π(y) = (y + 3) / 12 per token.
    sequences.forEach((s, i) => {
      const expected = s.reduce((p, y) => (p * (y + 3)) / 12, 1);
      expect(probs[i]).toBeCloseTo(expected, 6);
      expect(Math.exp(logProbs[i]!)).toBeCloseTo(probs[i]!, 12);
    });
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('gives the same result whatever the batch size', () => {
    const whole = enumerateSequences(closedFormPolicy(4), [], 3);
    const batched = enumerateSequences(closedFormPolicy(4), [], 3, { batchSize: 5 });
    expect(batched).toEqual(whole);
  });

  it('refuses spaces larger than maxSequences, stating the size', () => {
    expect(() => enumerateSequences(closedFormPolicy(4), [], 9)).toThrow(
      'enumerateSequences: expected at most maxSequences = 65536 sequences, got vocabSize^length = 4^9 = 262144',
    );
    expect(() => enumerateSequences(closedFormPolicy(4), [], 3, { maxSequences: 63 })).toThrow(/4\^3 = 64/);
  });

  it('leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    enumerateSequences(closedFormPolicy(3), [], 4, { batchSize: 7 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(BACKENDS)('enumerateSequences of a TabularPolicy on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const live: Policy[] = [];
  afterEach(() => live.splice(0).forEach((p) => p.dispose()));

  it.each([false, true])('sums to 1 within 1e-6 (factorized = %s)', (factorized) => {
    const pi = new TabularPolicy({ kind: 'tabular', vocabSize: 4, maxLength: 4, factorized }, { seed: 3 });
    live.push(pi);
    const { probs } = enumerateSequences(pi, [1, 2], 4, { batchSize: 100 });
    expect(probs).toHaveLength(256);
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
  });
});

describe.each(BACKENDS)('enumerateSequences of a GptPolicy on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('sums to 1 within 1e-5 after a non-empty prompt (no EOS: every length-2 continuation counts)', () => {
    const pi = new GptPolicy({ kind: 'gpt', vocabSize: 4, maxLength: 8, layers: 1, heads: 2, width: 8 }, { seed: 2 });
    try {
      const { probs } = enumerateSequences(pi, [3, 1], 2);
      expect(probs).toHaveLength(16);
      expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    } finally {
      pi.dispose();
    }
  });
});
