import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { BACKEND_NAMES, selectBackend } from '../../src/runtime/index.js';

const resolvable = (pkg: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const nativeInstalled = resolvable('@tensorflow/tfjs-node') || resolvable('@tensorflow/tfjs-node-gpu');

describe('selectBackend', () => {
  const saved = process.env['BOND_BACKEND'];
  afterEach(() => {
    if (saved === undefined) delete process.env['BOND_BACKEND'];
    else process.env['BOND_BACKEND'] = saved;
  });

  it('with no preference picks the fastest loadable backend (tensorflow, else wasm) and activates it', async () => {
    delete process.env['BOND_BACKEND'];
    const name = await selectBackend();
    expect(name).toBe(nativeInstalled ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(name);
  });

  it.each(['cpu', 'wasm'] as const)('an explicit %s is used and activated', async (name) => {
    expect(await selectBackend(name)).toBe(name);
    expect(tf.getBackend()).toBe(name);
  });

  it('BOND_BACKEND forces a backend, and an explicit argument overrides it', async () => {
    process.env['BOND_BACKEND'] = 'cpu';
    expect(await selectBackend()).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it.skipIf(nativeInstalled)('forcing the uninstalled tensorflow backend is a BondInputError naming @tensorflow/tfjs-node', async () => {
    const attempt = selectBackend('tensorflow');
    await expect(attempt).rejects.toBeInstanceOf(BondInputError);
    await expect(attempt).rejects.toThrow(/selectBackend: expected the "tensorflow" backend to initialise, got .*npm install @tensorflow\/tfjs-node`/);
  });

  it('an unknown name, from the argument or BOND_BACKEND, is an error listing the valid names', async () => {
    await expect(selectBackend('gpu')).rejects.toThrow('selectBackend: expected one of tensorflow, wasm, cpu, got "gpu"');
    process.env['BOND_BACKEND'] = 'webgl';
    await expect(selectBackend()).rejects.toThrow('BOND_BACKEND: expected one of tensorflow, wasm, cpu, got "webgl"');
    expect(BACKEND_NAMES).toEqual(['tensorflow', 'wasm', 'cpu']);
  });

  it('registers gradients, so variableGrads works right after selection on every backend', async () => {
    for (const name of ['cpu', 'wasm'] as const) {
      await selectBackend(name);
      const w = tf.variable(tf.tensor1d([1, 2, 3]));
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)), [w]);
      expect(Array.from(grads[w.name]!.dataSync())).toEqual([2, 4, 6]);
      tf.dispose([value, grads, w]);
    }
  });
});
