import * as tf from '@tensorflow/tfjs-core';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import {
  CharTokenizer,
  createPolicy,
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  saveCheckpoint,
  type Policy,
  type PolicySpec,
} from '../../src/policy/index.js';
import { BACKENDS, trackPolicies, useBackend } from '../helpers/backends.js';

const TABULAR: PolicySpec = { kind: 'tabular', vocabSize: 3, maxLength: 3, factorized: false };
const GPT: PolicySpec = { kind: 'gpt', vocabSize: 5, maxLength: 8, layers: 1, heads: 2, width: 8 };

const bits = (p: Policy): number[][] => p.variables.map((v) => Array.from(new Uint32Array((v.dataSync() as Float32Array).slice().buffer)));

/** Saves a fresh policy of `spec` with a tokenizer and extra JSON, loads it back and compares everything. */
async function expectRoundTrip(spec: PolicySpec, dir: string, keep: <P extends Policy>(p: P) => P): Promise<void> {
  const policy = keep(createPolicy(spec, { seed: 7 }));
  const tokenizer = CharTokenizer.fromCorpus('abcde');
  const extra = { step: 12, rng: [1, 2, 3, 4], note: 'ü' };
  await saveCheckpoint(dir, { policy, tokenizer, extra });
  const loaded = await loadCheckpoint(dir);
  keep(loaded.policy);
  expect(loaded.policy.spec).toEqual(spec);
  expect(loaded.policy.weightNames).toEqual(policy.weightNames);
  expect(bits(loaded.policy)).toEqual(bits(policy));
  expect(loaded.extra).toEqual(extra);
  expect(loaded.tokenizer?.toJSON()).toEqual(tokenizer.toJSON());
  expect(loaded.manifest.weights.map((w) => w.shape)).toEqual(policy.variables.map((v) => v.shape));
  expect(await readdir(join(dir, '..'))).toEqual(['ckpt']); // no temporary or old directory left behind
}

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bond-ckpt-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.each(BACKENDS)('checkpoints on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const keep = trackPolicies();
  let n = 0;
  const freshDir = () => join(root, `${backend}-${n++}`, 'ckpt');

  it.each([true, false])('round-trips a tabular policy bit for bit, with tokenizer and extra (factorized = %s)', (factorized) =>
    expectRoundTrip({ ...TABULAR, factorized } as PolicySpec, freshDir(), keep),
  );

  it('replaces an existing checkpoint and leaves nothing else behind', async () => {
    const dir = freshDir();
    await saveCheckpoint(dir, { policy: keep(createPolicy(TABULAR, { seed: 1 })), extra: 'first' });
    const second = keep(createPolicy(TABULAR, { seed: 2 }));
    await saveCheckpoint(dir, { policy: second });
    const loaded = await loadCheckpoint(dir);
    keep(loaded.policy);
    expect(bits(loaded.policy)).toEqual(bits(second));
    expect(loaded.extra).toBeNull();
    expect(loaded.tokenizer).toBeUndefined();
    expect(await readdir(join(dir, '..'))).toEqual(['ckpt']);
  });

  it('an interrupted save (failure before the rename, or a stray temp dir from a crash) leaves the previous checkpoint loadable', async () => {
    const dir = freshDir();
    const first = keep(createPolicy(TABULAR, { seed: 1 }));
    await saveCheckpoint(dir, { policy: first });
    const crash = saveCheckpoint(dir, { policy: keep(createPolicy(TABULAR, { seed: 2 })) }, {
      beforeCommit: async (temp) => {
        // The new checkpoint is complete in its temporary directory when the "crash" happens.
        expect(await readdir(temp)).toEqual(expect.arrayContaining(['manifest.json', 'weights.safetensors']));
        throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    // A hard kill would also leave a half-written temp directory behind.
    await mkdir(`${dir}.tmp-999-deadbeef`);
    await writeFile(join(`${dir}.tmp-999-deadbeef`, 'weights.safetensors'), new Uint8Array(5));
    const loaded = await loadCheckpoint(dir);
    keep(loaded.policy);
    expect(bits(loaded.policy)).toEqual(bits(first));
  });

  it('refuses non-finite weights, naming the tensor, and writes nothing', async () => {
    const dir = freshDir();
    const policy = keep(createPolicy(TABULAR, { seed: 1 }));
    const pos1 = policy.variables[1]!;
    tf.tidy(() => pos1.assign(tf.where(tf.equal(tf.reshape(tf.range(0, 9), [3, 3]), 4), tf.fill([3, 3], NaN), pos1)));
    await expect(saveCheckpoint(dir, { policy })).rejects.toThrow(`saveCheckpoint ${dir}: tensor "pos1": expected finite weights, got NaN at index 4`);
    await expect(readdir(join(dir, '..'))).rejects.toThrow(); // not even the parent was created
  });

  it('refuses extra that is not JSON and a target that is not a checkpoint', async () => {
    const dir = freshDir();
    const policy = keep(createPolicy(TABULAR, { seed: 1 }));
    await expect(saveCheckpoint(dir, { policy, extra: { n: 1n } })).rejects.toThrow(/expected JSON-serialisable extra/);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'precious');
    await expect(saveCheckpoint(dir, { policy })).rejects.toThrow(/expected a missing path or a checkpoint directory to replace, got an existing directory without manifest.json/);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('precious');
  });
});

describe.each(BACKENDS)('GPT checkpoints on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const keep = trackPolicies();

  it('round-trips a gpt policy bit for bit, with tokenizer and extra', () =>
    expectRoundTrip(GPT, join(root, `gpt-${backend}`, 'ckpt'), keep),
  );
});

