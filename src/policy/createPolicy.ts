import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { decodeWith, PositiveInt } from '../core/index.js';
import { GptPolicy } from './gptPolicy.js';
import { TabularPolicy } from './tabularPolicy.js';
import type { Policy, PolicyInit, PolicySpec } from './types.js';

/** io-ts codecs for each kind of {@link PolicySpec}; unknown fields are stripped. */
export const PolicySpecCodecs = {
  tabular: t.strict({ kind: t.literal('tabular'), vocabSize: PositiveInt, maxLength: PositiveInt, factorized: t.boolean }, 'TabularSpec'),
  gpt: t.strict(
    { kind: t.literal('gpt'), vocabSize: PositiveInt, maxLength: PositiveInt, layers: PositiveInt, heads: PositiveInt, width: PositiveInt },
    'GptSpec',
  ),
} as const;

const PolicyKind = t.keyof({ tabular: null, gpt: null }, '"tabular" | "gpt"');

/**
 * Decodes an untrusted {@link PolicySpec} (a config file, a checkpoint manifest): the `kind` first, then
 * the fields of that kind, so errors name only relevant fields, e.g.
 * `manifest.json: spec: vocabSize: expected PositiveInt, got 0`.
 *
 * @example
 * decodePolicySpec({ kind: 'tabular', vocabSize: 2, maxLength: 3, factorized: false }, 'config'); // Right(spec)
 */
export function decodePolicySpec(input: unknown, where: string): E.Either<string[], PolicySpec> {
  return pipe(
    decodeWith(t.type({ kind: PolicyKind }), input, where),
    E.chain(({ kind }): E.Either<string[], PolicySpec> =>
      kind === 'tabular' ? decodeWith(PolicySpecCodecs.tabular, input, where) : decodeWith(PolicySpecCodecs.gpt, input, where),
    ),
  );
}

/**
 * Builds a fresh policy of the architecture `spec` describes, with weights initialised from `init.seed`
 * (checkpoint loading then overwrites them).
 *
 * @example
 * const pi = createPolicy({ kind: 'tabular', vocabSize: 4, maxLength: 3, factorized: false }, { seed: 0 });
 */
export function createPolicy(spec: PolicySpec, init: PolicyInit): Policy {
  switch (spec.kind) {
    case 'tabular':
      return new TabularPolicy(spec, init);
    case 'gpt':
      return new GptPolicy(spec, init);
  }
}
