import * as tf from '@tensorflow/tfjs-core';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BondInputError, decodeWith, NonNegativeInt } from '../core/index.js';
import { createPolicy, decodePolicySpec } from './createPolicy.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';
import { tokenizerFromJSON, TokenizerJSON, type Tokenizer } from './tokenizer.js';
import type { Policy, PolicySpec } from './types.js';

/** File names inside a checkpoint directory. */
export const CHECKPOINT_FILES = { manifest: 'manifest.json', weights: 'weights.safetensors' } as const;

/** Written into every manifest; bumped when the layout changes incompatibly. */
export const CHECKPOINT_FORMAT = { format: 'bond-rlhf-checkpoint', version: 1 } as const;

const WeightEntry = t.strict({ name: t.string, dtype: t.literal('F32'), shape: t.array(NonNegativeInt) }, 'WeightEntry');

/** The io-ts codec of `manifest.json` (the spec is decoded separately, by its kind). */
export const CheckpointManifestCodec = t.type(
  {
    format: t.literal(CHECKPOINT_FORMAT.format),
    version: t.literal(CHECKPOINT_FORMAT.version),
    spec: t.unknown,
    tokenizer: t.union([TokenizerJSON, t.undefined]),
    weights: t.array(WeightEntry),
    extra: t.unknown,
  },
  'CheckpointManifest',
);

/** The decoded `manifest.json` of a checkpoint. */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT.format;
  readonly version: typeof CHECKPOINT_FORMAT.version;
  /** The architecture: enough to rebuild the policy through `createPolicy`. */
  readonly spec: PolicySpec;
  /** The tokenizer, if one was saved. */
  readonly tokenizer?: TokenizerJSON;
  /** Weight names in `policy.weightNames` order, with their dtypes and shapes. */
  readonly weights: ReadonlyArray<{ readonly name: string; readonly dtype: 'F32'; readonly shape: readonly number[] }>;
  /** Caller-defined JSON (training step, RNG state, config…); `null` when none was given. */
  readonly extra: unknown;
}

/** What {@link saveCheckpoint} stores. */
export interface CheckpointContent {
  readonly policy: Policy;
  readonly tokenizer?: Tokenizer;
  /** Any JSON-serialisable value, returned as-is by {@link loadCheckpoint}. */
  readonly extra?: unknown;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * Called once the new checkpoint is completely written and fsynced in its temporary directory, just
   * before it replaces `dir`, e.g. to verify it loads. Throwing aborts the save: the temporary directory
   * is removed and `dir` is left untouched (tests use this to simulate a crash mid-save).
   */
  readonly beforeCommit?: (tempDir: string) => void | Promise<void>;
}

/** A loaded checkpoint: a fresh policy holding the saved weights, and what was saved with it. */
export interface LoadedCheckpoint {
  readonly policy: Policy;
  readonly tokenizer?: Tokenizer;
  readonly extra: unknown;
  readonly manifest: CheckpointManifest;
}

/**
 * Saves a policy (and optionally its tokenizer and extra JSON) as a checkpoint directory holding
 * `weights.safetensors` and `manifest.json` (format version, spec, tokenizer, weight names → dtype and
 * shape, extra).
 *
 * Crash safety: everything is written to `<dir>.tmp-<pid>-<random>` and fsynced, then renamed to `dir`.
 * If `dir` already holds a checkpoint, it is first renamed to `<dir>.old-<pid>-<random>`, the new one
 * is renamed into place, and only then is the old one deleted. A crash before the renames leaves the
 * previous checkpoint intact (plus a stray `.tmp-*` directory); a crash in the tiny window between the
 * two renames leaves no `dir` but two complete checkpoints next to it, which `loadCheckpoint` points
 * out: rename either back. An existing `dir` that is not a checkpoint is never replaced.
 *
 * Refuses non-finite weights (a `RangeError` naming the tensor), so a diverged run never overwrites a
 * good checkpoint.
 *
 * @example
 * await saveCheckpoint('runs/a/step-100', { policy, tokenizer, extra: { step: 100 } });
 * const { policy: restored, extra } = await loadCheckpoint('runs/a/step-100'); // extra = { step: 100 }
 */
