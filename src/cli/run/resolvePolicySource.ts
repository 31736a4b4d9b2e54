import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BondInputError } from '../../core/index.js';
import { CHECKPOINT_FILES } from '../../policy/index.js';
import { RunDirectory } from './runDirectory.js';
import { latestCheckpoint, TRAINING_CHECKPOINT_FILES } from './trainingCheckpoint.js';

/**
 * Where to load a policy from, and the run it belongs to, if any.
 *
 * @example
 * const { policyDir, run }: PolicySource = await resolvePolicySource('runs/a', 'bond eval');
 */
export interface PolicySource {
  /** A policy checkpoint directory (`loadCheckpoint`). */
  readonly policyDir: string;
  /** The run directory, when the path was a run or one of its checkpoints. */
  readonly run?: RunDirectory;
}

/**
 * Accepts what a user would point `bond sample` or `bond eval` at: a run directory (its newest complete
 * checkpoint's policy), a training checkpoint `…/checkpoints/step-N` (its policy), or a policy
 * checkpoint directory (e.g. the reference model in `pipelines/assets/reference`). Anything else is a
 * `BondInputError` naming `where`.
 *
 * @example
 * await resolvePolicySource('runs/jbond-1', 'bond eval'); // { policyDir: 'runs/jbond-1/checkpoints/step-200/policy', run }
 */
export async function resolvePolicySource(path: string, where: string): Promise<PolicySource> {
  const run = new RunDirectory(path);
  if (run.isRun()) {
    const latest = await latestCheckpoint(run.checkpoints);
    if (latest === undefined) throw new BondInputError(`${where}: expected a run with a complete checkpoint, got none in ${run.checkpoints}`);
    return { policyDir: join(latest, TRAINING_CHECKPOINT_FILES.policy), run };
  }
  if (existsSync(join(path, TRAINING_CHECKPOINT_FILES.state))) {
    const owner = new RunDirectory(dirname(dirname(path)));
    return { policyDir: join(path, TRAINING_CHECKPOINT_FILES.policy), ...(owner.isRun() ? { run: owner } : {}) };
  }
  if (existsSync(join(path, CHECKPOINT_FILES.manifest))) return { policyDir: path };
  throw new BondInputError(`${where}: expected a run directory, a checkpoints/step-N directory or a policy checkpoint, got ${path}`);
}
