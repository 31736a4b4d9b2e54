import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/check.js';
import type { CliIo } from '../../src/cli/cliIo.js';
import { CharTokenizer, GptPolicy, saveCheckpoint, TabularPolicy } from '../../src/policy/index.js';

let dir: string;
let checkpoint: string;

/** Runs `bond check` with captured output. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, onInterrupt: () => () => undefined };
  const code = await checkCommand(argv, io);
  return { code, stdout, stderr };
}

/** Writes an ES module exporting `reward` and returns its path. */
async function rewardModule(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

describe('bond check', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'bond-check-'));
    checkpoint = join(dir, 'tabular');
    const policy = new TabularPolicy({ kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: false }, { seed: 5, initStd: 2 });
    await saveCheckpoint(checkpoint, { policy, tokenizer: new CharTokenizer(['a', 'b', ' ']) });
    policy.dispose();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes every property on a tiny tabular checkpoint with a token reward module, exit code 0', async () => {
    const reward = await rewardModule('countB.mjs', 'export const reward = (x) => x.completionTokens.filter((y) => y === 1).length;\n');
    const { code, stdout } = await run('--policy', checkpoint, '--reward', reward, '--runs', '5', '--seed', '3', '--backend', 'cpu');
    expect(stdout).toMatch(/^PASS {2}policyConsistency/m);
    expect(stdout).toMatch(/^PASS {2}bestOfNIdentities/m);
    expect(stdout).toMatch(/^PASS {2}operatorHygiene/m);
    expect(stdout).toMatch(/^PASS {2}jbondRewardCalibration/m);
    expect(stdout).toContain('every property holds');
    expect(code).toBe(0);
  });

  it('passes on a tiny GPT checkpoint, KV cache included, with the default sentiment reward', async () => {
    const gpt = new GptPolicy({ kind: 'gpt', vocabSize: 5, maxLength: 8, layers: 1, heads: 2, width: 8 }, { seed: 2 });
    await saveCheckpoint(join(dir, 'gpt'), { policy: gpt, tokenizer: new CharTokenizer(['a', 'b', 'c', 'd', ' ']) });
    gpt.dispose();
    const { code, stdout } = await run('--policy', join(dir, 'gpt'), '--runs', '3', '--backend', 'cpu');
    expect(stdout).toContain('(gpt policy, vocabulary 5, length 8)');
    expect(stdout.match(/^PASS/gm)).toHaveLength(4);
    expect(code).toBe(0);
  });

  it('passes with the default sentiment reward reading the tokenizer text', async () => {
    const { code, stdout } = await run('--policy', checkpoint, '--runs', '3', '--backend', 'cpu');
    expect(stdout).toContain('reward sentiment');
    expect(code).toBe(0);
  });

  it('fails with exit code 1 and a shrunk counterexample when the reward depends on the batch order', async () => {
    const reward = await rewardModule('stateful.mjs', 'let calls = 0;\nexport const reward = () => calls++;\n');
    const { code, stdout } = await run('--policy', checkpoint, '--reward', reward, '--runs', '5', '--backend', 'cpu');
    expect(stdout).toMatch(/^FAIL {2}bestOfNIdentities/m);
    expect(stdout).toContain('Counterexample');
    expect(stdout).toContain('expected the same reward when the batch is scored in reverse order');
    expect(stdout).toMatch(/^PASS {2}jbondRewardCalibration/m);
    expect(code).toBe(1);
  });

  it('fails with exit code 1 when the reward is not finite on some completion', async () => {
    const reward = await rewardModule('nan.mjs', 'export const reward = (x) => (x.completionTokens[0] === 2 ? NaN : 1);\n');
    const { code, stdout } = await run('--policy', checkpoint, '--reward', reward, '--runs', '5', '--backend', 'cpu');
    expect(stdout).toMatch(/^FAIL {2}bestOfNIdentities/m);
    expect(stdout).toContain('expected a finite number, got NaN');
    expect(code).toBe(1);
  });

  it('exits 2 naming the problem for a reward module without a `reward` export', async () => {
    const reward = await rewardModule('none.mjs', 'export const score = () => 1;\n');
    const { code, stderr } = await run('--policy', checkpoint, '--reward', reward);
    expect(stderr).toContain('to export "reward"');
    expect(code).toBe(2);
  });

  it('exits 2 naming an unknown flag, a bad --runs, a missing --policy, or a directory that is no checkpoint', async () => {
    const unknown = await run('--policy', checkpoint, '--bogus');
    expect(unknown.stderr).toContain('--bogus');
    expect(unknown.code).toBe(2);
    const runs = await run('--policy', checkpoint, '--runs', '0');
    expect(runs.stderr).toContain('--runs: expected PositiveInt, got 0');
    expect(runs.code).toBe(2);
    const missing = await run('--runs', '3');
    expect(missing.stderr).toContain('--policy: expected a checkpoint directory, got none');
    expect(missing.code).toBe(2);
    const notCheckpoint = await run('--policy', dir, '--backend', 'cpu');
    expect(notCheckpoint.stderr).toContain(dir);
    expect(notCheckpoint.code).toBe(2);
  });

  it('prints its help with exit code 0', async () => {
    const { code, stdout } = await run('--help');
    expect(stdout).toContain('Usage: bond check --policy <checkpoint>');
    expect(code).toBe(0);
  });
});
