import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { BondInputError, decodeOrThrow, decodeWith, PositiveInt, UnitInterval } from '../../src/core/index.js';

describe('decodeWith', () => {
  const Config = t.type({ steps: PositiveInt, beta: UnitInterval, nested: t.type({ name: t.string }) });
  it('lists every bad field with its path, the expected type and the value found', () => {
    const r = decodeWith(Config, { steps: 0, beta: 2, nested: { name: 3 } }, 'cfg.json');
    expect(r._tag).toBe('Left');
    const lines = r._tag === 'Left' ? r.left : [];
    expect(lines).toContain('cfg.json: steps: expected PositiveInt, got 0');
    expect(lines).toContain('cfg.json: beta: expected UnitInterval, got 2');
    expect(lines).toContain('cfg.json: nested.name: expected string, got 3');
  });
  it('decodeOrThrow throws a BondInputError naming a missing field', () => {
    expect(() => decodeOrThrow(Config, { beta: 0.5, nested: { name: 'x' } }, 'cfg')).toThrow(BondInputError);
    expect(() => decodeOrThrow(Config, { beta: 0.5, nested: { name: 'x' } }, 'cfg')).toThrow('cfg: steps: expected PositiveInt, got undefined (missing)');
  });
});

describe('describeValidationError', () => {
  it('leaves the member indices of an intersection out of the path', () => {
    const Config = t.intersection([t.type({ a: t.number }), t.type({ nested: t.intersection([t.type({ b: t.string }), t.partial({ c: PositiveInt })]) })]);
    const r = decodeWith(Config, { a: 1, nested: { b: 'x', c: 0 } }, 'cfg');
    expect(r._tag === 'Left' ? r.left : []).toEqual(['cfg: nested.c: expected PositiveInt, got 0']);
  });
});
