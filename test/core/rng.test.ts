import { describe, expect, it } from 'vitest';
import { createRng, rngFromState } from '../../src/core/rng.js';

describe('createRng', () => {
  it('the same seed gives the same stream', () => {
    const a = createRng(42), b = createRng(42);
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
  });
  it('a saved state resumes the exact stream', () => {
    const a = createRng(3);
    for (let i = 0; i < 10; i++) a.next();
    const b = rngFromState(a.state());
    for (let i = 0; i < 100; i++) expect(b.uint32()).toBe(a.uint32());
  });
  it('uniform draws have mean 1/2 and variance 1/12 (within 4 standard errors over 200k draws)', () => {
    const rng = createRng(9);
    const n = 200_000;
    let s = 0, s2 = 0, lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { const u = rng.next(); lo = Math.min(lo, u); hi = Math.max(hi, u); s += u; s2 += u * u; }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(1e-3);
  });
  it('categorical frequencies match the weights (total variation < 0.01 over 100k draws)', () => {
    const rng = createRng(5);
    const w = [0.1, 0, 0.6, 0.3];
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[rng.categorical(w)]! += 1;
    expect(counts[1]).toBe(0);
    const tv = counts.reduce((acc, c, i) => acc + Math.abs(c / 100_000 - w[i]!), 0) / 2;
    expect(tv).toBeLessThan(0.01);
  });
  it('rejects bad weights and bad n with the argument named', () => {
    const rng = createRng(1);
    expect(() => rng.categorical([0.5, -1])).toThrow(/categorical.*non-negative/);
    expect(() => rng.categorical([0, 0])).toThrow(/positive sum/);
    expect(() => rng.int(0)).toThrow(/rng.int/);
  });
});
