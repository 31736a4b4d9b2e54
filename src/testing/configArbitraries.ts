import fc from 'fast-check';
import * as t from 'io-ts';
import { JBondConfig } from '../../pipelines/index.js';

/**
 * fast-check arbitraries for pipeline configs, derived from their io-ts codecs: valid configs, and
 * configs with exactly one bad field that decoding must reject, naming that field. Fields are found by
 * walking the codec (`t.intersection`, `t.type`, `t.strict`, `t.readonly`); each field's generator comes
 * from its codec: the refined numbers of `src/core` and the pipelines (`PositiveInt`, `UnitInterval`,
 * `AtLeastTwo`, …) by name, `t.keyof` and literals by their values, plain numbers, strings and booleans.
 * Pass a generator for any other field.
 */

/**
 * Generators for some fields of a config, overriding those derived from the codec. Branded numbers
 * (`PositiveInt`, …) take plain-number generators: the codec still decides what is valid.
 *
 * @example
 * const small: FieldGenerators<JBondConfig> = { batchSize: fc.integer({ min: 1, max: 8 }), beta: fc.constant(0.5) };
 */
export type FieldGenerators<A> = { readonly [K in keyof A]?: fc.Arbitrary<A[K] extends number ? number : A[K]> };

/**
 * A config that must fail decoding: a valid one with `field` set to `value` (or removed, when `missing`).
 *
 * @example
 * const bad: InvalidConfig = { config: { ...jbondDefaults, beta: 1.01 }, field: 'beta', value: 1.01, missing: false };
 */
export interface InvalidConfig {
  readonly config: Readonly<Record<string, unknown>>;
  /** The one bad field: the decoding error must name it. */
  readonly field: string;
  /** The bad value (`undefined` when the field is missing). */
  readonly value: unknown;
  readonly missing: boolean;
}

/** Valid draws for the refined numbers, by codec name: ranges stay moderate so configs stay runnable. */
const VALID_BY_NAME: Readonly<Record<string, fc.Arbitrary<number>>> = {
  Finite: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  PositiveInt: fc.integer({ min: 1, max: 1024 }),
  NonNegativeInt: fc.integer({ min: 0, max: 1024 }),
  AtLeastTwo: fc.integer({ min: 2, max: 1024 }),
  UnitInterval: fc.double({ min: 0, max: 1, noNaN: true }),
  NonNegative: fc.double({ min: 0, max: 1e3, noNaN: true }),
  Positive: fc.double({ min: 0, minExcluded: true, max: 1e3, noNaN: true }),
};

/** Values each refined number must reject: its boundary cases, non-finite numbers and a numeric string. */
const INVALID_BY_NAME: Readonly<Record<string, readonly unknown[]>> = {
  Finite: [Number.NaN, Infinity, -Infinity, '1'],
  PositiveInt: [0, -1, 1.5, Number.NaN, Infinity, '3'],
  NonNegativeInt: [-1, 0.5, Number.NaN, Infinity, '0'],
  AtLeastTwo: [1, 0, 2.5, Number.NaN, '8'],
  UnitInterval: [-0.01, 1.01, Number.NaN, Infinity, '0.5'],
  NonNegative: [-1e-9, -1, Number.NaN, Infinity, '1'],
  Positive: [0, -1e-9, Number.NaN, Infinity, '1'],
};

/**
 * Configs that `codec` decodes: one generated value per field of the codec, or from `generators` where
 * given.
 *
 * @example
 * fc.assert(fc.property(validConfig(JBondConfig, { batchSize: fc.integer({ min: 1, max: 8 }) }), (c) => JBondConfig.is(c)));
 */
export function validConfig<A, O>(codec: t.Type<A, O, unknown>, generators: FieldGenerators<A> = {}): fc.Arbitrary<A> {
  const fields = fieldsOf(codec);
  const arbitraries = Object.fromEntries(
    Object.entries(fields).map(([name, fieldCodec]) => [name, (generators as Record<string, fc.Arbitrary<unknown>>)[name] ?? validValue(name, fieldCodec)]),
  );
  return fc.record(arbitraries) as unknown as fc.Arbitrary<A>;
}

/**
 * Configs that `codec` must reject: a valid config (see {@link validConfig}) with exactly one field
 * made bad: set to a value its codec rejects (a boundary case, NaN, ∞, a number written as a string, an
 * unknown mode) or removed. A decoding error must name {@link InvalidConfig.field}.
 *
 * @example
 * fc.assert(fc.property(invalidConfig(JBondConfig), ({ config, field }) => {
 *   const decoded = decodeWith(JBondConfig, config, 'config');
 *   return E.isLeft(decoded) && decoded.left.some((m) => m.includes(`${field}: expected`));
 * }));
 */
