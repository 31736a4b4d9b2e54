import { parseArgs } from 'node:util';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { BondInputError, decodeWith } from '../core/index.js';

/**
 * A command-line flag: `--name <value>` decoded with an io-ts codec (made with {@link valueFlag}), or a
 * boolean switch `--name` ({@link switchFlag}).
 *
 * @example
 * const steps: Flag<number> = valueFlag(PositiveInt, 'N', 'training steps', { numeric: true });
 */
export interface Flag<A> {
  readonly kind: 'value' | 'switch';
  readonly codec: t.Decoder<unknown, A>;
  /** Parse the text as a number before decoding (`--steps 20`). */
  readonly numeric: boolean;
  /** The value's name in the help, e.g. `N` in `--steps <N>`. */
  readonly placeholder: string;
  readonly description: string;
}

/**
 * A flag taking a value, decoded with `codec` (after parsing it as a number if `numeric`).
 *
 * @example
 * valueFlag(PositiveInt, 'N', 'training steps', { numeric: true });
 */
export function valueFlag<A>(codec: t.Decoder<unknown, A>, placeholder: string, description: string, options: { readonly numeric?: boolean } = {}): Flag<A> {
  return { kind: 'value', codec, numeric: options.numeric ?? false, placeholder, description };
}

/**
 * A boolean switch, true when present.
 *
 * @example
 * switchFlag('print every sample, not just the best');
 */
export function switchFlag(description: string): Flag<boolean> {
  return { kind: 'switch', codec: t.boolean, numeric: false, placeholder: '', description };
}

/**
 * The flags of one command, by long name.
 *
 * @example
 * const flags: Flags = { steps: valueFlag(PositiveInt, 'N', 'training steps', { numeric: true }) };
 */
export type Flags = Readonly<Record<string, Flag<unknown>>>;

/**
 * The decoded values of {@link Flags}: present only when given on the command line.
 *
 * @example
 * const values: FlagValues<typeof flags> = { steps: 20 };
 */
export type FlagValues<F extends Flags> = { -readonly [K in keyof F]?: F[K] extends Flag<infer A> ? A : never };

/**
 * What a command accepts: its flags and how many positional arguments.
 *
 * @example
 * const line: CommandLine<Flags> = { command: 'bond report', flags: {}, positionals: [{ name: 'run dir' }] };
 */
export interface CommandLine<F extends Flags> {
  /** `bond train`, used in messages. */
  readonly command: string;
  readonly flags: F;
  /** Names of the positional arguments, e.g. `['config.json']`; `optional` ones may be left out. */
  readonly positionals: ReadonlyArray<{ readonly name: string; readonly optional?: boolean }>;
}

/**
 * Parses `argv` with `node:util` `parseArgs` in strict mode, and decodes every flag value with its codec.
 * An unknown flag, a missing value, a bad value or a wrong number of positional arguments throws a
 * {@link BondInputError} naming the flag: `bond train: --steps: expected PositiveInt, got "ten"`.
 * Every bad value is listed, not just the first. `--help`/`-h` is always accepted.
 *
 * @example
 * parseCommandLine({ command: 'bond x', flags: { steps: stepsFlag }, positionals: [] }, ['--steps', '5']);
 * // { values: { steps: 5 }, positionals: [], help: false }
 */
export function parseCommandLine<F extends Flags>(
  spec: CommandLine<F>,
  argv: readonly string[],
): { readonly values: FlagValues<F>; readonly positionals: readonly string[]; readonly help: boolean } {
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.kind === 'switch' ? ('boolean' as const) : ('string' as const) }]),
  );
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    throw new BondInputError(describeParseError(spec, argv, error));
  }
  const help = parsed.values['help'] === true;
  if (help) return { values: {} as FlagValues<F>, positionals: parsed.positionals, help };
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    const raw = parsed.values[name];
    if (raw === undefined) continue;
    if (flag.kind === 'switch') {
      values[name] = raw;
      continue;
    }
    const input = flag.numeric && typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    const decoded = decodeWith(flag.codec as t.Type<unknown, unknown, unknown>, input, `${spec.command}: --${name}`);
    if (E.isLeft(decoded)) problems.push(...decoded.left);
    else values[name] = decoded.right;
  }
  const required = spec.positionals.filter((p) => p.optional !== true).length;
  if (parsed.positionals.length < required || parsed.positionals.length > spec.positionals.length) {
    const names = spec.positionals.map((p) => (p.optional === true ? `[${p.name}]` : `<${p.name}>`)).join(' ') || 'none';
    problems.push(`${spec.command}: expected arguments ${names}, got ${parsed.positionals.length === 0 ? 'none' : JSON.stringify(parsed.positionals)}`);
  }
  if (problems.length > 0) throw new BondInputError(problems.join('\n'), problems);
  return { values: values as FlagValues<F>, positionals: parsed.positionals, help };
}

/**
 * The `Options:` section of a command's help, one line per flag.
 *
 * @example
 * flagHelp({ steps: stepsFlag }); // '  --steps <N>   training steps\n'
 */
export function flagHelp(flags: Flags): string {
  const rows = [
    ...Object.entries(flags).map(([name, flag]) => [`--${name}${flag.kind === 'value' ? ` <${flag.placeholder}>` : ''}`, flag.description] as const),
    ['--help, -h', 'show this help'] as const,
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}\n`).join('');
}

/** parseArgs' errors name the option in quotes; rephrase them in the house pattern, naming the flag. */
function describeParseError(spec: CommandLine<Flags>, argv: readonly string[], error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? message;
  const known = Object.keys(spec.flags).map((n) => `--${n}`).join(', ');
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `${spec.command}: expected one of the flags ${known}, --help, got ${quoted} (see ${spec.command} --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted.split(' ')[0] ?? quoted;
      const def = spec.flags[flag.replace(/^-+/, '')];
      if (def?.kind === 'switch') return `${spec.command}: ${flag}: expected no value (it is a switch), got one`;
      // parseArgs will not take a value that looks like a flag (`--seed -1`) unless written `--seed=-1`.
      const next = argv[argv.indexOf(flag) + 1];
      return next !== undefined && message.includes('ambiguous')
        ? `${spec.command}: ${flag}: expected a value, got the flag-like ${JSON.stringify(next)} (write ${flag}=${next} if it is the value)`
        : `${spec.command}: ${flag}: expected a value, got none`;
    }
    default:
      return `${spec.command}: expected valid arguments, got ${message}`;
  }
}
