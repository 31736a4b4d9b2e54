import { describe, expect, it } from 'vitest';
import type { Prompt } from '../../../src/core/index.js';
import { promptSchedule } from '../../../src/cli/run/promptSchedule.js';

const prompts: Prompt[] = Array.from({ length: 7 }, (_, i) => ({ text: `p${i}`, tokens: [i] }));

describe('promptSchedule', () => {
  it('gives every step the same batch whatever was asked before (what a resumed run relies on)', () => {
    const inOrder = promptSchedule(prompts, 3, 4);
    const expected = Array.from({ length: 10 }, (_, s) => inOrder(s));
    const fresh = promptSchedule(prompts, 3, 4);
    for (const s of [9, 2, 5, 0, 7]) expect(fresh(s)).toEqual(expected[s]);
  });

  it('visits every prompt exactly once per epoch', () => {
    const batchAt = promptSchedule(prompts, 11, 1);
    for (const epoch of [0, 1, 2]) {
      const seen = Array.from({ length: prompts.length }, (_, j) => batchAt(epoch * prompts.length + j)[0]?.text);
      expect([...seen].sort()).toEqual(prompts.map((p) => p.text));
    }
  });

  it('shuffles differently across epochs and seeds', () => {
    const order = (seed: number, epoch: number): string => Array.from({ length: 7 }, (_, j) => promptSchedule(prompts, seed, 1)(epoch * 7 + j)[0]?.text).join();
    expect(order(1, 0)).not.toBe(order(1, 1));
    expect(order(1, 0)).not.toBe(order(2, 0));
  });
});
