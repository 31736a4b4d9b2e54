/**
 * GptPolicy benchmark (not a test): sampling with the KV cache vs a full recompute per token, the cost
 * per token as the completion grows, and one training step (forward + backward) at DEFAULT_GPT_SPEC.
 *
 * Run:
 *   npx tsup bench/policy.ts --no-config --format esm --out-dir .tmp/bench && node .tmp/bench/policy.js
 * Backend: wasm by default; BOND_BACKEND=cpu to switch. BENCH_MAX_NEW_TOKENS=64 stops the sampling
 * comparison at 64 new tokens (the recompute runs dominate: on the cpu backend the full run takes over
 * 25 minutes). Prints a markdown table, one row as soon as it is measured.
 *
 * Times are this process's CPU time (user + system) as well as wall time: the wasm and cpu backends run
 * on one thread, so CPU time is what the work costs, and it stays meaningful when other processes share
 * the machine (wall time then also counts the time spent waiting for a core).
 */
import * as tf from '@tensorflow/tfjs-core';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRng, type Rng } from '../src/core/index.js';
import { temperedLogProbs } from '../src/policy/gpt/index.js';
import { DEFAULT_GPT_SPEC, GptPolicy, type GptSpec } from '../src/policy/gptPolicy.js';
import { selectBackend } from '../src/runtime/index.js';

const BATCH = 16;
const PROMPT_LENGTH = 16;
const LENGTHS = [32, 64, 128, 256].filter((n) => n <= Number(process.env['BENCH_MAX_NEW_TOKENS'] ?? 256));
/** DEFAULT_GPT_SPEC with room for a 16-token prompt and 256 new tokens: same compute per position. */
const LONG_CONTEXT: GptSpec = { ...DEFAULT_GPT_SPEC, maxLength: PROMPT_LENGTH + 272 };
const TRAIN_SHAPE = { batch: 16, length: 128 } as const;

/** Milliseconds of CPU time (this process) and of wall time. */
interface Cost {
  readonly cpu: number;
  readonly wall: number;
}

interface SamplingRow {
  readonly length: number;
  readonly cached: Cost;
  readonly recompute: Cost;
}

async function main(): Promise<void> {
  await selectBackend(process.env['BOND_BACKEND'] ?? 'wasm');
  console.log(`backend ${tf.getBackend()}, DEFAULT_GPT_SPEC ${JSON.stringify(DEFAULT_GPT_SPEC)}, load average ${loadAverage()}`);
  console.log(`sampling: batch ${BATCH}, prompt ${PROMPT_LENGTH} tokens, temperature 1, context ${LONG_CONTEXT.maxLength}; cached: median of 3 runs, recompute: 1 run\n`);

  const policy = new GptPolicy(LONG_CONTEXT, { seed: 0 });
  const prompts = randomTokens(createRng(1), BATCH, PROMPT_LENGTH, policy.spec.vocabSize);
  await sampleCached(policy, prompts, 8); // warm-up: kernel set-up, first allocations
  await sampleRecompute(policy, prompts, 8);
  printSamplingHeader();
  let previous: SamplingRow | undefined;
  for (const length of LENGTHS) {
    // The cached runs are cheap: the median of 3 damps noise from other processes on the machine.
    const cached = [];
    for (let i = 0; i < 3; i++) cached.push(await sampleCached(policy, prompts, length));
    const row = { length, cached: medianCost(cached), recompute: await sampleRecompute(policy, prompts, length) };
    printSamplingRow(row, previous);
    previous = row;
  }
  policy.dispose();

  printTraining(await trainStep());
  console.log(`\nload average at the end: ${loadAverage()}`);
}

/** Cost of `policy.sample` (KV cache) for `length` new tokens per row. */
async function sampleCached(policy: GptPolicy, prompts: number[][], length: number): Promise<Cost> {
  return measure(async () => {
    const generations = await policy.sample(prompts, { maxNewTokens: length, rng: createRng(2) });
    if (generations.some((g) => g.tokens.length !== length)) throw new Error(`bench/policy: expected ${length} tokens per row`);
  });
}