export function invalidConfig<A, O>(codec: t.Type<A, O, unknown>, generators: FieldGenerators<A> = {}): fc.Arbitrary<InvalidConfig> {
  const breakable = Object.entries(fieldsOf(codec))
    .map(([field, fieldCodec]) => ({ field, bad: [undefined, ...invalidValues(fieldCodec)].filter((value) => !fieldCodec.is(value)) }))
    .filter(({ bad }) => bad.length > 0);
  if (breakable.length === 0) throw new RangeError(`invalidConfig: expected a codec with a field that can be made invalid, got ${codec.name}`);
  return fc.tuple(validConfig(codec, generators), fc.constantFrom(...breakable)).chain(([valid, { field, bad }]) =>
    fc.constantFrom(...bad).map((value): InvalidConfig => {
      const config: Record<string, unknown> = { ...(valid as Record<string, unknown>) };
      if (value === undefined) delete config[field];
      else config[field] = value;
      return { config, field, value, missing: value === undefined };
    }),
  );
}

/**
 * Valid J-BOND configs (`JBondConfig` of `pipelines/jbond.ts`); see {@link validConfig}.
 *
 * @example
 * fc.assert(fc.property(validJBondConfig(), (c) => c.beta >= 0 && c.beta <= 1));
 */
export function validJBondConfig(generators: FieldGenerators<JBondConfig> = {}): fc.Arbitrary<JBondConfig> {
  return validConfig(JBondConfig, generators);
}

/**
 * J-BOND configs with one bad field, which `JBondConfig` must reject naming it; see {@link invalidConfig}.
 *
 * @example
 * fc.assert(fc.property(invalidJBondConfig(), ({ config }) => !JBondConfig.is(config)));
 */
export function invalidJBondConfig(generators: FieldGenerators<JBondConfig> = {}): fc.Arbitrary<InvalidConfig> {
  return invalidConfig(JBondConfig, generators);
}

/** The fields of an object codec, flattening intersections and unwrapping readonly/strict wrappers. */
function fieldsOf(codec: t.Mixed): Record<string, t.Mixed> {
  if (codec instanceof t.IntersectionType) return Object.assign({}, ...(codec.types as t.Mixed[]).map(fieldsOf)) as Record<string, t.Mixed>;
  if (codec instanceof t.InterfaceType || codec instanceof t.StrictType) return { ...(codec.props as Record<string, t.Mixed>) };
  if (codec instanceof t.ReadonlyType || codec instanceof t.ExactType) return fieldsOf(codec.type as t.Mixed);
  throw new RangeError(`configArbitraries: expected an object codec (t.type, t.strict, t.intersection), got ${codec.name}`);
}

function validValue(field: string, codec: t.Mixed): fc.Arbitrary<unknown> {
  const byName = VALID_BY_NAME[codec.name];
  if (codec instanceof t.RefinementType && byName !== undefined) return byName;
  if (codec instanceof t.KeyofType) return fc.constantFrom(...Object.keys(codec.keys as object));
  if (codec instanceof t.LiteralType) return fc.constant(codec.value);
  if (codec instanceof t.UnionType) return fc.oneof(...(codec.types as t.Mixed[]).map((member) => validValue(field, member)));
  if (codec instanceof t.NumberType) return fc.double({ min: -1e6, max: 1e6, noNaN: true });
  if (codec instanceof t.StringType) return fc.string();
  if (codec instanceof t.BooleanType) return fc.boolean();
  throw new RangeError(`validConfig: field "${field}": expected a codec the kit can generate, got ${codec.name}; pass a generator for it`);
}

/** Candidate values `codec` should reject (the caller keeps those it does reject, plus a missing field). */
function invalidValues(codec: t.Mixed): unknown[] {
  const byName = INVALID_BY_NAME[codec.name];
  if (byName !== undefined) return [...byName];
  if (codec instanceof t.KeyofType || codec instanceof t.LiteralType) return ['not-one-of-them', 0];
  if (codec instanceof t.NumberType) return ['1', null];
  if (codec instanceof t.StringType) return [1, null];
  if (codec instanceof t.BooleanType) return ['true', 1];
  return [{}, 'text', Number.NaN];
}
