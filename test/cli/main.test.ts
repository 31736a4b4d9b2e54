import { describe, expect, it } from 'vitest';
import { main, USAGE } from '../../src/cli/main.js';
import { recordingIo } from './helpers/tinyTask.js';

const COMMANDS = ['train', 'sample', 'eval', 'report', 'check'] as const;

/** Runs `bond <argv>` in-process and returns its exit code and output. */
async function bond(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('bond (main)', () => {
  it('prints the usage listing every command and exits 0 for no argument, --help and -h', async () => {
    for (const argv of [[], ['--help'], ['-h']]) {
      const { code, out } = await bond(...argv);
      expect(code).toBe(0);
      expect(out).toBe(USAGE);
    }
    for (const command of COMMANDS) expect(USAGE).toContain(`  ${command}`);
  });

  it.each(COMMANDS)('bond %s --help prints its usage and every flag it accepts', async (command) => {
    const { code, out, err } = await bond(command, '--help');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain(`Usage: bond ${command}`);
    expect(out).toContain('--help');
  });

  it.each(COMMANDS)('bond %s --help aligns every option with its description', async (command) => {
    const { out } = await bond(command, '--help');
    const options = out.slice(out.indexOf('Options:\n') + 'Options:\n'.length).split('\n\n')[0]?.split('\n').filter((l) => l !== '') ?? [];
    expect(options.length).toBeGreaterThan(0);
    const column = (line: string): number => (/^ {2}\S.*?\S {2,}(?=\S)/.exec(line)?.[0].length ?? -1);
    expect(new Set(options.map(column)).size).toBe(1);
    expect(column(options[0] ?? '')).toBeGreaterThan(0);
  });

  it('bond train --help lists every flag of the issue and every pipeline', async () => {
    const { out } = await bond('train', '--help');
    for (const flag of ['--steps', '--out', '--backend', '--seed', '--resume', '--pipeline']) expect(out).toContain(flag);
    for (const pipeline of ['jbond', 'bond', 'iterative-bond', 'reinforce']) expect(out).toContain(`  ${pipeline} `);
  });

  it('an unknown command exits 2 naming it', async () => {
    const { code, err } = await bond('trian');
    expect(code).toBe(2);
    expect(err).toContain('"trian"');
  });

  it.each([
    [['train', '--stpes', '3'], '--stpes'],
    [['sample', 'ckpt', '--prompt', 'x', '--bestof', '4'], '--bestof'],
    [['eval', 'run', '-x'], '-x'],
    [['report', 'run', '--verbose'], '--verbose'],
  ])('an unknown flag exits 2 with a message naming it: %j', async (argv, flag) => {
    const { code, err } = await bond(...argv);
    expect(code).toBe(2);
    expect(err).toContain(`got ${flag}`);
  });

  it.each([
    [['train', '--steps', 'ten'], '--steps: expected PositiveInt, got "ten"'],
    [['train', '--steps', '0'], '--steps: expected PositiveInt, got 0'],
    [['train', '--steps', '2.5'], '--steps: expected PositiveInt, got 2.5'],
    [['train', '--seed=-1'], '--seed: expected NonNegativeInt, got -1'],
    [['train', '--seed', '-1'], '--seed: expected a value, got the flag-like "-1" (write --seed=-1 if it is the value)'],
    [['train', '--backend', 'gpu'], '--backend: expected BackendName, got "gpu"'],
    [['train', '--pipeline', 'ppo'], '--pipeline: expected PipelineName, got "ppo"'],
    [['sample', 'ckpt', '--prompt', 'x', '--best-of', '0'], '--best-of: expected PositiveInt, got 0'],
    [['sample', 'ckpt', '--prompt', 'x', '--temperature=-1'], '--temperature: expected Positive, got -1'],
  ])('a bad flag value exits 2 naming the flag, what it expects and what it got: %j', async (argv, message) => {
    const { code, err } = await bond(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('lists every bad flag value at once', async () => {
    const { code, err } = await bond('train', '--steps', 'x', '--seed', 'y', '--backend', 'z');
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(3);
    for (const flag of ['--steps', '--seed', '--backend']) expect(err).toContain(flag);
  });

  it('a flag without its value exits 2 naming the flag', async () => {
    const { code, err } = await bond('train', '--steps');
    expect(code).toBe(2);
    expect(err).toContain('--steps: expected a value, got none');
  });

  it('a missing or extra positional argument exits 2 saying what was expected', async () => {
    const missing = await bond('eval');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('expected arguments <run dir or checkpoint>, got none');
    const extra = await bond('report', 'a', 'b');
    expect(extra.code).toBe(2);
    expect(extra.err).toContain('got ["a","b"]');
  });

  it('--resume refuses flags that the run already fixes, naming each', async () => {
    const { code, err } = await bond('train', '--resume', 'runs/x', '--seed', '3', '--pipeline', 'bond');
    expect(code).toBe(2);
    expect(err).toContain('--seed: expected no value with --resume');
    expect(err).toContain('--pipeline: expected no value with --resume');
  });

  it('a path that is not a run, checkpoint or policy exits 2 naming it', async () => {
    const { code, err } = await bond('eval', '/nonexistent/run');
    expect(code).toBe(2);
    expect(err).toContain('got /nonexistent/run');
  });
});
