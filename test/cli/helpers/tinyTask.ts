import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharTokenizer, GptPolicy, saveCheckpoint, TabularPolicy } from '../../../src/policy/index.js';
import type { CliIo } from '../../../src/cli/cliIo.js';

/** The tiny task's alphabet: its reward counts the letter a. */
export const TINY_ALPHABET = 'abcde ';

/**
 * Writes a complete tiny text task into `dir` and returns its config path: a reference policy with a
 * char tokenizer (a 1-layer GPT of width 8 and context 16, or a full `TabularPolicy` over completions of
 * 4 tokens), 8 prompts (2 held out), an ES-module reward counting the letter "a", and a J-BOND config
 * pinned to cpu, sized so that a step takes milliseconds. `overrides` replace whole config sections.
 */
export async function writeTinyTask(dir: string, overrides: Record<string, unknown> = {}, reference: 'gpt' | 'tabular' = 'gpt'): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await tf.setBackend('cpu');
  const tokenizer = new CharTokenizer(Array.from(TINY_ALPHABET));
  const policy =
    reference === 'gpt'
      ? new GptPolicy({ kind: 'gpt', vocabSize: tokenizer.vocabSize, maxLength: 16, layers: 1, heads: 1, width: 8 }, { seed: 1 })
      : new TabularPolicy({ kind: 'tabular', vocabSize: tokenizer.vocabSize, maxLength: 4, factorized: false }, { seed: 1 });
  try {
    await saveCheckpoint(join(dir, 'reference'), { policy, tokenizer });
  } finally {
    policy.dispose();
  }
  writeFileSync(join(dir, 'prompts.json'), JSON.stringify({ prompts: ['ab', 'ba c', 'cab', 'de', 'a', 'bb d', 'e a', 'dc'] }));
  writeFileSync(join(dir, 'reward.mjs'), "export const reward = (x) => [...x.completion].filter((c) => c === 'a').length;\n");
  const config = {
    pipeline: 'jbond',
    backend: 'cpu',
    task: { reference: 'reference', prompts: 'prompts.json', reward: 'reward.mjs', evalPrompts: 2 },
    run: { steps: 4, seed: 3, checkpointEvery: 2, keepCheckpoints: 3, samplesEvery: 2, samplesPerLog: 2, logEvery: 1 },
    eval: { ns: [1, 2, 4], policySamples: 2, seed: 0 },
    jbond: { batchSize: 3, maxNewTokens: 4, learningRate: 0.01, warmupSteps: 1 },
    ...overrides,
  };
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** A {@link CliIo} that records what is written, and lets the test press Ctrl-C. */
export interface RecordingIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  /** Calls the registered Ctrl-C handlers, as a SIGINT would. */
  readonly interrupt: () => void;
}

/** A fresh {@link RecordingIo} (not a terminal: progress comes as plain lines). */
export function recordingIo(): RecordingIo {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    out: () => out,
    err: () => err,
    interrupt: () => handlers.forEach((h) => h()),
  };
}

/**
 * Trains the tiny task for 2 steps into `dir/run` (in-process, on cpu) and returns the run directory
 * and the config path, for tests of the commands that read runs.
 */
export async function trainTinyRun(dir: string): Promise<{ run: string; config: string }> {
  const { main } = await import('../../../src/cli/main.js');
  const config = await writeTinyTask(dir);
  const run = join(dir, 'run');
  const io = recordingIo();
  const code = await main(['train', config, '--out', run, '--steps', '2'], io);
  if (code !== 0) throw new Error(`trainTinyRun: expected exit code 0, got ${code}: ${io.err()}`);
  return { run, config };
}