/** Cost of the same sampling loop without a cache: every token re-runs the full forward pass over the prefix. */
async function sampleRecompute(policy: GptPolicy, prompts: number[][], length: number): Promise<Cost> {
  const rng = createRng(2);
  const sequences = prompts.map((p) => [...p]);
  const { vocabSize } = policy.spec;
  return measure(async () => {
    for (let step = 0; step < length; step++) {
      const last = tf.tidy(() => {
        const logits = policy.logits(sequences);
        const [batch, positions] = logits.shape;
        return tf.slice(logits, [0, positions - 1, 0], [batch, 1, vocabSize]);
      });
      const values = await last.data();
      last.dispose();
      sequences.forEach((row, b) => {
        const lp = temperedLogProbs(values.subarray(b * vocabSize, (b + 1) * vocabSize), 1, vocabSize);
        row.push(rng.categorical(lp.map((l) => Math.exp(l))));
      });
    }
  });
}

/** Costs of one forward + backward pass (mean NLL of a batch of full-context sequences) at DEFAULT_GPT_SPEC. */
async function trainStep(): Promise<{ parameters: number; runs: Cost[] }> {
  const policy = new GptPolicy(DEFAULT_GPT_SPEC, { seed: 0 });
  const parameters = policy.variables.reduce((n, v) => n + v.size, 0);
  const completions = randomTokens(createRng(3), TRAIN_SHAPE.batch, TRAIN_SHAPE.length, policy.spec.vocabSize);
  const prompts = completions.map(() => []);
  const step = (): Promise<Cost> =>
    measure(async () => {
      const loss = (): tf.Scalar => tf.neg(tf.mean(policy.sequenceLogProbs(prompts, completions))) as tf.Scalar;
      const { value, grads } = tf.variableGrads(loss, [...policy.variables]);
      await value.data(); // wait for the backend to finish
      value.dispose();
      tf.dispose(grads);
    });
  await step(); // warm-up
  const runs: Cost[] = [];
  for (let i = 0; i < 5; i++) runs.push(await step());
  policy.dispose();
  return { parameters, runs };
}

async function measure(work: () => Promise<void>): Promise<Cost> {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await work();
  const wall = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  return { cpu: (cpu.user + cpu.system) / 1000, wall };
}

/** The run with the median CPU time. */
function medianCost(costs: readonly Cost[]): Cost {
  return [...costs].sort((a, b) => a.cpu - b.cpu)[Math.floor(costs.length / 2)] as Cost;
}

function randomTokens(rng: Rng, batch: number, length: number, vocabSize: number): number[][] {
  return Array.from({ length: batch }, () => Array.from({ length }, () => rng.int(vocabSize)));
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' ');
}

function printSamplingHeader(): void {
  console.log('CPU time (wall time in parentheses). A step draws one token for each of the 16 rows.\n');
  console.log('| new tokens | cached tok/s | recompute tok/s | speed-up | cached ms/step | recompute ms/step | cached marginal ms/step | recompute marginal ms/step |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
}

function printSamplingRow(row: SamplingRow, previous: SamplingRow | undefined): void {
  const fixed = (x: number, digits: number): string => x.toFixed(digits);
  const tokens = BATCH * row.length;
  const rate = (c: Cost): string => `${fixed((tokens / c.cpu) * 1000, 0)} (${fixed((tokens / c.wall) * 1000, 0)})`;
  const perStep = (c: Cost): string => fixed(c.cpu / row.length, 2);
  // Marginal cost: CPU time of the steps added since the previous length, per step.
  const marginal = (of: (r: SamplingRow) => Cost): string =>
    previous === undefined ? '–' : fixed((of(row).cpu - of(previous).cpu) / (row.length - previous.length), 2);
  console.log(
    `| ${row.length} | ${rate(row.cached)} | ${rate(row.recompute)} | ${fixed(row.recompute.cpu / row.cached.cpu, 1)}× | ` +
      `${perStep(row.cached)} | ${perStep(row.recompute)} | ${marginal((r) => r.cached)} | ${marginal((r) => r.recompute)} |`,
  );
}

function printTraining({ parameters, runs }: { parameters: number; runs: Cost[] }): void {
  const tokens = TRAIN_SHAPE.batch * TRAIN_SHAPE.length;
  const median = medianCost(runs);
  console.log(`\nforward + backward, batch ${TRAIN_SHAPE.batch} × ${TRAIN_SHAPE.length} tokens at DEFAULT_GPT_SPEC (${parameters} parameters):`);
  console.log(
    `median CPU ${median.cpu.toFixed(0)} ms (${((tokens / median.cpu) * 1000).toFixed(0)} tok/s), wall ${median.wall.toFixed(0)} ms; ` +
      `CPU of the 5 runs: ${runs.map((r) => r.cpu.toFixed(0)).join(', ')} ms`,
  );
}

await main();
