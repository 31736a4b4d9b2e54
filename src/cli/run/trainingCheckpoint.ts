import * as t from 'io-ts';
import type * as tf from '@tensorflow/tfjs-core';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BondInputError, decodeOrThrow, NonNegativeInt, type RngState } from '../../core/index.js';
import { decodeSafetensors, encodeSafetensors, loadCheckpoint, saveCheckpoint, type Policy, type Tokenizer } from '../../policy/index.js';
import { adamStateTensors, restoreAdamState } from './adamState.js';

/**
 * File and folder names inside `checkpoints/step-N/`.
 *
 * @example
 * join('runs/a/checkpoints/step-50', TRAINING_CHECKPOINT_FILES.state); // …/state.json
 */
export const TRAINING_CHECKPOINT_FILES = { policy: 'policy', anchor: 'anchor', optimizer: 'optimizer.safetensors', state: 'state.json' } as const;

const Uint32 = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'Uint32');

/**
 * `state.json` of a training checkpoint: the number of steps done, the training generator's state, the
 * position in the prompt stream (prompts consumed so far), and the count of skipped non-finite updates.
 *
 * @example
 * const s: TrainingState = { step: 50, rng: [1, 2, 3, 4], dataPosition: 400, nonFiniteSkips: 0 };
 */
export const TrainingState = t.type(
  { step: NonNegativeInt, rng: t.tuple([Uint32, Uint32, Uint32, Uint32]), dataPosition: NonNegativeInt, nonFiniteSkips: NonNegativeInt },
  'TrainingState',
);
/**
 * See the {@link TrainingState} codec.
 *
 * @example
 * const state: TrainingState = { step: 50, rng: rng.state(), dataPosition: 1600, nonFiniteSkips: 0 };
 */
export interface TrainingState {
  readonly step: number;
  readonly rng: RngState;
  readonly dataPosition: number;
  readonly nonFiniteSkips: number;
}

/**
 * Everything a training checkpoint holds.
 *
 * @example
 * const snapshot: TrainingSnapshot = { policy, anchor, optimizer, tokenizer, state };
 */
export interface TrainingSnapshot {
  readonly policy: Policy;
  /** The moving anchor, for pipelines that have one. */
  readonly anchor?: Policy;
  readonly optimizer: tf.Optimizer;
  readonly tokenizer?: Tokenizer;
  readonly state: TrainingState;
}

/**
 * Writes `checkpointsDir/step-N/` (N = `state.step`) holding `policy/` and `anchor/` (policy
 * checkpoints), `optimizer.safetensors` (the full Adam state) and `state.json`. The whole directory is
 * assembled under a temporary name and renamed into place, so `step-N` either exists complete or not at
 * all: a crash or Ctrl-C mid-save never damages an earlier checkpoint. Returns the directory.
 *
 * @example
 * await saveTrainingCheckpoint('runs/a/checkpoints', { policy, anchor, optimizer, tokenizer, state });
 */
