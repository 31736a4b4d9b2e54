import { showValue } from '../core/index.js';

/**
 * Checks one operator option when the operator is built, so a bad pipeline fails before its first step.
 * Throws `RangeError('<where>: expected <name> <expected>, got <value>')`.
 *
 * @example
 * assertOption('emaAnchor', 'eta', 0.5, (x) => x >= 0 && x <= 1, 'in [0, 1]'); // passes
 */
export function assertOption<T>(where: string, name: string, value: T, ok: (value: T) => boolean, expected: string): void {
  if (!ok(value)) throw new RangeError(`${where}: expected ${name} ${expected}, got ${showValue(value)}`);
}

/**
 * `Number.isInteger(x) && x >= 1`, for {@link assertOption}.
 *
 * @example
 * isPositiveInt(2); // true
 */
export const isPositiveInt = (x: number): boolean => Number.isInteger(x) && x >= 1;

/**
 * `0 ≤ x ≤ 1`, for {@link assertOption}.
 *
 * @example
 * isUnit(1.5); // false
 */
export const isUnit = (x: number): boolean => x >= 0 && x <= 1;

/**
 * A finite `x ≥ 0`, for {@link assertOption}.
 *
 * @example
 * isNonNegative(Infinity); // false
 */
export const isNonNegative = (x: number): boolean => Number.isFinite(x) && x >= 0;