describe('loadCheckpoint rejects damaged checkpoints with clear errors', () => {
  beforeAll(() => useBackend('cpu'));
  let dir = '';
  let weightsPath = '';
  let manifestPath = '';
  let pristine: { weights: Buffer; manifest: string };
  beforeAll(async () => {
    dir = join(root, 'damaged', 'ckpt');
    weightsPath = join(dir, 'weights.safetensors');
    manifestPath = join(dir, 'manifest.json');
    const policy = createPolicy(TABULAR, { seed: 3 });
    await saveCheckpoint(dir, { policy });
    policy.dispose();
    pristine = { weights: await readFile(weightsPath), manifest: await readFile(manifestPath, 'utf8') };
  });
  afterEach(async () => {
    await writeFile(weightsPath, pristine.weights);
    await writeFile(manifestPath, pristine.manifest);
  });

  /** Rewrites weights.safetensors as a well-formed file whose tensors are transformed by `edit`. */
  const rewriteTensors = async (edit: (ts: ReturnType<typeof decodeSafetensors>['tensors']) => Parameters<typeof encodeSafetensors>[0]) => {
    const decoded = decodeSafetensors(new Uint8Array(pristine.weights), 'pristine');
    await writeFile(weightsPath, encodeSafetensors(edit(decoded.tensors)));
  };
  const rewriteManifest = async (edit: (m: Record<string, any>) => void) => {
    const manifest = JSON.parse(pristine.manifest) as Record<string, any>;
    edit(manifest);
    await writeFile(manifestPath, JSON.stringify(manifest));
  };
  const rejects = (pattern: string | RegExp) => expect(loadCheckpoint(dir)).rejects.toThrow(pattern);

  it('a truncated weights file', async () => {
    await writeFile(weightsPath, pristine.weights.subarray(0, pristine.weights.length - 10));
    await expect(loadCheckpoint(dir)).rejects.toBeInstanceOf(BondInputError);
    await rejects(new RegExp(`checkpoint ${dir}: weights.safetensors: tensor "pos2": expected data_offsets within the \\d+ data bytes, got .* \\(truncated file\\?\\)`));
    await writeFile(weightsPath, pristine.weights.subarray(0, 6));
    await rejects(/expected at least 8 bytes \(the header length\), got 6 bytes \(truncated file\?\)/);
  });

  it('a tensor whose shape was changed', async () => {
    await rewriteTensors((ts) => ts.map((t) => (t.name === 'pos1' ? { ...t, shape: [1, 9] } : t)));
    await rejects(`checkpoint ${dir}: tensor "pos1": expected shape [3,3], got [1,9]`);
  });

  it('a tensor whose dtype was changed in the header', async () => {
    const tampered = Buffer.from(pristine.weights);
    const header = tampered.toString('latin1');
    const at = header.indexOf('"F32"', header.indexOf('"pos1"'));
    tampered.write('"F16"', at, 'latin1');
    await writeFile(weightsPath, tampered);
    await rejects(`checkpoint ${dir}: weights.safetensors: tensor "pos1": expected dtype "F32", got "F16"`);
  });

  it('a missing tensor, and an extra one', async () => {
    await rewriteTensors((ts) => ts.filter((t) => t.name !== 'pos2'));
    await rejects(`checkpoint ${dir}: tensor "pos2": expected in weights.safetensors, got nothing (missing)`);
    await rewriteTensors((ts) => [...ts, { name: 'bonus', shape: [1], data: new Float32Array(1) }]);
    await rejects(`checkpoint ${dir}: tensor "bonus": expected only the weights listed in manifest.json, got an extra tensor`);
  });

  it('weights consistent with the manifest but not with the spec', async () => {
    await rewriteTensors((ts) => ts.map((t) => (t.name === 'pos2' ? { ...t, shape: [3, 9] } : t)));
    await rewriteManifest((m) => (m['weights'][2].shape = [3, 9]));
    await rejects(/tensor "pos2": expected shape \[9,3\] for spec .*, got \[3,9\]/);
  });

  it('NaN weights in the file', async () => {
    await rewriteTensors((ts) => ts.map((t) => (t.name === 'pos0' ? { ...t, data: Float32Array.from([0, NaN, 0]) } : t)));
    await rejects(`checkpoint ${dir}: tensor "pos0": expected finite weights, got NaN at index 1`);
  });

  it('a bad manifest, naming the file and the field', async () => {
    await rewriteManifest((m) => (m['spec'].vocabSize = 0));
    await rejects(`${manifestPath}: spec: vocabSize: expected PositiveInt, got 0`);
    await rewriteManifest((m) => (m['version'] = 2));
    await rejects(`${manifestPath}: version: expected 1, got 2`);
    await rewriteManifest((m) => (m['weights'][0].dtype = 'I32'));
    await rejects(`${manifestPath}: weights.0.dtype: expected "F32", got "I32"`);
    await rewriteManifest((m) => (m['tokenizer'] = { kind: 'char' }));
    await rejects(new RegExp(`${manifestPath}: tokenizer.*alphabet: expected string, got undefined`));
    await writeFile(manifestPath, '{ not json');
    await rejects(new RegExp(`${manifestPath}: expected JSON, got`));
  });

  it('a missing directory, pointing at the leftovers of an interrupted save', async () => {
    const gone = join(root, 'gone', 'ckpt');
    await mkdir(`${gone}.old-1-abcd`, { recursive: true });
    await expect(loadCheckpoint(gone)).rejects.toThrow(
      new RegExp(`checkpoint ${gone}: expected a checkpoint directory, got nothing \\(missing\\); found ckpt.old-1-abcd next to it`),
    );
    await expect(loadCheckpoint(join(root, 'nowhere'))).rejects.toThrow(/expected a checkpoint directory, got nothing \(missing\)$/);
  });
});
