import * as tf from '@tensorflow/tfjs-core';
import * as t from 'io-ts';
import { pipe } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, decodeWith } from '../../src/core/index.js';
import {
  backwardKlLoss, Batch, bestOfN, forwardKlLoss, JBondRecord, jbondRewards, jeffreysUpdate, klRegularizer, sampleAnchor,
  samplePolicy, scoreRewards, WithPolicySamples,
} from '../../src/operators/index.js';
import { LENGTH, runStage, toyBatch, toyPolicy, toyReward } from '../helpers/toyTask.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('record codecs', () => {
  it('a record that went through every J-BOND stage is a JBondRecord (the codecs describe what the operators produce)', async () => {
    const [policy, anchor] = [toyPolicy(1), toyPolicy(2)];
    const optimizer = tf.train.sgd(0.01);
    const rng = createRng(3);
    const step = pipe(
      pipe(samplePolicy({ policy, count: 1, rng, maxNewTokens: LENGTH }), sampleAnchor({ anchor, count: 2, rng, maxNewTokens: LENGTH }), scoreRewards({ reward: toyReward }), bestOfN(), jbondRewards()),
      forwardKlLoss({ policy }),
      backwardKlLoss({ reference: anchor, n: 2, reward: (rec) => rec.jbondRewards }),
      klRegularizer({ anchor }),
      jeffreysUpdate({ policy, optimizer, beta: 0.5, gamma: 0.1 }),
    );
    const rec = await runStage(step, toyBatch(3));
    expect(decodeWith(JBondRecord, rec, 'record')).toEqual({ _tag: 'Right', right: rec });
    [policy, anchor, optimizer].forEach((x) => x.dispose());
  });

  it('a custom stage’s output is checked at a boundary, naming the missing or malformed field', () => {
    const Sampled = t.intersection([Batch, WithPolicySamples]);
    const bad = { ...toyBatch(1), policySamples: [[{ prompt: [0], tokens: [1], logProbs: 'x' }]] };
    const result = decodeWith(Sampled, bad, 'my stage');
    expect(result._tag).toBe('Left');
    expect(JSON.stringify(result)).toMatch(/my stage: .*policySamples\.0\.0\.logProbs: expected ReadonlyArray<number>, got \\"x\\"/);
    expect(decodeWith(Batch, { prompts: [] }, 'batch')).toMatchObject({ _tag: 'Left' });
  });
});
