import type { Tokenizer, TokenizerJSON } from './tokenizer.js';

/**
 * One token per UTF-8 byte (vocabulary 256): accepts any text and round-trips every well-formed string.
 * Lone UTF-16 surrogates (not valid Unicode) are encoded as U+FFFD, and byte sequences that are not
 * valid UTF-8 (e.g. a sampled completion cut mid-character) decode to U+FFFD instead of throwing.
 *
 * @example
 * const tok = new ByteTokenizer();
 * tok.encode('é');          // [195, 169]
 * tok.decode([104, 105]);   // 'hi'
 */
export class ByteTokenizer implements Tokenizer {
  readonly vocabSize = 256;

  encode(text: string): number[] {
    return Array.from(new TextEncoder().encode(text));
  }

  decode(ids: ReadonlyArray<number>): string {
    ids.forEach((id) => {
      if (!(Number.isInteger(id) && id >= 0 && id < 256)) throw new RangeError(`ByteTokenizer.decode: expected ids in [0, 256), got ${id}`);
    });
    return new TextDecoder().decode(Uint8Array.from(ids));
  }

  toJSON(): TokenizerJSON {
    return { kind: 'byte' };
  }
}
