import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { CharTokenizer, tokenizerFromJSON } from '../../src/policy/index.js';

/** A corpus and a text written only with the corpus' characters (any code points, astral included). */
const corpusAndText = fc
  .array(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c.length > 0), { minLength: 1, maxLength: 30 })
  .chain((chars) => fc.tuple(fc.constant(chars.join('')), fc.array(fc.constantFrom(...chars), { maxLength: 40 }).map((cs) => cs.join(''))));

describe('CharTokenizer', () => {
  it('round-trips every text over the corpus alphabet, one token per character', () => {
    fc.assert(
      fc.property(corpusAndText, ([corpus, text]) => {
        const tok = CharTokenizer.fromCorpus(corpus);
        const ids = tok.encode(text);
        expect(ids).toHaveLength(Array.from(text).length);
        expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize)).toBe(true);
        expect(tok.decode(ids)).toBe(text);
      }),
    );
  });

  it('fromCorpus uses the sorted distinct code points as the alphabet', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (corpus) => {
        const tok = CharTokenizer.fromCorpus(corpus);
        const expected = [...new Set(Array.from(corpus))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
        expect(tok.alphabet).toEqual(expected);
        expect(tok.vocabSize).toBe(expected.length);
      }),
    );
  });

  it('survives a JSON round trip through tokenizerFromJSON with identical ids', () => {
    fc.assert(
      fc.property(corpusAndText, ([corpus, text]) => {
        const tok = CharTokenizer.fromCorpus(corpus);
        const back = tokenizerFromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
        expect(back.vocabSize).toBe(tok.vocabSize);
        expect(back.encode(text)).toEqual(tok.encode(text));
      }),
    );
  });

  it('rejects an unknown character with a BondInputError naming it, its code point and its position', () => {
    const tok = CharTokenizer.fromCorpus('hello');
    expect(() => tok.encode('he😀l')).toThrow(BondInputError);
    expect(() => tok.encode('he😀l')).toThrow(
      'CharTokenizer.encode: expected a character of the alphabet "ehlo", got "😀" (U+1F600) at position 2',
    );
  });

  it('rejects out-of-range ids, empty or duplicated alphabets', () => {
    const tok = CharTokenizer.fromCorpus('ab');
    expect(() => tok.decode([0, 2])).toThrow('CharTokenizer.decode: expected ids in [0, 2), got 2');
    expect(() => tok.decode([0.5])).toThrow(RangeError);
    expect(() => CharTokenizer.fromCorpus('')).toThrow(/expected a non-empty alphabet/);
    expect(() => new CharTokenizer(['a', 'a'])).toThrow(/expected distinct characters/);
    expect(() => new CharTokenizer(['ab'])).toThrow(/expected one character per alphabet entry, got "ab" at index 0/);
  });
});
