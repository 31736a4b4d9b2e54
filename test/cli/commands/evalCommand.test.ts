import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOrThrow } from '../../../src/core/index.js';
import { EvalResult } from '../../../src/cli/eval/evalResult.js';
import { main } from '../../../src/cli/main.js';
import { recordingIo, trainTinyRun } from '../helpers/tinyTask.js';

let run: string;
let config: string;

beforeAll(async () => {
  ({ run, config } = await trainTinyRun(mkdtempSync(join(tmpdir(), 'bond-eval-'))));
});

describe('bond eval', () => {
  it('on a run: prints one row per N of the config and the policy, the headline, and writes eval.json', async () => {
    rmSync(join(run, 'eval.json'));
    const io = recordingIo();
    expect(await main(['eval', run], io)).toBe(0);
    const result = decodeOrThrow(EvalResult, JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8')), 'eval.json');
    expect(result.bestOfN.map((p) => p.n)).toEqual([1, 2, 4]);
    expect(result).toMatchObject({ prompts: 2, referenceSamplesPerPrompt: 4, policySamplesPerPrompt: 2, maxNewTokens: 4 });
    const out = io.out();
    for (const n of [1, 2, 4]) expect(out).toMatch(new RegExp(`Best-of-${n} \\(reference\\)\\s+${result.bestOfN[[1, 2, 4].indexOf(n)]?.rewardMean.toFixed(3)}`));
    expect(out).toContain(`policy (1 sample)`);
    expect(out).toContain('policy ≈ Best-of-N of the reference for N ≈');
    // Best-of-N's mean reward never decreases with N.
    const rewards = result.bestOfN.map((p) => p.rewardMean);
    expect(rewards).toEqual([...rewards].sort((a, b) => a - b));
  });

  it('is reproducible: the same checkpoint gets the same table', async () => {
    const a = recordingIo();
    const b = recordingIo();
    await main(['eval', run], a);
    await main(['eval', run], b);
    expect(a.out()).toBe(b.out());
  });

  it('a policy checkpoint outside a run is evaluated with --config, and writes no eval.json', async () => {
    const io = recordingIo();
    const reference = join(run, '..', 'reference');
    expect(await main(['eval', reference, '--config', config], io)).toBe(0);
    expect(existsSync(join(reference, 'eval.json'))).toBe(false);
    // The reference against itself: its KL is exactly 0.
    expect(io.out()).toMatch(/policy \(1 sample\)\s+\S+\s+0\.000/);
  });
});
