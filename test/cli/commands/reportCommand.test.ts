import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { recordingIo, trainTinyRun } from '../helpers/tinyTask.js';

let run: string;

beforeAll(async () => {
  ({ run } = await trainTinyRun(mkdtempSync(join(tmpdir(), 'bond-report-'))));
});

describe('bond report', () => {
  it('writes the three SVG charts and a report.html that shows them with the eval table, samples and config', async () => {
    const io = recordingIo();
    expect(await main(['report', run], io)).toBe(0);
    const files = readdirSync(join(run, 'report')).sort();
    expect(files).toEqual(['kl.svg', 'report.html', 'reward-vs-kl.svg', 'reward.svg']);
    for (const svg of files.filter((f) => f.endsWith('.svg'))) {
      const text = readFileSync(join(run, 'report', svg), 'utf8');
      expect(text.startsWith('<svg')).toBe(true);
      expect(text.endsWith('</svg>')).toBe(true);
    }
    const html = readFileSync(join(run, 'report', 'report.html'), 'utf8');
    for (const svg of ['reward.svg', 'kl.svg', 'reward-vs-kl.svg']) expect(html).toContain(`<img src="${svg}"`);
    for (const n of [1, 2, 4]) expect(html).toContain(`<td>Best-of-${n} (reference)</td>`);
    expect(html).toContain('policy ≈ Best-of-N of the reference for N ≈');
    expect(html).toContain('&quot;pipeline&quot;: &quot;jbond&quot;');
    expect(html).toMatch(/<tr><td>2<\/td><td>/); // the samples logged after step 2
  });

  it('without eval.json the report says how to add the table', async () => {
    rmSync(join(run, 'eval.json'));
    expect(await main(['report', run], recordingIo())).toBe(0);
    expect(readFileSync(join(run, 'report', 'report.html'), 'utf8')).toContain('No evaluation yet');
  });

  it('exits 2 for a directory that is not a run', async () => {
    const io = recordingIo();
    expect(await main(['report', join(run, 'checkpoints')], io)).toBe(2);
    expect(io.err()).toContain('expected a run directory holding config.json');
  });
});
