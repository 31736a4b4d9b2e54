import * as t from 'io-ts';
import { decodeOrThrow } from '../core/index.js';
import { ByteTokenizer } from './byteTokenizer.js';
import { CharTokenizer } from './charTokenizer.js';

/** Maps text to token ids in [0, vocabSize) and back. */
export interface Tokenizer {
  readonly vocabSize: number;
  /** The ids of `text`; throws a `BondInputError` for text the tokenizer cannot represent. */
  encode(text: string): number[];
  /** The text of `ids`; throws a `RangeError` for an id outside [0, vocabSize). */
  decode(ids: ReadonlyArray<number>): string;
  /** A JSON description from which {@link tokenizerFromJSON} rebuilds an identical tokenizer. */
  toJSON(): TokenizerJSON;
}

/** The serialised form of a tokenizer, as stored in checkpoint manifests. */
export const TokenizerJSON = t.union(
  [
    t.type({ kind: t.literal('char'), alphabet: t.string }, 'CharTokenizerJSON'),
    t.type({ kind: t.literal('byte') }, 'ByteTokenizerJSON'),
  ],
  'TokenizerJSON',
);
/** The serialised form of a tokenizer (see the codec). */
export type TokenizerJSON = t.TypeOf<typeof TokenizerJSON>;

/**
 * Rebuilds a tokenizer from its {@link TokenizerJSON}, validated with io-ts: a malformed value throws a
 * `BondInputError` naming `where` and the field.
 *
 * @example
 * tokenizerFromJSON({ kind: 'char', alphabet: 'ab' }).encode('ba'); // [1, 0]
 * tokenizerFromJSON({ kind: 'byte' }).vocabSize; // 256
 */
export function tokenizerFromJSON(json: unknown, where = 'tokenizer'): Tokenizer {
  const decoded = decodeOrThrow(TokenizerJSON, json, where);
  return decoded.kind === 'byte' ? new ByteTokenizer() : new CharTokenizer(Array.from(decoded.alphabet));
}
