import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { enumerateSequences } from '../../src/policy/enumerateSequences.js';
import { DEFAULT_GPT_SPEC, GptPolicy, type GptSpec } from '../../src/policy/gptPolicy.js';

const TINY: GptSpec = { kind: 'gpt', vocabSize: 7, maxLength: 16, layers: 2, heads: 2, width: 16 };

/**
 * A policy with N(0, 0.4²) weights instead of nanoGPT's 0.02: its distributions are far from uniform and
 * every weight (positions included) visibly moves the logits, so a caching or masking bug cannot hide
 * below the tolerances.
 */
function sharpPolicy(spec: GptSpec, seed: number): GptPolicy {
  const policy = new GptPolicy(spec, { seed });
  policy.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.4, 'float32', seed * 1000 + i))));
  return policy;
}

/** Ragged prompts (1–3 rows of 0–5 tokens) and continuations of one shared length (0–5) for `TINY`. */
const promptsAndContinuations = fc
  .tuple(fc.array(fc.array(fc.nat({ max: TINY.vocabSize - 1 }), { maxLength: 5 }), { minLength: 1, maxLength: 3 }), fc.nat({ max: 5 }))
  .chain(([prompts, steps]) =>
    fc.tuple(
      fc.constant(prompts),
      fc.array(fc.array(fc.nat({ max: TINY.vocabSize - 1 }), { minLength: steps, maxLength: steps }), {
        minLength: prompts.length,
        maxLength: prompts.length,
      }),
    ),
  );

/** The values of `t`, flat; disposes `t`. */
const read = (t: tf.Tensor): number[] => {
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
};

/** The nested values of a [B, T, V] tensor; disposes it. */
const read3 = (t: tf.Tensor3D): number[][][] => {
  const values = t.arraySync();
  t.dispose();
  return values;
};

