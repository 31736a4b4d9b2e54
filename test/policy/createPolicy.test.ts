import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicy, decodePolicySpec, GptPolicy, TabularPolicy, type PolicySpec } from '../../src/policy/index.js';
import { useBackend } from '../helpers/backends.js';

const tabular: PolicySpec = { kind: 'tabular', vocabSize: 3, maxLength: 2, factorized: true };
const gpt: PolicySpec = { kind: 'gpt', vocabSize: 5, maxLength: 8, layers: 1, heads: 2, width: 8 };

describe('createPolicy', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([
    ['tabular', tabular, TabularPolicy],
    ['gpt', gpt, GptPolicy],
  ] as const)('builds a %s policy with exactly the given spec', (_kind, spec, Class) => {
    const policy = createPolicy(spec, { seed: 0 });
    expect(policy).toBeInstanceOf(Class);
    expect(policy.spec).toEqual(spec);
    policy.dispose();
  });
});

describe('decodePolicySpec', () => {
  it('accepts valid specs of each kind and strips unknown fields', () => {
    expect(decodePolicySpec({ ...tabular, comment: 'x' }, 'cfg')).toEqual(E.right(tabular));
    expect(decodePolicySpec(gpt, 'cfg')).toEqual(E.right(gpt));
  });

  it('reports only the fields of the spec kind, naming where and the field', () => {
    expect(decodePolicySpec({ ...gpt, layers: 0 }, 'm.json: spec')).toEqual(E.left(['m.json: spec: layers: expected PositiveInt, got 0']));
    expect(decodePolicySpec({ kind: 'rnn' }, 'm.json: spec')).toEqual(E.left(['m.json: spec: kind: expected "tabular" | "gpt", got "rnn"']));
    expect(decodePolicySpec({ kind: 'tabular', vocabSize: 2, maxLength: 2 }, 'c')).toEqual(
      E.left(['c: factorized: expected boolean, got undefined (missing)']),
    );
  });
});
