/**
 * Absolute and relative tolerance: |actual − expected| ≤ abs + rel·|expected|.
 *
 * @example
 * const float32: Tolerance = { abs: 1e-4, rel: 1e-4 };
 */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
}

/**
 * Throws an `Error` reading `<where>: expected <what> <expected>, got <actual>` unless the two vectors
 * have the same length and agree entrywise within `tolerance`. The kit's properties fail by throwing, so that
 * fast-check reports the message, naming the identity, next to the shrunk counterexample.
 *
 * @example
 * assertClose('N = 1 (eq 4)', 'π_Bo1 = π_ref =', [0.25, 0.75], [0.25, 0.75], { abs: 1e-12, rel: 0 }); // passes
 */
export function assertClose(where: string, what: string, expected: ReadonlyArray<number>, actual: ReadonlyArray<number>, tolerance: Tolerance): void {
  const off = expected.findIndex((e, i) => {
    const a = actual[i];
    return a === undefined || !(Math.abs(a - e) <= tolerance.abs + tolerance.rel * Math.abs(e));
  });
  if (off >= 0 || actual.length !== expected.length) {
    const at = off >= 0 ? ` (entry ${off}: expected ${expected[off]}, got ${actual[off]})` : '';
    throw new Error(`${where}: expected ${what} ${show(expected)}, got ${show(actual)}${at}`);
  }
}

/** A vector for a message, cut after its first entries: enumerated spaces can hold thousands. */
function show(xs: ReadonlyArray<number>): string {
  const shown = 8;
  return xs.length <= shown ? `[${xs.join(', ')}]` : `[${xs.slice(0, shown).join(', ')}, … ${xs.length} entries]`;
}
