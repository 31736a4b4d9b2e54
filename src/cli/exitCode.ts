import { BondInputError } from '../core/index.js';

/**
 * The exit codes of the `bond` command: 0 success, 1 a runtime failure (e.g. a training run aborted after
 * too many non-finite losses), 2 bad input (a config field, a flag, a checkpoint file), 130 interrupted
 * by Ctrl-C (128 + SIGINT, the shell convention).
 *
 * @example
 * process.exitCode = ExitCode.badInput; // 2
 */
export const ExitCode = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const;
/**
 * One of the values of {@link ExitCode}.
 *
 * @example
 * const code: ExitCode = exitCodeOf(error);
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Thrown when a run stops on Ctrl-C after saving its state, so the command exits with 130.
 *
 * @example
 * throw new InterruptedError('train: interrupted after step 12; checkpoint runs/x/checkpoints/step-12');
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/**
 * The exit code an error maps to: {@link BondInputError} → 2, {@link InterruptedError} → 130, anything
 * else → 1.
 *
 * @example
 * exitCodeOf(new BondInputError('--steps: expected PositiveInt, got "x"')); // 2
 * exitCodeOf(new Error('disk full')); // 1
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof BondInputError) return ExitCode.badInput;
  if (error instanceof InterruptedError) return ExitCode.interrupted;
  return ExitCode.failure;
}