export async function saveCheckpoint(dir: string, content: CheckpointContent, options: SaveCheckpointOptions = {}): Promise<void> {
  const where = `saveCheckpoint ${dir}`;
  const { policy, tokenizer } = content;
  const tensors = policy.variables.map((v, i): NamedTensor => {
    const name = policy.weightNames[i] as string;
    const data = v.dataSync() as Float32Array;
    assertFinite(where, name, data, RangeError);
    return { name, shape: v.shape, data: Float32Array.from(data) };
  });
  const manifest = {
    ...CHECKPOINT_FORMAT,
    spec: policy.spec,
    ...(tokenizer !== undefined ? { tokenizer: tokenizer.toJSON() } : {}),
    weights: tensors.map(({ name, shape }) => ({ name, dtype: 'F32' as const, shape })),
    extra: content.extra ?? null,
  };
  let manifestText: string;
  try {
    manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  } catch (error) {
    throw new RangeError(`${where}: expected JSON-serialisable extra, got ${error instanceof Error ? error.message : String(error)}`);
  }
  const weightBytes = encodeSafetensors(tensors, { format: CHECKPOINT_FORMAT.format });

  const target = resolve(dir);
  await assertReplaceable(where, target);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(temp);
    await writeDurably(join(temp, CHECKPOINT_FILES.weights), weightBytes);
    await writeDurably(join(temp, CHECKPOINT_FILES.manifest), manifestText);
    await syncDirectory(temp);
    await options.beforeCommit?.(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await commit(temp, target);
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: validates `manifest.json` with io-ts (errors
 * name the file and field), checks `weights.safetensors` (size, header, offsets, dtypes) and that every
 * tensor matches the manifest and the architecture (errors name the tensor, e.g.
 * `checkpoint ckpt: tensor "pos2": expected shape [9,3], got [8,3]`), rebuilds the policy with
 * `createPolicy(spec, { seed: 0 })` and assigns the saved weights. Bad input is a `BondInputError`.
 *
 * @example
 * const { policy, tokenizer, extra, manifest } = await loadCheckpoint('runs/a/step-100');
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const where = `checkpoint ${dir}`;
  await assertIsDirectory(where, resolve(dir));
  const manifestPath = join(dir, CHECKPOINT_FILES.manifest);
  const manifest = decodeManifest(parseJson(manifestPath, await readInput(where, manifestPath)), manifestPath);
  const tokenizer = manifest.tokenizer === undefined ? undefined : tokenizerFromJSON(manifest.tokenizer, `${manifestPath}: tokenizer`);
  const file = decodeSafetensors(await readInput(where, join(dir, CHECKPOINT_FILES.weights)), `${where}: ${CHECKPOINT_FILES.weights}`);
  const byName = new Map(file.tensors.map((x) => [x.name, x]));
  for (const x of file.tensors) {
    if (!manifest.weights.some((w) => w.name === x.name)) throw new BondInputError(`${where}: tensor "${x.name}": expected only the weights listed in ${CHECKPOINT_FILES.manifest}, got an extra tensor`);
  }
  const values = manifest.weights.map(({ name, shape }) => {
    const x = byName.get(name);
    if (x === undefined) throw new BondInputError(`${where}: tensor "${name}": expected in ${CHECKPOINT_FILES.weights}, got nothing (missing)`);
    if (!sameShape(x.shape, shape)) throw new BondInputError(`${where}: tensor "${name}": expected shape ${showShape(shape)}, got ${showShape(x.shape)}`);
    assertFinite(where, name, x.data, BondInputError);
    return x;
  });

  const policy = createPolicy(manifest.spec, { seed: 0 });
  try {
    const names = policy.weightNames.join(',');
    if (names !== manifest.weights.map((w) => w.name).join(',')) {
      throw new BondInputError(`${where}: expected weights [${names}] for spec ${JSON.stringify(manifest.spec)}, got [${manifest.weights.map((w) => w.name).join(',')}]`);
    }
    policy.variables.forEach((v, i) => {
      const x = values[i] as NamedTensor;
      if (!sameShape(v.shape, x.shape)) {
        throw new BondInputError(`${where}: tensor "${x.name}": expected shape ${showShape(v.shape)} for spec ${JSON.stringify(manifest.spec)}, got ${showShape(x.shape)}`);
      }
      tf.tidy(() => v.assign(tf.tensor(x.data, [...x.shape], 'float32')));
    });
  } catch (error) {
    policy.dispose();
    throw error;
  }
  return { policy, extra: manifest.extra, manifest, ...(tokenizer !== undefined ? { tokenizer } : {}) };
}

function decodeManifest(json: unknown, path: string): CheckpointManifest {
  const decoded = decodeWith(CheckpointManifestCodec, json, path);
  if (E.isLeft(decoded)) throw new BondInputError(decoded.left.join('\n'), decoded.left);
  const spec = decodePolicySpec(decoded.right.spec, `${path}: spec`);
  if (E.isLeft(spec)) throw new BondInputError(spec.left.join('\n'), spec.left);
  const { tokenizer, ...rest } = decoded.right;
  return { ...rest, spec: spec.right, ...(tokenizer !== undefined ? { tokenizer } : {}) };
}

function parseJson(path: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new BondInputError(`${path}: expected JSON, got ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readInput(where: string, path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new BondInputError(`${where}: expected a readable ${basename(path)}, got ${errorCode(error)}`);
  }
}

/** Fails unless `path` is a directory; when it is missing, points at the leftovers of an interrupted save. */
async function assertIsDirectory(where: string, path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() === true) return;
  if (info !== undefined) throw new BondInputError(`${where}: expected a checkpoint directory, got a file`);
  const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
  const leftovers = siblings.filter((s) => s.startsWith(`${basename(path)}.old-`) || s.startsWith(`${basename(path)}.tmp-`));
  const hint = leftovers.length === 0 ? '' : `; found ${leftovers.join(', ')} next to it (an interrupted save: .old-* is the previous checkpoint, .tmp-* the new one if complete; rename one to ${basename(path)})`;
  throw new BondInputError(`${where}: expected a checkpoint directory, got nothing (missing)${hint}`);
}

/** Refuses to replace anything but a missing path or an existing checkpoint directory. */
async function assertReplaceable(where: string, target: string): Promise<void> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return;
  const hasManifest = info.isDirectory() && (await stat(join(target, CHECKPOINT_FILES.manifest)).catch(() => undefined)) !== undefined;
  if (!hasManifest) throw new BondInputError(`${where}: expected a missing path or a checkpoint directory to replace, got an existing ${info.isDirectory() ? 'directory without manifest.json' : 'file'}`);
}

/** Moves the completed temporary directory to `target`, keeping the old checkpoint until the new one is in place. */
async function commit(temp: string, target: string): Promise<void> {
  const exists = (await stat(target).catch(() => undefined)) !== undefined;
  if (!exists) {
    await rename(temp, target);
    await syncDirectory(dirname(target));
    return;
  }
  const old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  await rename(target, old);
  try {
    await rename(temp, target);
  } catch (error) {
    await rename(old, target); // put the previous checkpoint back
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await syncDirectory(dirname(target));
  await rm(old, { recursive: true, force: true });
}

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory so renames and new entries in it survive a power loss. */
async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync directories; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

function assertFinite(where: string, name: string, data: Float32Array, ErrorType: new (message: string) => Error): void {
  const i = data.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw new ErrorType(`${where}: tensor "${name}": expected finite weights, got ${data[i]} at index ${i}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function showShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
}
