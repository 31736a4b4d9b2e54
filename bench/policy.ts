/**
 * GptPolicy benchmark (not a test): sampling with the KV cache vs a full recompute per token, the cost
 * per token as the completion grows, and one training step (forward + backward) at DEFAULT_GPT_SPEC.
 *
 * Run:
 *   npx tsup bench/policy.ts --no-config --format esm --out-dir .tmp/bench && node .tmp/bench/policy.js
 * Backend: wasm by default; BOND_BACKEND=cpu to switch. Prints markdown tables.
 */
import * as tf from '@tensorflow/tfjs-core';
import { performance } from 'node:perf_hooks';
import { createRng, type Rng } from '../src/core/index.js';
import { selectBackend } from '../src/runtime/index.js';
import { temperedLogProbs } from '../src/policy/gpt/index.js';
import { DEFAULT_GPT_SPEC, GptPolicy, type GptSpec } from '../src/policy/gptPolicy.js';

const BATCH = 16;
const PROMPT_LENGTH = 16;
const LENGTHS = [32, 64, 128, 256] as const;
/** DEFAULT_GPT_SPEC with room for a 16-token prompt and 256 new tokens: same compute per position. */
const LONG_CONTEXT: GptSpec = { ...DEFAULT_GPT_SPEC, maxLength: PROMPT_LENGTH + 272 };
const TRAIN_SHAPE = { batch: 16, length: 128 } as const;

interface TrainingResult {
  readonly parameters: number;
  readonly median: number;
  readonly runs: readonly number[];
}

interface SamplingRow {
  readonly length: number;
  readonly cachedMs: number;
  readonly recomputeMs: number;
}

async function main(): Promise<void> {
  await selectBackend(process.env['BOND_BACKEND'] ?? 'wasm');
  const policy = new GptPolicy(LONG_CONTEXT, { seed: 0 });
  console.log(`backend ${tf.getBackend()}, DEFAULT_GPT_SPEC ${JSON.stringify(DEFAULT_GPT_SPEC)}`);
  console.log(`sampling: batch ${BATCH}, prompt ${PROMPT_LENGTH} tokens, temperature 1, context ${LONG_CONTEXT.maxLength} for the bench\n`);

  const prompts = randomPrompts(createRng(1), BATCH, PROMPT_LENGTH, policy.spec.vocabSize);
  await sampleCached(policy, prompts, 8); // warm-up: kernel set-up, first allocations
  await sampleRecompute(policy, prompts, 8);
  const rows: SamplingRow[] = [];
  for (const length of LENGTHS) {
    rows.push({ length, cachedMs: await sampleCached(policy, prompts, length), recomputeMs: await sampleRecompute(policy, prompts, length) });
  }
  printSampling(rows);
  policy.dispose();

  printTraining(await trainStepMs());
}

/** Wall time of `policy.sample` (KV cache) for `length` new tokens per row. */
async function sampleCached(policy: GptPolicy, prompts: number[][], length: number): Promise<number> {
  const start = performance.now();
  const generations = await policy.sample(prompts, { maxNewTokens: length, rng: createRng(2) });
  const elapsed = performance.now() - start;
  if (generations.some((g) => g.tokens.length !== length)) throw new Error(`bench/policy: expected ${length} tokens per row`);
  return elapsed;
}

/** Wall time of the same sampling loop without a cache: every token re-runs the full forward pass over the prefix. */
async function sampleRecompute(policy: GptPolicy, prompts: number[][], length: number): Promise<number> {
  const rng = createRng(2);
  const sequences = prompts.map((p) => [...p]);
  const { vocabSize } = policy.spec;
  const start = performance.now();
  for (let step = 0; step < length; step++) {
    const last = tf.tidy(() => {
      const logits = policy.logits(sequences);
      const [batch, positions] = logits.shape;
      return tf.slice(logits, [0, positions - 1, 0], [batch, 1, vocabSize]);
    });
    const values = await last.data();
    last.dispose();
    sequences.forEach((row, b) => draw(row, values.subarray(b * vocabSize, (b + 1) * vocabSize), rng));
  }
  return performance.now() - start;
}

function draw(row: number[], logits: ArrayLike<number>, rng: Rng): void {
  const lp = temperedLogProbs(logits, 1, logits.length);
  row.push(rng.categorical(lp.map((l) => Math.exp(l))));
}

/** Median wall time of one forward + backward pass (NLL of a batch of full-context sequences) at DEFAULT_GPT_SPEC. */
async function trainStepMs(): Promise<TrainingResult> {
  const policy = new GptPolicy(DEFAULT_GPT_SPEC, { seed: 0 });
  const parameters = policy.variables.reduce((n, v) => n + v.size, 0);
  const rng = createRng(3);
  const { batch, length } = TRAIN_SHAPE;
  const completions = randomPrompts(rng, batch, length, policy.spec.vocabSize);
  const prompts = completions.map(() => []);
  const step = async (): Promise<number> => {
    const start = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(policy.sequenceLogProbs(prompts, completions))) as tf.Scalar, [...policy.variables]);
    await value.data(); // wait for the backend to finish
    const elapsed = performance.now() - start;
    value.dispose();
    tf.dispose(grads);
    return elapsed;
  };
  await step(); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push(await step());
  policy.dispose();
  const sorted = [...runs].sort((a, b) => a - b);
  return { parameters, median: sorted[2] as number, runs };
}

function randomPrompts(rng: Rng, batch: number, length: number, vocabSize: number): number[][] {
  return Array.from({ length: batch }, () => Array.from({ length }, () => rng.int(vocabSize)));
}

function printSampling(rows: readonly SamplingRow[]): void {
  const fmt = (x: number, digits = 1): string => x.toFixed(digits);
  console.log('| new tokens | cached tok/s | recompute tok/s | speed-up | cached ms/step | recompute ms/step | cached marginal ms/step | recompute marginal ms/step |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  rows.forEach((row, i) => {
    const tokens = BATCH * row.length;
    const previous = rows[i - 1];
    // Marginal cost: time of the extra steps between the previous length and this one, per step (one token per row).
    const marginal = (ms: (r: SamplingRow) => number): string =>
      previous === undefined ? '–' : fmt((ms(row) - ms(previous)) / (row.length - previous.length), 2);
    console.log(
      `| ${row.length} | ${fmt((tokens / row.cachedMs) * 1000, 0)} | ${fmt((tokens / row.recomputeMs) * 1000, 0)} | ${fmt(row.recomputeMs / row.cachedMs)}× | ` +
        `${fmt(row.cachedMs / row.length, 2)} | ${fmt(row.recomputeMs / row.length, 2)} | ${marginal((r) => r.cachedMs)} | ${marginal((r) => r.recomputeMs)} |`,
    );
  });
}

function printTraining({ parameters, median, runs }: TrainingResult): void {
  const tokens = TRAIN_SHAPE.batch * TRAIN_SHAPE.length;
  console.log(`\nforward + backward, batch ${TRAIN_SHAPE.batch} × ${TRAIN_SHAPE.length} tokens at DEFAULT_GPT_SPEC (${parameters} parameters):`);
  console.log(`median ${median.toFixed(0)} ms (${((tokens / median) * 1000).toFixed(0)} tok/s); runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);
}

await main();
