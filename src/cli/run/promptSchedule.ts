import { createRng, type Prompt } from '../../core/index.js';

/**
 * The prompt batches of a run as a pure function of the step: the prompts are read in epochs, each a
 * fresh seeded shuffle, and step s takes positions s·B … s·B + B − 1 of that endless stream. Because
 * nothing depends on what ran before, a resumed run gets exactly the batches the uninterrupted run
 * would have (Algorithm 2's "sample batch of prompts D_t ⊆ D", made reproducible).
 *
 * @example
 * const batchAt = promptSchedule(prompts, 1, 8);
 * batchAt(0).length; // 8
 * batchAt(3); // the same batch every time, in any order of calls
 */
export function promptSchedule(prompts: ReadonlyArray<Prompt>, seed: number, batchSize: number): (step: number) => Prompt[] {
  if (prompts.length === 0) throw new RangeError('promptSchedule: expected at least one prompt, got none');
  const epochs = new Map<number, number[]>();
  const order = (epoch: number): number[] => {
    let perm = epochs.get(epoch);
    if (perm === undefined) {
      perm = shuffled(prompts.length, createRng(Math.imul(seed + 1, 0x9e3779b1) ^ epoch));
      epochs.clear(); // positions only move forward: the previous epoch is never needed again
      epochs.set(epoch, perm);
    }
    return perm;
  };
  return (step) =>
    Array.from({ length: batchSize }, (_, j) => {
      const position = step * batchSize + j;
      const index = order(Math.floor(position / prompts.length))[position % prompts.length] as number;
      return prompts[index] as Prompt;
    });
}

/** A uniformly random permutation of 0 … n − 1 (Fisher–Yates). */
function shuffled(n: number, rng: ReturnType<typeof createRng>): number[] {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
  }
  return perm;
}
