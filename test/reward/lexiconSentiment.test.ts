import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { lexiconSentiment, type RewardInput } from '../../src/reward/index.js';

// The AFINN-165 table the `sentiment` package ships, read directly as the slow, obvious reference.
const afinn = createRequire(import.meta.url)('sentiment/languages/en/labels.json') as Record<string, number>;

const text = (completion: string, prompt = ''): RewardInput => ({ prompt, completion, promptTokens: [], completionTokens: [] });

/** Sum of AFINN scores of the lowercase words (valid for text without negators or punctuation). */
function afinnSum(s: string): number {
  return s.toLowerCase().split(/\s+/).filter((w) => w !== '').reduce((acc, w) => acc + (afinn[w] ?? 0), 0);
}

describe('lexiconSentiment', () => {
  const rm = lexiconSentiment();
  it('scores positive text above 0 and negative text below 0', async () => {
    const [pos, neg] = await rm.score([text('a great and wonderful nation'), text('a terrible, disastrous war')]);
    expect(pos).toBeGreaterThan(0);
    expect(neg).toBeLessThan(0);
  });
  it('equals the sum of AFINN word scores', async () => {
    const samples = ['good people love peace', 'war and hate and fear', 'the Union is strong and prosperous', 'we table the motion'];
    const scores = await rm.score(samples.map((s) => text(s)));
    expect(scores).toEqual(samples.map(afinnSum));
    expect(scores.some((s) => s !== 0)).toBe(true);
  });
  it('flips the score of a word preceded by a negator', async () => {
    const [plain, negated] = await rm.score([text('good'), text('not good')]);
    expect(negated).toBe(-(plain as number));
    expect(plain).toBe(afinn.good);
  });
  it('scores only the completion, not the prompt', async () => {
    const [withPrompt, without] = await rm.score([text('a fine day', 'terrible awful horrible'), text('a fine day')]);
    expect(withPrompt).toBe(without);
  });
  it('scores empty and whitespace-only text 0', async () => {
    expect(await rm.score([text(''), text('  \n ')])).toEqual([0, 0]);
  });
});
