import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultServices, type CliServices } from '../../../src/cli/cliServices.js';
import { main } from '../../../src/cli/main.js';
import { loadCheckpoint, type Policy } from '../../../src/policy/index.js';
import type { RewardModel } from '../../../src/reward/index.js';
import { recordingIo, writeTinyTask } from '../helpers/tinyTask.js';

let dir: string;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bond-train-'));
  config = await writeTinyTask(dir);
});

/** Runs `bond train …` in-process. */
async function train(argv: string[], services: CliServices = defaultServices): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  const code = await main(['train', ...argv], io, services);
  return { code, out: io.out(), err: io.err() };
}

/** metrics.jsonl without the wall-clock fields, which differ between any two runs. */
function metricsWithoutTimes(run: string): unknown[] {
  return readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { step_ms: _ms, tokens_per_s: _tps, ...rest } = JSON.parse(line) as Record<string, number>;
      return rest;
    });
}

async function weightsOf(checkpoint: string): Promise<Float32Array[]> {
  const { policy } = await loadCheckpoint(checkpoint);
  const values = policy.variables.map((v) => v.dataSync() as Float32Array);
  policy.dispose();
  return values;
}

describe('bond train', () => {
  it('writes a run directory: resolved config, one metrics line per step, samples, checkpoints, eval', async () => {
    const run = join(dir, 'layout');
    const { code, out } = await train([config, '--out', run]);
    expect(code).toBe(0);
    expect(readdirSync(run).sort()).toEqual(['checkpoints', 'config.json', 'eval.json', 'metrics.jsonl', 'samples.jsonl']);
    const resolved = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(resolved).toMatchObject({ pipeline: 'jbond', backend: 'cpu', run: { steps: 4 }, jbond: { batchSize: 3, beta: 0.5 } });
    const metrics = metricsWithoutTimes(run) as Array<Record<string, number>>;
    expect(metrics.map((m) => m['step'])).toEqual([0, 1, 2, 3]);
    for (const m of metrics) expect(Object.keys(m)).toEqual(expect.arrayContaining(['reward_mean', 'reward_std', 'kl_ref', 'kl_anchor', 'loss_fw', 'loss_bw', 'entropy', 'grad_norm', 'non_finite_skips']));
    // samplesEvery 2 with 2 held-out prompts: before training, after step 2 and after step 4.
    const samples = readFileSync(join(run, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number });
    expect(samples.map((s) => s.step)).toEqual([0, 0, 2, 2, 4, 4]);
    expect(readdirSync(join(run, 'checkpoints')).sort()).toEqual(['step-2', 'step-4']);
    expect(readdirSync(join(run, 'checkpoints', 'step-4')).sort()).toEqual(['anchor', 'optimizer.safetensors', 'policy', 'state.json']);
    expect(out).toContain('reward: ');
    expect(out).toContain('policy ≈ Best-of-N of the reference for N ≈');
  });

  it('keeps only the newest keepCheckpoints checkpoints', async () => {
    const run = join(dir, 'keep');
    const keepOne = await writeTinyTask(join(dir, 'keep-task'), { run: { steps: 3, seed: 3, checkpointEvery: 1, keepCheckpoints: 1, samplesEvery: 10, samplesPerLog: 1, logEvery: 1 } });
    expect((await train([keepOne, '--out', run])).code).toBe(0);
    expect(readdirSync(join(run, 'checkpoints'))).toEqual(['step-3']);
  });

  it('on cpu, 6 steps and 3 steps resumed for 3 more give bit-identical metrics, samples, evaluation and weights', async () => {
    const whole = join(dir, 'whole');
    const split = join(dir, 'split');
    expect((await train([config, '--out', whole, '--steps', '6'])).code).toBe(0);
    expect((await train([config, '--out', split, '--steps', '3'])).code).toBe(0);
    const resumed = await train(['--resume', split, '--steps', '6']);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain('resuming from');
    expect(metricsWithoutTimes(split)).toEqual(metricsWithoutTimes(whole));
    expect(readFileSync(join(split, 'samples.jsonl'), 'utf8')).toBe(readFileSync(join(whole, 'samples.jsonl'), 'utf8'));
    expect(readFileSync(join(split, 'eval.json'), 'utf8')).toBe(readFileSync(join(whole, 'eval.json'), 'utf8'));
    for (const part of ['policy', 'anchor']) {
      expect(await weightsOf(join(split, 'checkpoints', 'step-6', part))).toEqual(await weightsOf(join(whole, 'checkpoints', 'step-6', part)));
    }
  });

  it('refuses to resume a run that already has the requested steps, and to train into a non-empty directory', async () => {
    const run = join(dir, 'layout');
    const again = await train(['--resume', run]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('--steps: expected more than the 4 steps already done');
    const reuse = await train([config, '--out', run]);
    expect(reuse.code).toBe(2);
    expect(reuse.err).toContain(`--out: expected a new or empty directory, got ${run} (it holds a run: continue it with --resume ${run})`);
  });

  it('a task that does not load (a missing reference checkpoint) exits 2 and leaves no run directory behind', async () => {
    const broken = await writeTinyTask(join(dir, 'broken-task'), {
      task: { reference: 'no-such-checkpoint', prompts: 'prompts.json', reward: 'reward.mjs', evalPrompts: 2 },
    });
    const run = join(dir, 'never');
    const { code, err } = await train([broken, '--out', run]);
    expect(code).toBe(2);
    expect(err).toContain(`checkpoint ${join(dir, 'broken-task', 'no-such-checkpoint')}: expected a checkpoint directory, got nothing (missing)`);
    expect(existsSync(run)).toBe(false);
  });

  it('skips non-finite updates, counts them, and after too many in a row exits 1 with the last good checkpoint intact', async () => {
    // An injected fault: from the 3rd training step on, every log-probability of the policy is NaN.
    let trainingSteps = 0;
    const services: CliServices = {
      loadTask: async (taskConfig) => {
        const task = await defaultServices.loadTask(taskConfig);
        const countingReward: RewardModel = {
          name: task.reward.name,
          score: (batch) => {
            if (batch.length === 9) trainingSteps++; // 3 prompts × (1 policy + 2 anchor samples)
            return task.reward.score(batch);
          },
        };
        return { ...task, reference: poisonable(task.reference, () => trainingSteps > 2), reward: countingReward };
      },
    };
    const faulty = await writeTinyTask(join(dir, 'nan-task'), { jbond: { batchSize: 3, maxNewTokens: 4, learningRate: 0.01, warmupSteps: 1, maxConsecutiveNonFinite: 2 } });
    const run = join(dir, 'nan');
    const { code, err } = await train([faulty, '--out', run, '--steps', '10'], services);
    expect(code).toBe(1);
    expect(err).toContain('train: step 5 failed; the last good checkpoint is');
    expect(err).toContain('expected at most 2 consecutive non-finite updates, got 3');
    const metrics = metricsWithoutTimes(run) as Array<Record<string, number>>;
    expect(metrics.map((m) => m['non_finite_skips'])).toEqual([0, 0, 1, 2]);
    expect(readdirSync(join(run, 'checkpoints')).sort()).toEqual(['step-2', 'step-4']);
    // Skipped updates never reached the weights: the policy after step 4 is the policy after step 2.
    expect(await weightsOf(join(run, 'checkpoints', 'step-4', 'policy'))).toEqual(await weightsOf(join(run, 'checkpoints', 'step-2', 'policy')));
    expect(existsSync(join(run, 'eval.json'))).toBe(false);
  });

  it.each(['gpt', 'tabular'] as const)('leaves no tensor behind (%s reference)', async (kind) => {
    const task = await writeTinyTask(join(dir, `leak-task-${kind}`), {}, kind);
    const before = tf.memory().numTensors;
    expect((await train([task, '--out', join(dir, `leak-${kind}`), '--steps', '3'])).code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** A policy that behaves like `inner` except that its log-probabilities become NaN once `poisoned()`; its clones too. */
function poisonable(inner: Policy, poisoned: () => boolean): Policy {
  return {
    spec: inner.spec,
    variables: inner.variables,
    weightNames: inner.weightNames,
    sample: (prompts, opts) => inner.sample(prompts, opts),
    sequenceLogProbs: (prompts, completions) => {
      const lp = inner.sequenceLogProbs(prompts, completions);
      if (!poisoned()) return lp;
      const nan = tf.mul(lp, NaN) as tf.Tensor1D;
      lp.dispose();
      return nan;
    },
    clone: () => poisonable(inner.clone(), poisoned),
    assignFrom: (other) => inner.assignFrom(other),
    emaFrom: (other, eta) => inner.emaFrom(other, eta),
    dispose: () => inner.dispose(),
  };
}
