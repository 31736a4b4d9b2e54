import * as t from 'io-ts';
import { pipe } from 'fp-ts/lib/function.js';
import * as E from 'fp-ts/lib/Either.js';

/**
 * An error from bad user input: a config field, a CLI flag, a checkpoint file, a reward endpoint reply.
 * Messages follow one pattern: `<where>: expected <what>, got <value>`. The CLI maps it to exit code 2.
 */
export class BondInputError extends Error {
  override readonly name = 'BondInputError';
  constructor(message: string, readonly problems: readonly string[] = [message]) {
    super(message);
  }
}

/**
 * Decodes `input` with an io-ts codec, turning every failure into one line naming the path, the
 * expected type and the value found.
 *
 * @example
 * decodeWith(t.type({ n: t.number }), { n: 'x' }, 'config.json');
 * // Left(['config.json: n: expected number, got "x"'])
 */
export function decodeWith<A, O>(codec: t.Type<A, O, unknown>, input: unknown, where: string): E.Either<string[], A> {
  return pipe(
    codec.decode(input),
    E.mapLeft((errors) => errors.map((e) => describeValidationError(e, where))),
  );
}

/**
 * Like {@link decodeWith} but throws a {@link BondInputError} listing every problem.
 *
 * @example
 * decodeOrThrow(t.number, 3, 'steps'); // 3
 */
export function decodeOrThrow<A, O>(codec: t.Type<A, O, unknown>, input: unknown, where: string): A {
  const result = decodeWith(codec, input, where);
  if (E.isLeft(result)) throw new BondInputError(result.left.join('\n'), result.left);
  return result.right;
}

/** One io-ts validation error as `<where>: <path>: expected <type>, got <value>`. */
export function describeValidationError(error: t.ValidationError, where: string): string {
  // An intersection's members are indexed by number in the context; they are not part of the user's path.
  const keys = error.context
    .filter((c, i) => c.key !== '' && !(error.context[i - 1]?.type instanceof t.IntersectionType))
    .map((c) => c.key);
  const path = keys.length > 0 ? `${keys.join('.')}: ` : '';
  const expected = error.context[error.context.length - 1]?.type.name ?? 'unknown';
  const message = error.message !== undefined ? ` (${error.message})` : '';
  return `${where}: ${path}expected ${expected}, got ${showValue(error.value)}${message}`;
}

/** A short, printable form of any value, for error messages. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
