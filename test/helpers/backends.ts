import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';

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
