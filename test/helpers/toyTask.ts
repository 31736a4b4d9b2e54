import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { firstValueFrom, lastValueFrom, of, toArray, type OperatorFunction } from 'rxjs';
import { expect } from 'vitest';
import { createRng, type Generation, type Prompt } from '../../src/core/index.js';
import { enumerateSequences, TabularPolicy, type Policy } from '../../src/policy/index.js';
import { fromFunction, type RewardModel } from '../../src/reward/index.js';
import type { Batch } from '../../src/operators/index.js';

/**
 * An enumerable toy task: completions of 3 tokens over a vocabulary of 4 (64 sequences), a full tabular
 * policy (which can represent every distribution, so π_BoN is reachable), and a reward that is a fixed
 * random table over the 64 sequences (ties have probability 0).
 */
export const VOCAB = 4;
export const LENGTH = 3;
export const SPACE = VOCAB ** LENGTH;

/** A fresh tabular policy on the toy space. */
export function toyPolicy(seed: number, initStd = 1): TabularPolicy {
  return new TabularPolicy({ kind: 'tabular', vocabSize: VOCAB, maxLength: LENGTH, factorized: false }, { seed, initStd });
}

/** Index of a completion in `enumerateSequences` order (base-VOCAB digits, first token most significant). */
export function sequenceIndex(tokens: ReadonlyArray<number>): number {
  return tokens.reduce((acc, t) => acc * VOCAB + t, 0);
}

/** The reward table: r(y) for the y with `sequenceIndex(y) = i`, uniform in [0, 1). */
export const REWARD_TABLE: readonly number[] = (() => {
  const rng = createRng(2026);
  return Array.from({ length: SPACE }, () => rng.next());
})();

/** The toy reward model: looks the completion up in {@link REWARD_TABLE}. */
export const toyReward: RewardModel = fromFunction((x) => REWARD_TABLE[sequenceIndex(x.completionTokens)] as number, 'toy-table');

/** `count` prompts (the tabular policy ignores them; distinct tokens keep them apart in records). */
export function toyPrompts(count: number): Prompt[] {
  return Array.from({ length: count }, (_, i) => ({ text: `p${i}`, tokens: [i % VOCAB] }));
}

/** A step-0 batch of `count` toy prompts. */
export function toyBatch(count: number, step = 0): Batch {
  return { step, startedAt: performance.now(), prompts: toyPrompts(count) };
}

/** π over the 64 completions, exactly (normalised to absorb float32 rounding). */
export function exactDistribution(policy: Policy): number[] {
  const { probs } = enumerateSequences(policy, [0], LENGTH);
  const total = probs.reduce((a, b) => a + b, 0);
  return probs.map((p) => p / total);
}

/** A generation of `tokens` with per-token log-probs under `policy` (as if `policy` had sampled it). */
export function generationOf(policy: Policy, prompt: ReadonlyArray<number>, tokens: ReadonlyArray<number>): Generation {
  const logProbs = tokens.map((_, t) => {
    const lp = tf.tidy(() => policy.sequenceLogProbs([prompt, prompt], [tokens.slice(0, t + 1), tokens.slice(0, t)]).dataSync());
    return (lp[0] as number) - (lp[1] as number);
  });
  return { prompt: [...prompt], tokens: [...tokens], logProbs };
}

/** Freezes `value` and everything reachable from it, so a stage that mutates its input throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Runs one record through `stage` the way a pipeline would, asserting that the stage does not mutate
 * its (deep-frozen) input and leaves no tensor behind.
 */
export async function runStage<A, B>(stage: OperatorFunction<A, B>, input: A): Promise<B> {
  deepFreeze(input);
  const before = tf.memory().numTensors;
  const output = await firstValueFrom(of(input).pipe(stage));
  expect(tf.memory().numTensors, 'live tensors after the stage').toBe(before);
  return output;
}

/** Runs several records through `stage` in order and collects the outputs. */
export function runStages<A, B>(stage: OperatorFunction<A, B>, inputs: ReadonlyArray<A>): Promise<B[]> {
  return lastValueFrom(of(...inputs).pipe(stage, toArray()));
}

/** Σ_y p(y)·r(y) over the toy space. */
export function expectedReward(p: ReadonlyArray<number>): number {
  return p.reduce((acc, x, i) => acc + x * (REWARD_TABLE[i] as number), 0);
}
