import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { bond, BondConfig, bondDefaults, decodeConfig } from '../../pipelines/index.js';
import { bonDivergences, factorizedPolicy, meanOf, runSteps, type BonDivergences } from '../helpers/pipelineRun.js';
import { LENGTH, toyReward } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Figure 2 of the BOND paper on an enumerable task: BOND with N = 8 and 16 Monte-Carlo quantile samples,
 * β ∈ {0, 0.5, 1}, from a misspecified family (TabularPolicy, factorized: tokens independent across the 3
 * positions, vocabulary 4), which cannot represent π_BoN — with a fully expressive family every β
 * converges to π_BoN and the separation vanishes. Divergences and quantiles are computed exactly over the
 * 64 completions at the end of each run.
 */
const BETAS = [0, 0.5, 1] as const;
const SEEDS = [1, 2, 3] as const;
const N = 8;
const STEPS = 300;

async function runFigure2(beta: number, seed: number): Promise<BonDivergences> {
  const reference = factorizedPolicy(1);
  const policy = reference.clone();
  const config = decodeConfig(
    BondConfig,
    bondDefaults,
    { n: N, mcSamples: 16, beta, policySamples: 4, learningRate: 0.05, warmupSteps: 0, maxNewTokens: LENGTH, clipNorm: 100 },
    'figure 2 config',
  );
  await runSteps(bond({ policy, reference, reward: toyReward, rng: createRng(100 + seed) }, config), STEPS, 4);
  const end = bonDivergences(policy, reference, N);
  [policy, reference].forEach((p) => p.dispose());
  return end;
}

describe('Figure 2 (BOND with N = 8, β ∈ {0, 0.5, 1}, misspecified factorized policy)', () => {
  it('β = 0.5 ends with backward KL well below β = 0, forward KL well below β = 1, and log-quantile above β = 0 (observed means bwd 0.86 vs 2.52, fwd 1.32 vs 2.55, log-quantile −0.22 vs −0.53)', async () => {
    const start = (() => {
      const reference = factorizedPolicy(1);
      const divergences = bonDivergences(reference, reference, N);
      reference.dispose();
      return divergences;
    })();
    const runs = new Map<number, BonDivergences[]>();
    for (const beta of BETAS) {
      const ends: BonDivergences[] = [];
      for (const seed of SEEDS) ends.push(await runFigure2(beta, seed));
      runs.set(beta, ends);
    }
    const at = (beta: number): BonDivergences[] => runs.get(beta) ?? [];
    const avg = (beta: number, key: keyof BonDivergences): number => meanOf(at(beta).map((d) => d[key]));

    // Left plot: the backward KL of β = 0.5 is a fraction of β = 0's, seed by seed and on average.
    SEEDS.forEach((_, s) => expect(at(0.5)[s]!.bwd, `seed ${s}: bwd`).toBeLessThan(at(0)[s]!.bwd));
    expect(avg(0.5, 'bwd')).toBeLessThan(0.5 * avg(0, 'bwd'));
    // Middle plot: the forward KL of β = 0.5 is a fraction of β = 1's.
    SEEDS.forEach((_, s) => expect(at(0.5)[s]!.fwd, `seed ${s}: fwd`).toBeLessThan(at(1)[s]!.fwd));
    expect(avg(0.5, 'fwd')).toBeLessThan(0.7 * avg(1, 'fwd'));
    // Right plot: β = 0.5 raises the log-quantile far more than the mode-covering β = 0.
    SEEDS.forEach((_, s) => expect(at(0.5)[s]!.logQuantile, `seed ${s}: log-quantile`).toBeGreaterThan(at(0)[s]!.logQuantile));
    expect(avg(0.5, 'logQuantile')).toBeGreaterThan(avg(0, 'logQuantile') + 0.15);

    // The Jeffreys divergence J_0.5 itself is lowest for β = 0.5 (observed 1.09 vs 1.65 at β = 0, 1.55 at β = 1).
    expect(avg(0.5, 'jeffreys')).toBeLessThan(Math.min(avg(0, 'jeffreys'), avg(1, 'jeffreys')));

    // The extremes behave as the simulation says: β = 0 keeps the lowest forward KL, β = 1 the
    // lowest backward KL but a forward KL about twice its start (observed 2.55 vs 1.19).
    expect(avg(0, 'fwd')).toBeLessThan(avg(0.5, 'fwd'));
    expect(avg(1, 'bwd')).toBeLessThan(avg(0.5, 'bwd'));
    expect(avg(1, 'fwd')).toBeGreaterThan(1.5 * start.fwd);
    // Every β still moved the policy towards π_BoN in backward KL (from 4.6 at π = π_ref).
    BETAS.forEach((beta) => expect(avg(beta, 'bwd'), `β = ${beta}`).toBeLessThan(0.7 * start.bwd));
  });
});
