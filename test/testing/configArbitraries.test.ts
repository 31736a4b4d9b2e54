import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { decodeWith } from '../../src/core/index.js';
import { BestOfNSamplingConfig, BondConfig, IterativeBondConfig, JBondConfig, ReinforceConfig } from '../../pipelines/index.js';
import { invalidConfig, invalidJBondConfig, validConfig, validJBondConfig } from '../../src/testing/configArbitraries.js';

const CODECS = { JBondConfig, BondConfig, IterativeBondConfig, ReinforceConfig, BestOfNSamplingConfig } as const;

describe.each(Object.entries(CODECS))('config arbitraries for %s', (_name, codec: t.Mixed) => {
  it('validConfig draws configs the codec decodes', () => {
    fc.assert(fc.property(validConfig(codec), (config) => E.isRight(decodeWith(codec, config, 'config'))), { numRuns: 100 });
  });

  it('invalidConfig draws configs the codec rejects with an error naming the bad field', () => {
    fc.assert(
      fc.property(invalidConfig(codec), ({ config, field }) => {
        const decoded = decodeWith(codec, config, 'config');
        expect(E.isLeft(decoded)).toBe(true);
        const messages = E.isLeft(decoded) ? decoded.left : [];
        expect(messages.some((m) => m.startsWith(`config: ${field}: expected `))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('J-BOND config arbitraries', () => {
  it('valid configs honour codec-specific generators', () => {
    fc.assert(fc.property(validJBondConfig({ batchSize: fc.constantFrom(2, 4) }), (c) => c.batchSize === 2 || c.batchSize === 4), { numRuns: 50 });
  });

  it('invalid configs cover every field, missing fields and every kind of bad value', () => {
    const draws = fc.sample(invalidJBondConfig(), { numRuns: 2000, seed: 7 });
    expect(new Set(draws.map((d) => d.field))).toEqual(new Set(['learningRate', 'warmupSteps', 'batchSize', 'maxNewTokens', 'clipNorm', 'maxConsecutiveNonFinite', 'beta', 'eta', 'gamma']));
    expect(draws.some((d) => d.missing && !(d.field in d.config))).toBe(true);
    expect(draws.some((d) => Number.isNaN(d.value))).toBe(true);
    expect(draws.some((d) => typeof d.value === 'string')).toBe(true);
    expect(draws.some((d) => d.field === 'beta' && d.value === 1.01)).toBe(true);
  });

  it('refuses a codec field it cannot generate, naming it', () => {
    expect(() => validConfig(t.type({ when: t.UnknownRecord }))).toThrow('validConfig: field "when": expected a codec the kit can generate, got UnknownRecord; pass a generator for it');
    expect(() => fc.sample(validConfig(t.type({ when: t.UnknownRecord }), { when: fc.constant({}) }), 1)).not.toThrow();
  });
});
