/**
 * Where a command writes and how it learns about Ctrl-C. The real one is {@link processIo}; tests pass
 * their own to capture output and to interrupt a run without signals.
 *
 * @example
 * const io: CliIo = { ...processIo(), stdout: myStream };
 */
export interface CliIo {
  /** Results: sampled text, tables, the training summary. */
  readonly stdout: CliStream;
  /** Progress, logs and errors, so that stdout can be piped. */
  readonly stderr: CliStream;
  /** Calls `handler` on each Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

/**
 * A writable text stream; `isTTY` decides between a progress bar and plain log lines.
 *
 * @example
 * const captured: CliStream = { write: (text) => chunks.push(text) };
 */
export interface CliStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * The process's own stdout, stderr and SIGINT. While a handler is registered, the first Ctrl-C goes to
 * it (a training run then stops cleanly after its step); a second one exits at once with code 130, for
 * a user who does not want to wait.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt: (handler) => {
      let received = 0;
      const listener = (): void => {
        received++;
        if (received === 1) return handler();
        process.stderr.write('\nCtrl-C again: exiting without a checkpoint\n');
        process.exit(130);
      };
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
  };
}
