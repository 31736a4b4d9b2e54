import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { recordingIo, TINY_ALPHABET, trainTinyRun } from '../helpers/tinyTask.js';

let run: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bond-sample-'));
  ({ run } = await trainTinyRun(dir));
});

async function sample(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  const code = await main(['sample', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

/** The reward of the tiny task: the number of letters a. */
const countA = (text: string): number => [...text].filter((c) => c === 'a').length;

describe('bond sample', () => {
  it('continues the prompt with max-tokens characters of the alphabet and prints its reward', async () => {
    const { code, out } = await sample(run, '--prompt', 'ab', '--max-tokens', '5', '--reward', join(dir, 'reward.mjs'), '--backend', 'cpu');
    expect(code).toBe(0);
    const [text, rewardLine] = out.split('\n');
    expect(text?.startsWith('ab')).toBe(true);
    const completion = (text ?? '').slice(2);
    expect(completion).toHaveLength(5);
    expect([...completion].every((c) => TINY_ALPHABET.includes(c))).toBe(true);
    expect(rewardLine).toBe(`reward ${countA(completion)}`);
  });

  it('with --best-of N prints the candidate with the highest reward, then all N candidates best first', async () => {
    const { code, out } = await sample(run, '--prompt', 'ab', '--best-of', '6', '--max-tokens', '6', '--seed', '4', '--reward', join(dir, 'reward.mjs'), '--backend', 'cpu');
    expect(code).toBe(0);
    const [text, rewardLine, ...rest] = out.trim().split('\n');
    const candidates = rest.map((line) => JSON.parse(line.trim().replace(/^\S+\s+/, '')) as string);
    expect(candidates).toHaveLength(6);
    const rewards = candidates.map(countA);
    expect(rest.map((line) => Number(line.trim().split(/\s+/)[0]))).toEqual(rewards);
    expect(rewards).toEqual([...rewards].sort((a, b) => b - a));
    expect(text).toBe(`ab${candidates[0]}`);
    expect(rewardLine).toBe(`reward ${Math.max(...rewards)} (best of 6)`);
  });

  it('the same seed gives the same completion', async () => {
    const args = [run, '--prompt', 'de', '--seed', '9', '--max-tokens', '6', '--reward', join(dir, 'reward.mjs'), '--backend', 'cpu'];
    expect((await sample(...args)).out).toBe((await sample(...args)).out);
  });

  it('exits 2 for a missing --prompt, a prompt outside the alphabet, and too many tokens for the context', async () => {
    const noPrompt = await sample(run);
    expect(noPrompt.code).toBe(2);
    expect(noPrompt.err).toContain('--prompt: expected the text to continue, got none');
    const outside = await sample(run, '--prompt', 'xyz', '--reward', join(dir, 'reward.mjs'), '--backend', 'cpu');
    expect(outside.code).toBe(2);
    expect(outside.err).toContain('got "x"');
    const tooLong = await sample(run, '--prompt', 'ab', '--max-tokens', '20', '--reward', join(dir, 'reward.mjs'), '--backend', 'cpu');
    expect(tooLong.code).toBe(2);
    expect(tooLong.err).toContain('--max-tokens: expected at most 14');
  });
});
