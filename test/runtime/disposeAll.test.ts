import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeAll } from '../../src/runtime/index.js';
import { useBackend } from '../helpers/backends.js';

describe('disposeAll', () => {
  beforeAll(() => useBackend('cpu'));

  it('frees tensors, nested containers and disposable objects, skipping null and undefined', () => {
    const before = tf.memory().numTensors;
    let disposedObject = false;
    const a = tf.scalar(1);
    const nested = { xs: [tf.ones([2]), tf.zeros([3])], y: tf.scalar(2) };
    disposeAll(a, nested, { dispose: () => (disposedObject = true) }, null, undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(disposedObject).toBe(true);
  });

  it('ignores tensors that were already disposed', () => {
    const before = tf.memory().numTensors;
    const a = tf.scalar(1);
    a.dispose();
    expect(() => disposeAll(a, [a])).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
