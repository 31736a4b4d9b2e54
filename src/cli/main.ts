/** The `bond` command. Returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`bond: unknown command ${JSON.stringify(argv[0])}\n${USAGE}`);
  return 2;
}

const USAGE = `Usage: bond <command> [options]

Commands (coming in later releases): train, sample, eval, report, check.
`;
