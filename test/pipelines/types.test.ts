import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { borrowOrCreate, decodeConfig } from '../../pipelines/index.js';
import { BondInputError, decodeOrThrow, UnitInterval } from '../../src/core/index.js';

const Config = t.type({ beta: UnitInterval, steps: t.number });
const defaults = decodeOrThrow(Config, { beta: 0.5, steps: 10 }, 'defaults');

describe('decodeConfig', () => {
  it('merges overrides into the defaults', () => {
    expect(decodeConfig(Config, defaults, { steps: 3 }, 'cfg')).toEqual({ beta: 0.5, steps: 3 });
  });

  it('refuses unknown fields (a typo must not fall back to the default silently), naming each', () => {
    expect(() => decodeConfig(Config, defaults, { beat: 0.1, stpes: 2 }, 'cfg')).toThrow(BondInputError);
    try {
      decodeConfig(Config, defaults, { beat: 0.1, stpes: 2 }, 'cfg');
    } catch (error) {
      expect((error as BondInputError).problems).toEqual([
        'cfg: beat: expected one of beta, steps, got an unknown field',
        'cfg: stpes: expected one of beta, steps, got an unknown field',
      ]);
    }
  });

  it('refuses a value the codec rejects, and a non-object', () => {
    expect(() => decodeConfig(Config, defaults, { beta: 2 }, 'cfg')).toThrow(/cfg: beta: expected UnitInterval, got 2/);
    expect(() => decodeConfig(Config, defaults, [1], 'cfg')).toThrow(/cfg: expected an object of config fields, got \[1\]/);
  });
});

describe('borrowOrCreate', () => {
  it('never disposes what the caller lent, and disposes what it created exactly on release', () => {
    const disposed: string[] = [];
    const thing = (name: string) => ({ name, dispose: () => disposed.push(name) });
    const lent = borrowOrCreate(thing('lent'), () => thing('created'));
    const made = borrowOrCreate(undefined, () => thing('created'));
    expect([lent.value.name, made.value.name]).toEqual(['lent', 'created']);
    expect(disposed).toEqual([]);
    lent.release();
    made.release();
    expect(disposed).toEqual(['created']);
  });
});
