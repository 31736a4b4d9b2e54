import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { fromFunction, type RewardInput } from '../../src/reward/index.js';

const input = (completionTokens: number[], completion = ''): RewardInput => ({ prompt: '', completion, promptTokens: [], completionTokens });

describe('fromFunction', () => {
  it('scores every input with the function, in order (sync and async)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 6 }), { maxLength: 10 }), async (rows) => {
        const sum = (x: RewardInput): number => x.completionTokens.reduce((a, b) => a + b, 0);
        const expected = rows.map((r) => r.reduce((a, b) => a + b, 0));
        expect(await fromFunction(sum).score(rows.map((r) => input(r)))).toEqual(expected);
        expect(await fromFunction(async (x) => sum(x)).score(rows.map((r) => input(r)))).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });
  it('uses the given name, "function" by default', () => {
    expect(fromFunction(() => 0).name).toBe('function');
    expect(fromFunction(() => 0, 'zero').name).toBe('zero');
  });
  it.each([NaN, Infinity, -Infinity])('rejects a non-finite reward (%s), naming the model, the batch index and the value', async (bad) => {
    const rm = fromFunction((x) => (x.completion === 'bad' ? bad : 1), 'picky');
    const run = rm.score([input([], 'ok'), input([], 'ok'), input([], 'bad')]);
    await expect(run).rejects.toBeInstanceOf(BondInputError);
    await expect(rm.score([input([], 'ok'), input([], 'ok'), input([], 'bad')])).rejects.toThrow(
      `reward model "picky": batch[2]: expected a finite number, got ${String(bad)}`,
    );
  });
  it('rejects a non-number smuggled past the types', async () => {
    const rm = fromFunction(() => 'high' as unknown as number, 'untyped');
    await expect(rm.score([input([])])).rejects.toThrow('reward model "untyped": batch[0]: expected a finite number, got "high"');
  });
  it('scores an empty batch as an empty array', async () => {
    expect(await fromFunction(() => 1).score([])).toEqual([]);
  });
});
