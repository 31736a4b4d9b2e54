/**
 * The arithmetic mean; NaN for no values, which an update stage then refuses as non-finite.
 *
 * @example
 * mean([1, 2, 6]); // 3
 */
export function mean(xs: ReadonlyArray<number>): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The population standard deviation √(mean(x²) − mean(x)²), clamped at 0 against rounding.
 *
 * @example
 * std([1, 3]); // 1
 */
export function std(xs: ReadonlyArray<number>): number {
  const m = mean(xs);
  return Math.sqrt(Math.max(0, mean(xs.map((x) => x * x)) - m * m));
}
