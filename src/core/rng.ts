/**
 * A small seeded random number generator (xoshiro128**), whose whole state is four 32-bit words so that
 * it can be saved in a checkpoint and restored for bit-identical resumes.
 */

/** The serialisable state of an {@link Rng}: four unsigned 32-bit integers. */
export type RngState = readonly [number, number, number, number];

/** A seeded source of uniform numbers. Mutable: each call advances the state. */
export interface Rng {
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** Index `i` drawn with probability `weights[i] / sum(weights)`; weights must be non-negative and finite. */
  categorical(weights: ReadonlyArray<number>): number;
  /** A fresh unsigned 32-bit integer, e.g. to seed a child generator. */
  uint32(): number;
  /** A copy of the current state. */
  state(): RngState;
}

/**
 * A generator seeded from an integer (any integer: it is mixed by splitmix32 first).
 *
 * @example
 * const a = createRng(7), b = createRng(7);
 * a.next() === b.next(); // true
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    words.push((z ^ (z >>> 16)) >>> 0);
  }
  return rngFromState(words as unknown as RngState);
}

/**
 * A generator that continues from a saved {@link RngState}.
 *
 * @example
 * const a = createRng(1); a.next();
 * const b = rngFromState(a.state());
 * a.next() === b.next(); // true
 */
export function rngFromState(state: RngState): Rng {
  let [a, b, c, d] = state.map((w) => w >>> 0) as [number, number, number, number];
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point of xoshiro
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    return result;
  };
  const next = (): number => uint32() / 4294967296;
  return {
    next,
    uint32,
    int: (n) => {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`rng.int: expected a positive integer n, got ${n}`);
      return Math.floor(next() * n);
    },
    categorical: (weights) => {
      let total = 0;
      for (const w of weights) {
        if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`rng.categorical: expected non-negative finite weights, got ${w}`);
        total += w;
      }
      if (!(total > 0)) throw new RangeError(`rng.categorical: expected weights with a positive sum, got ${total}`);
      let u = next() * total;
      for (let i = 0; i < weights.length; i++) {
        u -= weights[i] as number;
        if (u < 0) return i;
      }
      // Rounding can leave u >= 0 after the loop: return the last index with positive weight.
      for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
      return weights.length - 1;
    },
    state: () => [a, b, c, d] as const,
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
