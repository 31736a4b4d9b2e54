import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteTokenizer, tokenizerFromJSON } from '../../src/policy/index.js';

describe('ByteTokenizer', () => {
  it('round-trips every well-formed string through UTF-8 bytes in [0, 256)', () => {
    const tok = new ByteTokenizer();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const ids = tok.encode(text);
        expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < 256)).toBe(true);
        expect(ids).toEqual(Array.from(Buffer.from(text, 'utf8')));
        expect(tok.decode(ids)).toBe(text);
      }),
    );
  });

  it('decodes bytes that are not valid UTF-8 to U+FFFD instead of throwing', () => {
    const tok = new ByteTokenizer();
    expect(tok.decode([104, 0xc3])).toBe('h\uFFFD');
  });

  it('rejects ids outside [0, 256)', () => {
    expect(() => new ByteTokenizer().decode([256])).toThrow('ByteTokenizer.decode: expected ids in [0, 256), got 256');
  });

  it('has vocabulary 256 and survives tokenizerFromJSON', () => {
    const back = tokenizerFromJSON(new ByteTokenizer().toJSON());
    expect(back).toBeInstanceOf(ByteTokenizer);
    expect(back.vocabSize).toBe(256);
  });
});

describe('tokenizerFromJSON', () => {
  it('rejects malformed JSON with a BondInputError naming where and the field', () => {
    expect(() => tokenizerFromJSON({ kind: 'char', alphabet: 3 }, 'manifest.json: tokenizer')).toThrow(
      /manifest\.json: tokenizer: .*alphabet: expected string, got 3/,
    );
    expect(() => tokenizerFromJSON({ kind: 'bpe' }, 'manifest.json: tokenizer')).toThrow(/manifest\.json: tokenizer/);
  });
});
