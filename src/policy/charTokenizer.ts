import { BondInputError, showValue } from '../core/index.js';
import type { Tokenizer, TokenizerJSON } from './tokenizer.js';

/**
 * One token per Unicode character (code point), ids in alphabet order. Text containing a character
 * outside the alphabet is rejected: `encode` throws a `BondInputError` naming the character, its code
 * point and its position (counted in characters), rather than silently dropping or mapping it.
 *
 * @example
 * const tok = CharTokenizer.fromCorpus('hello');
 * tok.vocabSize;            // 4 (e, h, l, o)
 * tok.encode('hole');       // [1, 3, 2, 0]
 * tok.decode([1, 0, 2, 2, 3]); // 'hello'
 * tok.encode('hi');         // throws: CharTokenizer.encode: expected a character of the alphabet "ehlo", got "i" (U+0069) at position 1
 */
export class CharTokenizer implements Tokenizer {
  readonly vocabSize: number;
  private readonly ids: ReadonlyMap<string, number>;

  /** A tokenizer whose id i is `alphabet[i]`; each entry must be a single, distinct code point. */
  constructor(readonly alphabet: ReadonlyArray<string>) {
    if (alphabet.length === 0) throw new BondInputError('CharTokenizer: expected a non-empty alphabet, got 0 characters');
    alphabet.forEach((c, i) => {
      if (Array.from(c).length !== 1) throw new BondInputError(`CharTokenizer: expected one character per alphabet entry, got ${showValue(c)} at index ${i}`);
    });
    this.ids = new Map(alphabet.map((c, i) => [c, i]));
    if (this.ids.size !== alphabet.length) throw new BondInputError(`CharTokenizer: expected distinct characters, got ${showValue(alphabet.join(''))}`);
    this.vocabSize = alphabet.length;
  }

  /** The tokenizer over the distinct characters of `text`, sorted by code point. */
  static fromCorpus(text: string): CharTokenizer {
    const chars = [...new Set(Array.from(text))].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
    return new CharTokenizer(chars);
  }

  encode(text: string): number[] {
    return Array.from(text, (c, position) => {
      const id = this.ids.get(c);
      if (id === undefined) {
        const code = `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
        throw new BondInputError(
          `CharTokenizer.encode: expected a character of the alphabet ${showValue(this.alphabet.join(''))}, got ${JSON.stringify(c)} (${code}) at position ${position}`,
        );
      }
      return id;
    });
  }

  decode(ids: ReadonlyArray<number>): string {
    return ids
      .map((id) => {
        const c = this.alphabet[id];
        if (c === undefined || !Number.isInteger(id)) throw new RangeError(`CharTokenizer.decode: expected ids in [0, ${this.vocabSize}), got ${id}`);
        return c;
      })
      .join('');
  }

  toJSON(): TokenizerJSON {
    return { kind: 'char', alphabet: this.alphabet.join('') };
  }
}
