import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { map, mergeMap, pipe } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backwardKlLoss, bestOfN, forwardKlLoss, jbondRewards, jeffreysUpdate, klRegularizer, mcQuantiles } from '../../src/operators/index.js';
import { TabularPolicy } from '../../src/policy/index.js';
import { operatorHygiene } from '../../src/testing/operatorHygiene.js';
import { scoredBatch, type ScoredBatch } from '../../src/testing/recordArbitraries.js';

const RUNS = { numRuns: 30 };

/** The failure message fast-check reports for `operator` on scored batches. */
async function failureOf(property: ReturnType<typeof operatorHygiene<ScoredBatch, object>>): Promise<string> {
  const result = await fc.check(property, RUNS);
  expect(result.failed).toBe(true);
  return String(result.errorInstance);
}

describe('operatorHygiene', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('passes for the library operators jbondRewards, mcQuantiles and bestOfN', async () => {
    await fc.assert(operatorHygiene(jbondRewards<ScoredBatch>(), scoredBatch()), RUNS);
    await fc.assert(operatorHygiene(mcQuantiles<ScoredBatch>(), scoredBatch({ anchorSamples: 4 })), RUNS);
    await fc.assert(operatorHygiene(bestOfN<ScoredBatch>(), scoredBatch({ anchorSamples: 3 })), RUNS);
  });

  it('passes for a whole J-BOND step of library stages on a tabular policy, weights update included (Algorithm 2)', async () => {
    const spec = { kind: 'tabular', vocabSize: 4, maxLength: 4, factorized: false } as const;
    const [policy, anchor] = [new TabularPolicy(spec, { seed: 1 }), new TabularPolicy(spec, { seed: 2 })];
    const optimizer = tf.train.adam(0.01);
    const step = pipe(
      bestOfN<ScoredBatch>(),
      forwardKlLoss({ policy }),
      jbondRewards(),
      backwardKlLoss({ reference: anchor, n: 2, reward: (rec) => rec.jbondRewards }),
      klRegularizer({ anchor }),
      jeffreysUpdate({ policy, optimizer, beta: 0.5, gamma: 0.1 }),
    );
    await fc.assert(operatorHygiene(step, scoredBatch()), { numRuns: 10 });
    optimizer.dispose();
    policy.dispose();
    anchor.dispose();
  });

  it('passes for an operator that computes with tensors inside tf.tidy, with inputs built from a seed', async () => {
    const meanReward = map((rec: ScoredBatch) => ({ ...rec, mean: tf.tidy(() => tf.mean(tf.tensor1d(rec.policyRewards.flat())).dataSync()[0]) }));
    const fromSeed = (seed: number) => fc.sample(scoredBatch(), { numRuns: 1, seed })[0] as ScoredBatch;
    await fc.assert(operatorHygiene(meanReward, fromSeed), RUNS);
  });

  it('catches an operator that leaks a tensor per call', async () => {
    const leaky = map((rec: ScoredBatch) => ({ ...rec, total: tf.sum(tf.tensor1d(rec.policyRewards.flat())).arraySync() }));
    expect(await failureOf(operatorHygiene(leaky, scoredBatch()))).toContain('tensor hygiene: expected');
  });

  it('catches an operator that mutates its input record in place', async () => {
    const sortsInPlace = map((rec: ScoredBatch) => {
      (rec.anchorRewards as number[][]).forEach((rs) => rs.sort((a, b) => a - b));
      return rec;
    });
    expect(await failureOf(operatorHygiene(sortsInPlace, scoredBatch()))).toContain('the operator threw on its (deep-frozen) input record');
  });

  it('catches an operator that rewrites a field it does not own, and allows it once owned', async () => {
    const doubles = map((rec: ScoredBatch) => ({ ...rec, policyRewards: rec.policyRewards.map((rs) => rs.map((r) => 2 * r + 1)) }));
    expect(await failureOf(operatorHygiene(doubles, scoredBatch()))).toContain('field "policyRewards": expected it unchanged');
    await fc.assert(operatorHygiene(doubles, scoredBatch(), { owns: ['policyRewards'] }), RUNS);
  });

  it('catches an operator that drops a prompt or emits two records', async () => {
    const dropsFirst = map((rec: ScoredBatch) => ({ ...rec, prompts: rec.prompts.slice(1) }));
    expect(await failureOf(operatorHygiene(dropsFirst, scoredBatch()))).toContain('batch size: expected');
    const twice = mergeMap((rec: ScoredBatch) => [rec, rec]);
    expect(await failureOf(operatorHygiene(twice, scoredBatch()))).toContain('records out: expected 1 record per input record, got 2');
  });
});