export async function saveTrainingCheckpoint(checkpointsDir: string, snapshot: TrainingSnapshot): Promise<string> {
  const name = `step-${snapshot.state.step}`;
  const target = join(checkpointsDir, name);
  const temp = join(checkpointsDir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(checkpointsDir, { recursive: true });
  try {
    await mkdir(temp);
    const tokenizer = snapshot.tokenizer === undefined ? {} : { tokenizer: snapshot.tokenizer };
    await saveCheckpoint(join(temp, TRAINING_CHECKPOINT_FILES.policy), { policy: snapshot.policy, ...tokenizer, extra: { step: snapshot.state.step } });
    if (snapshot.anchor !== undefined) {
      await saveCheckpoint(join(temp, TRAINING_CHECKPOINT_FILES.anchor), { policy: snapshot.anchor, ...tokenizer, extra: { step: snapshot.state.step } });
    }
    await writeFile(join(temp, TRAINING_CHECKPOINT_FILES.optimizer), encodeSafetensors(await adamStateTensors(snapshot.optimizer)));
    await writeFile(join(temp, TRAINING_CHECKPOINT_FILES.state), `${JSON.stringify(snapshot.state, null, 2)}\n`);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  const old = join(checkpointsDir, `.${name}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
  const replacing = (await stat(target).catch(() => undefined)) !== undefined;
  if (replacing) await rename(target, old);
  await rename(temp, target);
  if (replacing) await rm(old, { recursive: true, force: true });
  return target;
}

/**
 * Loads `step-N/` into fresh objects: the policy, the anchor if saved, and `optimizer` (a fresh Adam of
 * the run's configuration, given by the caller) with its saved state put back. The caller owns and
 * disposes everything returned.
 *
 * @example
 * const snapshot = await loadTrainingCheckpoint('runs/a/checkpoints/step-50', new WarmupAdam(adam));
 */
export async function loadTrainingCheckpoint(dir: string, optimizer: tf.Optimizer): Promise<TrainingSnapshot> {
  const state = await readState(dir);
  const { policy, tokenizer } = await loadCheckpoint(join(dir, TRAINING_CHECKPOINT_FILES.policy));
  let anchor: Policy | undefined;
  try {
    const anchorDir = join(dir, TRAINING_CHECKPOINT_FILES.anchor);
    if ((await stat(anchorDir).catch(() => undefined)) !== undefined) anchor = (await loadCheckpoint(anchorDir)).policy;
    const optimizerPath = join(dir, TRAINING_CHECKPOINT_FILES.optimizer);
    const bytes = await readFile(optimizerPath).catch(() => {
      throw new BondInputError(`${optimizerPath}: expected a readable optimizer state, got nothing (missing)`);
    });
    await restoreAdamState(optimizer, decodeSafetensors(bytes, optimizerPath).tensors, optimizerPath);
  } catch (error) {
    policy.dispose();
    anchor?.dispose();
    throw error;
  }
  return { policy, ...(anchor === undefined ? {} : { anchor }), optimizer, ...(tokenizer === undefined ? {} : { tokenizer }), state };
}

/**
 * The `step-N` directories of a run, newest (largest N) first. Temporary and replaced directories of an
 * interrupted save (`.step-N.tmp-*`, `.step-N.old-*`) are not listed.
 *
 * @example
 * await listCheckpoints('runs/a/checkpoints'); // ['runs/a/checkpoints/step-100', 'runs/a/checkpoints/step-50']
 */
export async function listCheckpoints(checkpointsDir: string): Promise<string[]> {
  const names = await readdir(checkpointsDir).catch(() => [] as string[]);
  return names
    .map((name) => ({ name, step: /^step-(\d+)$/.exec(name)?.[1] }))
    .filter((x): x is { name: string; step: string } => x.step !== undefined)
    .sort((a, b) => Number(b.step) - Number(a.step))
    .map((x) => join(checkpointsDir, x.name));
}

/**
 * The newest checkpoint whose `state.json` reads back, or undefined if there is none.
 *
 * @example
 * const last = await latestCheckpoint('runs/a/checkpoints'); // 'runs/a/checkpoints/step-100'
 */
export async function latestCheckpoint(checkpointsDir: string): Promise<string | undefined> {
  for (const dir of await listCheckpoints(checkpointsDir)) {
    if (await readState(dir).then(() => true, () => false)) return dir;
  }
  return undefined;
}

/**
 * Deletes all but the newest `keep` checkpoints, and what interrupted saves left behind (`.step-N.tmp-*`,
 * `.step-N.old-*`; only one process trains in a run directory, and it calls this between saves).
 *
 * @example
 * await pruneCheckpoints('runs/a/checkpoints', 3);
 */
export async function pruneCheckpoints(checkpointsDir: string, keep: number): Promise<void> {
  const leftovers = (await readdir(checkpointsDir).catch(() => [] as string[])).filter((name) => /^\.step-\d+\.(tmp|old)-/.test(name));
  const stale = [...(await listCheckpoints(checkpointsDir)).slice(keep), ...leftovers.map((name) => join(checkpointsDir, name))];
  for (const dir of stale) await rm(dir, { recursive: true, force: true });
}

/**
 * Reads and validates `state.json` of a checkpoint directory.
 *
 * @example
 * (await readState('runs/a/checkpoints/step-50')).step; // 50
 */
export async function readState(dir: string): Promise<TrainingState> {
  const path = join(dir, TRAINING_CHECKPOINT_FILES.state);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new BondInputError(`${path}: expected a readable training state, got nothing (missing)`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BondInputError(`${path}: expected JSON, got ${error instanceof Error ? error.message : String(error)}`);
  }
  const state = decodeOrThrow(TrainingState, json, path);
  return { ...state, rng: state.rng as RngState };
}
