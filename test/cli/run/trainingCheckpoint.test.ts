import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/index.js';
import { TabularPolicy } from '../../../src/policy/index.js';
import { AdamConfig, WarmupAdam } from '../../../pipelines/index.js';
import { decodeOrThrow } from '../../../src/core/index.js';
import { latestCheckpoint, loadTrainingCheckpoint, pruneCheckpoints, saveTrainingCheckpoint } from '../../../src/cli/run/trainingCheckpoint.js';

const adam = (learningRate: number, warmupSteps: number): AdamConfig => decodeOrThrow(AdamConfig, { learningRate, warmupSteps }, 'test adam config');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const spec = { kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false } as const;
const state = (step: number) => ({ step, rng: createRng(step).state(), dataPosition: 4 * step, nonFiniteSkips: 1 });

describe('training checkpoints', () => {
  it('round-trip policy, anchor, optimizer and state exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bond-ckpt-'));
    const policy = new TabularPolicy(spec, { seed: 1 });
    const anchor = new TabularPolicy(spec, { seed: 2 });
    const optimizer = new WarmupAdam(adam(0.1, 1));
    tf.tidy(() => optimizer.applyGradients(Object.fromEntries(policy.variables.map((v) => [v.name, tf.onesLike(v)]))));
    const saved = await saveTrainingCheckpoint(dir, { policy, anchor, optimizer, state: state(7) });
    expect(saved).toBe(join(dir, 'step-7'));
    const fresh = new WarmupAdam(adam(0.1, 1));
    const loaded = await loadTrainingCheckpoint(saved, fresh);
    expect(loaded.state).toEqual(state(7));
    expect(loaded.policy.variables.map((v) => Array.from(v.dataSync()))).toEqual(policy.variables.map((v) => Array.from(v.dataSync())));
    expect(loaded.anchor?.variables.map((v) => Array.from(v.dataSync()))).toEqual(anchor.variables.map((v) => Array.from(v.dataSync())));
    expect(fresh.iterations).toBe(1);
    [policy, anchor, optimizer, loaded.policy, loaded.anchor, fresh].forEach((x) => x?.dispose());
  });

  it('a failed save leaves neither step-N nor a temporary directory, and earlier checkpoints untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bond-ckpt-'));
    const policy = new TabularPolicy(spec, { seed: 1 });
    const optimizer = new WarmupAdam(adam(0.1, 1));
    await saveTrainingCheckpoint(dir, { policy, optimizer, state: state(1) });
    const notAdam = new tf.SGDOptimizer(0.1);
    await expect(saveTrainingCheckpoint(dir, { policy, optimizer: notAdam, state: state(2) })).rejects.toThrow('expected a tf.AdamOptimizer, got SGD');
    expect(readdirSync(dir)).toEqual(['step-1']);
    expect(await latestCheckpoint(dir)).toBe(join(dir, 'step-1'));
    [policy, optimizer, notAdam].forEach((x) => x.dispose());
  });

  it('latestCheckpoint picks the largest complete step, ignoring leftovers of interrupted saves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bond-ckpt-'));
    for (const name of ['step-2', 'step-10', 'step-11', '.step-12.tmp-1-ab', 'step-x']) mkdirSync(join(dir, name));
    for (const step of [2, 10]) writeFileSync(join(dir, `step-${step}`, 'state.json'), JSON.stringify(state(step)));
    expect(await latestCheckpoint(dir)).toBe(join(dir, 'step-10'));
    expect(await latestCheckpoint(join(dir, 'missing'))).toBeUndefined();
  });

  it('pruneCheckpoints keeps the newest ones only, and removes leftovers of interrupted saves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bond-ckpt-'));
    for (const name of ['step-1', 'step-5', 'step-20', 'step-100', '.step-7.tmp-12-ab', '.step-9.old-3-cd', 'notes']) mkdirSync(join(dir, name));
    await pruneCheckpoints(dir, 2);
    expect(readdirSync(dir).sort()).toEqual(['notes', 'step-100', 'step-20']);
  });
});
