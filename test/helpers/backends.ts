import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, expect } from 'vitest';
import type { Policy } from '../../src/policy/index.js';

/** The backends every tensor test runs on: `describe.each(BACKENDS)('… on %s', …)`. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Switches TensorFlow.js to `name` (awaiting wasm's initialisation) and fails loudly if it did not take. */
export async function useBackend(name: (typeof BACKENDS)[number]): Promise<void> {
  const ok = await tf.setBackend(name);
  expect(ok && tf.getBackend() === name, `tf.setBackend('${name}')`).toBe(true);
}

/** Runs `body` and asserts it left no tensor behind (tf.memory().numTensors unchanged). */
export async function expectNoTensorLeak(body: () => unknown): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors, 'live tensors after the body').toBe(before);
}

/**
 * Call inside a `describe`, after the backend is chosen: returns `keep(policy)`, which registers a
 * policy to be disposed after each test, and asserts that afterwards no tensor is left beyond the count
 * taken when the block started.
 */
export function trackPolicies(): <P extends Policy>(policy: P) => P {
  const live: Policy[] = [];
  let baseline = 0;
  beforeAll(() => {
    baseline = tf.memory().numTensors;
  });
  afterEach(() => {
    live.splice(0).forEach((p) => p.dispose());
    expect(tf.memory().numTensors, 'tensors left after disposing every policy').toBe(baseline);
  });
  return (policy) => (live.push(policy), policy);
}
