import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CORPUS_ALPHABET,
  DOCUMENT_SEPARATOR,
  extractPrompts,
  loadSotuAddresses,
  loadSotuText,
  normaliseText,
  splitCorpus,
} from '../../scripts/corpus.js';

const alphabet = new Set(CORPUS_ALPHABET);

/** Strings mixing full Unicode with the characters normalisation treats specially. */
const messyText = fc.string({
  unit: fc.oneof(fc.constantFrom(...'\n\r\t \u00a0\u2028‘’“”—–…[]{}ÉéïÅ`ﬁ½'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 60,
});

/** Documents: distinct, non-empty, normalised lines (what a normalised corpus is made of). */
const documents = fc.uniqueArray(fc.string({ unit: fc.constantFrom(...'ab .XY'), minLength: 1, maxLength: 8 }).map(normaliseText).filter((d) => d !== ''), {
  minLength: 2,
  maxLength: 30,
});

describe('normaliseText', () => {
  it('only outputs characters of CORPUS_ALPHABET', () => {
    fc.assert(fc.property(messyText, (s) => [...normaliseText(s)].every((c) => alphabet.has(c))));
  });
  it('is a fixed point: normalising twice changes nothing', () => {
    fc.assert(fc.property(messyText, (s) => normaliseText(normaliseText(s)) === normaliseText(s)));
  });
  it('leaves no leading, trailing or repeated whitespace, and no space next to a newline', () => {
    fc.assert(fc.property(messyText, (s) => !/^\s|\s$|\s\s/.test(normaliseText(s))));
  });
  it('keeps text already in the alphabet with single spaces unchanged', () => {
    const word = fc.string({ unit: fc.constantFrom(...CORPUS_ALPHABET.replace(/\s/g, '')), minLength: 1, maxLength: 6 });
    fc.assert(fc.property(fc.array(word, { maxLength: 8 }), (words) => normaliseText(words.join(' ')) === words.join(' ')));
  });
  it('straightens quotes and dashes, strips accents, keeps case and turns line breaks into one newline', () => {
    expect(normaliseText('“Liberty”  —  Égalité\r\n\r\n…')).toBe('"Liberty" - Egalite\n...');
    expect(normaliseText('It’s [sic] {x}\tsee   § 3')).toBe("It's (sic) (x) see 3");
  });
  it('has about 80 characters, newline and space included', () => {
    expect(CORPUS_ALPHABET).toHaveLength(79);
    expect(alphabet.size).toBe(CORPUS_ALPHABET.length);
    expect(alphabet.has(DOCUMENT_SEPARATOR)).toBe(true);
    expect(alphabet.has(' ')).toBe(true);
  });
});

describe('splitCorpus', () => {
  it('holds out the last ceil(fraction · n) documents; the parts are disjoint and rebuild the text', () => {
    fc.assert(
      fc.property(documents, fc.double({ min: 0, max: 0.5, noNaN: true }), (docs, validationFraction) => {
        const text = docs.join(DOCUMENT_SEPARATOR);
        const { train, validation } = splitCorpus(text, { validationFraction });
        const held = Math.ceil(validationFraction * docs.length);
        const trainDocs = train.split(DOCUMENT_SEPARATOR);
        const valDocs = held === 0 ? [] : validation.split(DOCUMENT_SEPARATOR);
        expect(trainDocs).toEqual(docs.slice(0, docs.length - held));
        expect(valDocs).toEqual(docs.slice(docs.length - held));
        expect(trainDocs.filter((d) => valDocs.includes(d))).toEqual([]);
        expect(splitCorpus(text, { validationFraction })).toEqual({ train, validation });
      }),
    );
  });
  it('rejects a fraction outside [0, 1) or one that leaves no training document', () => {
    expect(() => splitCorpus('a\nb', { validationFraction: 1 })).toThrow('splitCorpus: expected validationFraction in [0, 1), got 1');
    expect(() => splitCorpus('a\nb', { validationFraction: NaN })).toThrow('got NaN');
    expect(() => splitCorpus('a', { validationFraction: 0.1 })).toThrow('splitCorpus: expected at least one training document, got 1 documents all held out');
  });
});

describe('extractPrompts', () => {
  const text = [
    'We hold these truths to be self-evident. That all men are created equal! Are they endowed with rights? yes.',
    'Among these are Life, Liberty and the pursuit of Happiness. "Quoted sentences are skipped." Short one.',
  ].join(DOCUMENT_SEPARATOR);
  const sentences = ['We hold these truths to be self-evident.', 'That all men are created equal!', 'Are they endowed with rights?', 'Among these are Life, Liberty and the pursuit of Happiness.'];

  it('returns distinct beginnings of capitalised sentences with minWords..maxWords words, leaving words to continue', () => {
    const prompts = extractPrompts(text, { count: 4, minWords: 2, maxWords: 4, seed: 3 });
    expect(prompts).toHaveLength(4);
    expect(new Set(prompts).size).toBe(4);
    for (const p of prompts) {
      const n = p.split(' ').length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(4);
      const source = sentences.find((s) => s.startsWith(`${p} `));
      expect(source, p).toBeDefined();
    }
  });
  it('is deterministic for a seed and varies with it', () => {
    const opts = { count: 3, minWords: 1, maxWords: 5 };
    const a = extractPrompts(text, { ...opts, seed: 1 });
    expect(extractPrompts(text, { ...opts, seed: 1 })).toEqual(a);
    const others = [2, 3, 4, 5, 6].map((seed) => extractPrompts(text, { ...opts, seed }).join('|'));
    expect(others.some((o) => o !== a.join('|'))).toBe(true);
  });
  it('fails clearly when the text has too few sentences, and validates its options', () => {
    expect(() => extractPrompts(text, { count: 50, minWords: 3, maxWords: 3, seed: 1 })).toThrow('extractPrompts: expected 50 distinct prompts from the text, got');
    expect(() => extractPrompts(text, { count: 0, minWords: 1, maxWords: 2, seed: 1 })).toThrow('extractPrompts: expected a positive integer count, got 0');
    expect(() => extractPrompts(text, { count: 1, minWords: 0, maxWords: 2, seed: 1 })).toThrow('expected a positive integer minWords, got 0');
    expect(() => extractPrompts(text, { count: 1, minWords: 3, maxWords: 2, seed: 1 })).toThrow('expected an integer maxWords >= minWords (3), got 2');
  });
  it('takes prompts from the held-out split only', () => {
    const docs = [...Array.from({ length: 9 }, (_, i) => `Train sentence number ${i} here.`), 'Held out sentence one. Held out sentence two. Kept back too.'];
    const { validation } = splitCorpus(docs.join(DOCUMENT_SEPARATOR), { validationFraction: 0.1 });
    const prompts = extractPrompts(validation, { count: 3, minWords: 1, maxWords: 3, seed: 7 });
    expect(prompts.every((p) => /^(Held|Kept)\b/.test(p))).toBe(true);
    // The same draw over the whole text does reach the training sentences.
    const all = extractPrompts(docs.join(DOCUMENT_SEPARATOR), { count: 5, minWords: 1, maxWords: 3, seed: 7 });
    expect(all.some((p) => p.startsWith('Train'))).toBe(true);
  });
});

describe('the SOTU corpus and the shipped prompts', () => {
  let text = '';
  beforeAll(() => {
    text = normaliseText(loadSotuText());
  });
  it('loads every address in year order, one per line', () => {
    const addresses = loadSotuAddresses();
    expect(addresses.length).toBeGreaterThan(200);
    expect(addresses.map((a) => a.year)).toEqual([...addresses.map((a) => a.year)].sort((a, b) => a - b));
    expect(text.split(DOCUMENT_SEPARATOR)).toHaveLength(addresses.length);
  });
  it('pipelines/assets/prompts.json is exactly what the script rebuilds, from held-out text in the training alphabet', () => {
    const asset = JSON.parse(readFileSync('pipelines/assets/prompts.json', 'utf8')) as { source: string; alphabet: string; prompts: string[] };
    const { train, validation } = splitCorpus(text, { validationFraction: 0.1 });
    expect(asset.prompts).toEqual(extractPrompts(validation, { count: 200, minWords: 3, maxWords: 6, seed: 20261204 }));
    const trainChars = new Set(train);
    expect([...asset.alphabet].every((c) => trainChars.has(c) && alphabet.has(c))).toBe(true);
    for (const p of asset.prompts) {
      expect(p.length).toBeGreaterThan(0);
      expect(validation).toContain(p);
      expect([...p].every((c) => asset.alphabet.includes(c))).toBe(true);
    }
  });
});