describe.each(['cpu', 'wasm'])('GptPolicy on %s', (backend) => {
  let policy: GptPolicy;

  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
    policy = sharpPolicy(TINY, 3);
    return () => policy.dispose();
  });

  it('names its weights stably: wte, wpe, h{i}.ln1.g … h{i}.mlp.bproj, lnf.g, lnf.b, head', () => {
    const names = policy.weightNames;
    expect(names.length).toBe(policy.variables.length);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 4)).toEqual(['wte', 'wpe', 'h0.ln1.g', 'h0.ln1.b']);
    expect(names).toContain('h1.attn.wqkv');
    expect(names.slice(-3)).toEqual(['lnf.g', 'lnf.b', 'head']);
    expect(names.length).toBe(2 + 12 * TINY.layers + 3);
    const shapeOf = (name: string): number[] => policy.variables[names.indexOf(name)]?.shape ?? [];
    expect(shapeOf('wte')).toEqual([TINY.vocabSize + 1, TINY.width]);
    expect(shapeOf('wpe')).toEqual([TINY.maxLength, TINY.width]);
    expect(shapeOf('h0.attn.wqkv')).toEqual([TINY.width, 3 * TINY.width]);
    expect(shapeOf('h1.mlp.wproj')).toEqual([4 * TINY.width, TINY.width]);
    expect(shapeOf('head')).toEqual([TINY.width, TINY.vocabSize]);
  });

  it('initialises deterministically from the seed, as nanoGPT (std 0.02, residual projections / √(2·layers))', () => {
    const a = new GptPolicy(TINY, { seed: 5 });
    const b = new GptPolicy(TINY, { seed: 5 });
    const c = new GptPolicy(TINY, { seed: 6 });
    a.variables.forEach((v, i) => expect(read(tf.clone(v))).toEqual(read(tf.clone(b.variables[i] as tf.Variable))));
    expect(read(tf.clone(a.variables[0] as tf.Variable))).not.toEqual(read(tf.clone(c.variables[0] as tf.Variable)));
    const std = (name: string): number => {
      const values = read(tf.clone(a.variables[a.weightNames.indexOf(name)] as tf.Variable));
      return Math.sqrt(values.reduce((s, x) => s + x * x, 0) / values.length);
    };
    expect(std('h0.attn.wqkv')).toBeCloseTo(0.02, 2);
    expect(std('h0.mlp.wproj') / std('h0.mlp.wfc')).toBeCloseTo(1 / Math.sqrt(2 * TINY.layers), 1);
    expect(read(tf.clone(a.variables[a.weightNames.indexOf('h0.ln1.g')] as tf.Variable))).toEqual(new Array(TINY.width).fill(1));
    [a, b, c].forEach((p) => p.dispose());
  });

  it('KV cache: incremental decoding of ragged prompts gives the full-forward logits of every prefix (1e-4)', () => {
    fc.assert(
      fc.property(promptsAndContinuations, ([prompts, continuations]) => {
        const steps = continuations[0]?.length ?? 0;
        const incremental = read3(policy.incrementalLogits(prompts, continuations));
        prompts.forEach((prompt, b) => {
          const expected = (read3(policy.logits([[...prompt, ...(continuations[b] as number[])]]))[0] as number[][]).slice(prompt.length);
          expect(expected.length).toBe(steps + 1);
          expected.forEach((row, j) => row.forEach((z, v) => expect(Math.abs((incremental[b]?.[j]?.[v] as number) - z)).toBeLessThan(1e-4)));
        });
      }),
      { numRuns: 12 },
    );
  });

  it('logits depend only on earlier tokens (causality) and on their positions', () => {
    const [base, changedLater, shifted] = [[1, 2, 3, 4], [1, 2, 5, 6], [3, 1, 2, 3]].map((row) => read3(policy.logits([row]))[0]) as [
      number[][],
      number[][],
      number[][],
    ];
    // Changing tokens 2 and 3 leaves the logits of tokens 0..2 unchanged.
    base.slice(0, 3).forEach((row, j) => row.forEach((z, v) => expect(changedLater?.[j]?.[v]).toBeCloseTo(z, 5)));
    // The same prefix [1, 2] one position later gives other logits: positions matter.
    expect(Math.abs((shifted[3]?.[0] as number) - (base[2]?.[0] as number))).toBeGreaterThan(1e-3);
  });

  it("sample()'s per-token log-probs at temperature 1 equal sequenceLogProbs() of every prefix, ragged batch (1e-4)", async () => {
    const prompts = [[1], [], [2, 3, 4, 5], [6, 0]];
    const generations = await policy.sample(prompts, { maxNewTokens: 8, rng: createRng(11), eosToken: 6 });
    const rows = generations.flatMap((g) => g.tokens.map((_, j) => ({ prompt: g.prompt, prefix: g.tokens.slice(0, j + 1) })));
    const prefixLogProbs = read(policy.sequenceLogProbs(rows.map((r) => r.prompt), rows.map((r) => r.prefix)));
    let row = 0;
    generations.forEach((g, b) => {
      expect(g.prompt).toEqual(prompts[b]);
      expect(g.logProbs.length).toBe(g.tokens.length);
      let cumulative = 0;
      g.logProbs.forEach((lp) => {
        cumulative += lp;
        expect(Math.abs((prefixLogProbs[row++] as number) - cumulative)).toBeLessThan(1e-4);
      });
    });
    expect(new Set(generations.map((g) => g.tokens.length)).size).toBeGreaterThan(1); // the batch really was ragged
  });

  it('sequenceLogProbs of a ragged batch equals each row computed alone, and an empty completion has log-prob 0', () => {
    const prompts = [[1, 2, 3], [], [4], [5, 6]];
    const completions = [[0], [1, 2, 3, 4, 5], [6, 6], []];
    const together = read(policy.sequenceLogProbs(prompts, completions));
    prompts.forEach((prompt, b) => {
      const alone = read(policy.sequenceLogProbs([prompt], [completions[b] as number[]]))[0] as number;
      expect(together[b]).toBeCloseTo(alone, 5);
    });
    expect(together[3]).toBe(0);
  });

  it('sampling frequencies match the exact enumerated distribution (vocab 3, 3 tokens): TV ≤ √(K/N)', async () => {
    const small = sharpPolicy({ kind: 'gpt', vocabSize: 3, maxLength: 5, layers: 1, heads: 2, width: 8 }, 4);
    const prompt = [2];
    const { sequences, probs } = enumerateSequences(small, prompt, 3);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const draws = 3000;
    const generations = await small.sample(new Array(draws).fill(prompt), { maxNewTokens: 3, rng: createRng(7) });
    const counts = new Map<string, number>();
    generations.forEach((g) => counts.set(g.tokens.join(), (counts.get(g.tokens.join()) ?? 0) + 1));
    const tv = 0.5 * sequences.reduce((s, seq, i) => s + Math.abs((counts.get(seq.join()) ?? 0) / draws - (probs[i] as number)), 0);
    // E[TV] ≤ ½·Σ√(p(1−p)/N) ≤ ½·√(K/N) (Cauchy–Schwarz), and one draw moves TV by at most 1/N, so by
    // McDiarmid P(TV > √(K/N)) ≤ exp(−2N·(½√(K/N))²) = exp(−K/2) ≈ 1e-6 for K = 27.
    expect(tv).toBeLessThan(Math.sqrt(sequences.length / draws));
    // ... while a uniform sampler would not pass: the distribution is far from uniform.
    expect(0.5 * probs.reduce((s, p) => s + Math.abs(p - 1 / probs.length), 0)).toBeGreaterThan(Math.sqrt(sequences.length / draws));
    small.dispose();
  });

  it('emaFrom (eq 18): η = 1 copies, η = 0 leaves unchanged, otherwise the convex combination (1 − η)θ + ηθ_other', () => {
    const target = new GptPolicy(TINY, { seed: 1 });
    const before = target.variables.map((v) => read(tf.clone(v)));
    const other = policy.variables.map((v) => read(tf.clone(v)));
    target.emaFrom(policy, 0);
    target.variables.forEach((v, i) => expect(read(tf.clone(v))).toEqual(before[i]));
    target.emaFrom(policy, 0.25);
    target.variables.forEach((v, i) =>
      read(tf.clone(v)).forEach((x, k) => expect(x).toBeCloseTo(0.75 * (before[i]?.[k] as number) + 0.25 * (other[i]?.[k] as number), 6)),
    );
    target.emaFrom(policy, 1);
    target.variables.forEach((v, i) => expect(read(tf.clone(v))).toEqual(other[i]));
    expect(() => target.emaFrom(policy, 1.5)).toThrow('GptPolicy.emaFrom: expected eta in [0, 1], got 1.5');
    const wider = new GptPolicy({ ...TINY, width: 8 }, { seed: 1 });
    expect(() => target.emaFrom(wider, 0.5)).toThrow(/GptPolicy\.emaFrom: expected a policy with spec/);
    [target, wider].forEach((p) => p.dispose());
  });

  it('clone() and assignFrom() copy the weights; later updates of one leave the other unchanged', () => {
    const copy = policy.clone();
    const x = read(policy.sequenceLogProbs([[1]], [[2, 3]]))[0];
    expect(read(copy.sequenceLogProbs([[1]], [[2, 3]]))[0]).toBe(x);
    copy.variables.forEach((v) => tf.tidy(() => v.assign(tf.zerosLike(v))));
    expect(read(policy.sequenceLogProbs([[1]], [[2, 3]]))[0]).toBe(x);
    copy.assignFrom(policy);
    expect(read(copy.sequenceLogProbs([[1]], [[2, 3]]))[0]).toBe(x);
    copy.dispose();
  });

  it('every weight gets a finite, non-zero gradient, and one SGD step on the NLL raises the log-probability', () => {
    const learner = policy.clone();
    const prompt = [[3, 1]];
    const completion = [[4, 0, 2, 5]];
    const logProb = (): number => read(learner.sequenceLogProbs(prompt, completion))[0] as number;
    const before = logProb();
    const { value, grads } = tf.variableGrads(() => tf.neg(tf.sum(learner.sequenceLogProbs(prompt, completion))) as tf.Scalar, [...learner.variables]);
    expect(read(value)[0]).toBeCloseTo(-before, 4);
    learner.variables.forEach((v, i) => {
      const g = read(tf.clone(grads[v.name] as tf.Tensor));
      expect(g.every(Number.isFinite), learner.weightNames[i]).toBe(true);
      expect(g.some((x) => x !== 0), learner.weightNames[i]).toBe(true);
    });
    const optimizer = tf.train.sgd(0.05);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    optimizer.dispose();
    expect(logProb()).toBeGreaterThan(before + 0.05);
    learner.dispose();
  });

  it('leaks no tensor over 50 rounds of sampling, log-probs and gradients', async () => {
    const round = async (seed: number): Promise<void> => {
      const generations = await policy.sample([[1, 2], [3]], { maxNewTokens: 4, rng: createRng(seed), eosToken: 0 });
      const grads = tf.variableGrads(
        () => tf.neg(tf.sum(policy.sequenceLogProbs(generations.map((g) => g.prompt), generations.map((g) => g.tokens)))) as tf.Scalar,
        [...policy.variables],
      );
      grads.value.dispose();
      tf.dispose(grads.grads);
      policy.incrementalLogits([[1]], [[2]]).dispose();
    };
    await round(0);
    const tensors = tf.memory().numTensors;
    for (let i = 1; i <= 50; i++) await round(i);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('the same seed gives the same samples; another seed other samples', async () => {
    const draw = (seed: number) => policy.sample([[1], [2, 3], []], { maxNewTokens: 6, rng: createRng(seed) });
    const [a, b, c] = await Promise.all([draw(21), draw(21), draw(22)]);
    expect(a).toEqual(b);
    expect(a.map((g) => g.tokens)).not.toEqual(c.map((g) => g.tokens));
  });

  it('a tiny temperature and topK = 1 both decode greedily (argmax of the full-forward logits, log-prob 0)', async () => {
    const prompts = [[1, 2], [5]];
    const greedy = prompts.map((prompt) => {
      const tokens: number[] = [];
      for (let j = 0; j < 5; j++) {
        const last = (read3(policy.logits([[...prompt, ...tokens]]))[0] as number[][])[prompt.length + j] as number[];
        tokens.push(last.indexOf(Math.max(...last)));
      }
      return tokens;
    });
    for (const opts of [{ temperature: 1e-6 }, { topK: 1 }]) {
      const generations = await policy.sample(prompts, { maxNewTokens: 5, rng: createRng(1), ...opts });
      expect(generations.map((g) => g.tokens)).toEqual(greedy);
      generations.forEach((g) => g.logProbs.forEach((lp) => expect(lp).toBeCloseTo(0, 6)));
    }
  });

  it('topK keeps the k most likely tokens: samples stay within them and log-probs are renormalised', async () => {
    const prompt = [4];
    const first = (read3(policy.logits([prompt]))[0] as number[][])[1] as number[];
    const top2 = first.map((z, i) => [z, i] as const).sort((x, y) => y[0] - x[0]).slice(0, 2).map(([, i]) => i);
    const generations = await policy.sample(new Array(40).fill(prompt), { maxNewTokens: 1, rng: createRng(2), topK: 2 });
    const [z0, z1] = top2.map((i) => first[i] as number) as [number, number];
    const logZ = Math.max(z0, z1) + Math.log(Math.exp(z0 - Math.max(z0, z1)) + Math.exp(z1 - Math.max(z0, z1)));
    generations.forEach((g) => {
      const y = g.tokens[0] as number;
      expect(top2).toContain(y);
      expect(g.logProbs[0]).toBeCloseTo((first[y] as number) - logZ, 4);
    });
  });

  it('eosToken stops a row: its completion ends at the first eos, other rows run to maxNewTokens', async () => {
    const eos = 3;
    const generations = await policy.sample(new Array(12).fill([1]), { maxNewTokens: 9, rng: createRng(5), eosToken: eos });
    generations.forEach((g) => {
      const firstEos = g.tokens.indexOf(eos);
      if (firstEos === -1) expect(g.tokens.length).toBe(9);
      else expect(firstEos).toBe(g.tokens.length - 1);
    });
    expect(generations.some((g) => g.tokens.length < 9)).toBe(true);
  });

  it('rejects bad input with <where>: expected <what>, got <value>', async () => {
    await expect(policy.sample([new Array(12).fill(1)], { maxNewTokens: 5, rng: createRng(0) })).rejects.toThrow(
      'GptPolicy.sample: expected prompt length + maxNewTokens <= maxLength 16, got 17',
    );
    await expect(policy.sample([[7]], { maxNewTokens: 1, rng: createRng(0) })).rejects.toThrow('GptPolicy.sample: expected tokens in [0, 7), got 7 in row 0');
    await expect(policy.sample([[1]], { maxNewTokens: 1, rng: createRng(0), temperature: 0 })).rejects.toThrow('expected a finite temperature > 0, got 0');
    expect(() => policy.sequenceLogProbs([[1]], [new Array(16).fill(0)])).toThrow('expected prompt length + completion length <= maxLength 16, got 17');
    expect(() => new GptPolicy({ ...TINY, width: 15 }, { seed: 0 })).toThrow('GptPolicy: expected width divisible by heads, got width 15 and heads 2');
    expect(() => new GptPolicy({ ...TINY, layers: 0 }, { seed: 0 })).toThrow('GptPolicy: expected layers to be an integer ≥ 1, got 0');
  });
});

describe('DEFAULT_GPT_SPEC', () => {
  it('is a valid spec whose context holds a 64-token prompt and a 64-token completion', () => {
    expect(DEFAULT_GPT_SPEC.kind).toBe('gpt');
    expect(DEFAULT_GPT_SPEC.width % DEFAULT_GPT_SPEC.heads).toBe(0);
    expect(DEFAULT_GPT_SPEC.maxLength).toBeGreaterThanOrEqual(128);
  });
});
