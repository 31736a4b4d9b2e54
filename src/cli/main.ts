import * as tf from '@tensorflow/tfjs-core';
import { BondInputError } from '../core/index.js';
import { checkCommand } from './check.js';
import { processIo, type CliIo } from './cliIo.js';
import { defaultServices, type CliServices } from './cliServices.js';
import { evalCommand } from './commands/evalCommand.js';
import { reportCommand } from './commands/reportCommand.js';
import { sampleCommand } from './commands/sampleCommand.js';
import { trainCommand } from './commands/trainCommand.js';
import { ExitCode, exitCodeOf } from './exitCode.js';

/** A subcommand: its one-line summary, and how to run it (returning its exit code, or throwing). */
interface Command {
  readonly summary: string;
  run(argv: readonly string[], io: CliIo, services: CliServices): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  train: { summary: 'train a policy with J-BOND (or BOND, iterative BOND, REINFORCE); writes a run directory', run: trainCommand },
  sample: { summary: 'continue a prompt with a checkpoint, optionally Best-of-N', run: (argv, io) => sampleCommand(argv, io) },
  eval: { summary: 'compare a policy with Best-of-N sampling from its reference on held-out prompts', run: evalCommand },
  report: { summary: 'plot a run (SVG) and write report.html', run: (argv, io) => reportCommand(argv, io) },
  check: { summary: "property-test Best-of-N invariants of a saved policy and a reward (bond-rlhf/testing's kit)", run: (argv, io) => checkCommand(argv, io) },
};

/**
 * The help text of `bond`.
 *
 * @example
 * process.stdout.write(USAGE);
 */
export const USAGE = `Usage: bond <command> [options]

BOND / J-BOND (Best-of-N Distillation): train a policy whose single sample is as good as the Best-of-N
of its reference, without drifting far from it.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)}${c.summary}\n`)
  .join('')}
Run "bond <command> --help" for a command's options. Quick start: "bond train" trains J-BOND on the
embedded task in a few minutes, then "bond report runs/<its run>" plots it.

Exit codes: 0 ok, 1 runtime failure, 2 bad input, 130 interrupted (Ctrl-C).
`;

/**
 * The `bond` command: dispatches to `train`, `sample`, `eval`, `report` or `check`, and is the one place that
 * turns an error into a message on stderr and an exit code (0 ok, 1 runtime failure, 2 bad input — a
 * `BondInputError` from a flag, config field or file — and 130 after Ctrl-C).
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), services: CliServices = defaultServices): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  const command = COMMANDS[name];
  // TensorFlow.js's "install the node backend" banner would interleave with the progress display; the
  // backend in use is printed by the commands themselves.
  tf.env().set('PROD', true);
  try {
    if (command === undefined) {
      throw new BondInputError(`bond: expected a command (${Object.keys(COMMANDS).join(', ')}), got ${JSON.stringify(name)}; see bond --help`);
    }
    return await command.run(rest, io, services);
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    // BOND_DEBUG=1 adds the stack of an unexpected failure, for a bug report.
    const detail = code === ExitCode.failure && error instanceof Error && process.env['BOND_DEBUG'] === '1' ? `\n${error.stack ?? ''}` : '';
    io.stderr.write(`${message}${detail}\n`);
    return code;
  }
}
