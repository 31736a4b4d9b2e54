import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { BondInputError, decodeWith } from '../../core/index.js';
import { StepMetrics } from '../../operators/index.js';

/**
 * One line of `samples.jsonl`: a held-out prompt, what the policy wrote after `step` steps, and its reward.
 *
 * @example
 * const line: SampleLine = { step: 20, prompt: 'We the', completion: ' people are happy', reward: 3 };
 */
export const SampleLine = t.type({ step: t.number, prompt: t.string, completion: t.string, reward: t.number }, 'SampleLine');
/**
 * See the {@link SampleLine} codec.
 *
 * @example
 * const reward: SampleLine['reward'] = line.reward;
 */
export type SampleLine = t.TypeOf<typeof SampleLine>;

/**
 * The files of a run directory:
 * `config.json` (resolved config), `metrics.jsonl` (one {@link StepMetrics} per line), `samples.jsonl`
 * ({@link SampleLine}s), `checkpoints/step-N/`, `eval.json` and `report/`.
 *
 * @example
 * const run = new RunDirectory('runs/jbond-1');
 * run.appendMetrics(metrics);
 * run.readMetrics().length; // steps done
 */
export class RunDirectory {
  readonly config: string;
  readonly metrics: string;
  readonly samples: string;
  readonly checkpoints: string;
  readonly eval: string;
  readonly report: string;

  constructor(readonly root: string) {
    this.config = join(root, 'config.json');
    this.metrics = join(root, 'metrics.jsonl');
    this.samples = join(root, 'samples.jsonl');
    this.checkpoints = join(root, 'checkpoints');
    this.eval = join(root, 'eval.json');
    this.report = join(root, 'report');
  }

  /** True if `root` holds a run (its `config.json`). */
  isRun(): boolean {
    return existsSync(this.config);
  }

  /** Refuses a non-empty directory, so that runs are never mixed; `flag` names the option that chose it. */
  assertCreatable(flag: string): void {
    if (existsSync(this.root) && readdirSync(this.root).length > 0) {
      const hint = this.isRun() ? ` (it holds a run: continue it with --resume ${this.root})` : '';
      throw new BondInputError(`${flag}: expected a new or empty directory, got ${this.root}${hint}`);
    }
  }

  /** Creates the directory of a new run (see {@link RunDirectory.assertCreatable}). */
  create(flag: string): void {
    this.assertCreatable(flag);
    mkdirSync(this.root, { recursive: true });
  }

  /** Writes `value` as indented JSON (e.g. `config.json`, `eval.json`). */
  writeJson(path: string, value: unknown): void {
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Parses a JSON file of the run; a missing or malformed file is a `BondInputError` naming it. */
  readJson(path: string): unknown {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new BondInputError(`${path}: expected a readable file, got nothing (missing)`);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new BondInputError(`${path}: expected JSON, got ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Appends one step's line to `metrics.jsonl`. */
  appendMetrics(metrics: StepMetrics): void {
    appendFileSync(this.metrics, `${JSON.stringify(metrics)}\n`);
  }

  /** Appends sample lines to `samples.jsonl`. */
  appendSamples(lines: ReadonlyArray<SampleLine>): void {
    appendFileSync(this.samples, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }

  /** Every metrics line, validated. */
  readMetrics(): StepMetrics[] {
    return readJsonLines(this.metrics, StepMetrics);
  }

  /** Every samples line, validated. */
  readSamples(): SampleLine[] {
    return readJsonLines(this.samples, SampleLine);
  }

  /**
   * Drops the lines of steps ≥ `step` from `metrics.jsonl` and `samples.jsonl`: what a run logged after
   * its last checkpoint is redone when it resumes from there, and must not appear twice.
   */
  truncateLogs(step: number): void {
    for (const path of [this.metrics, this.samples]) {
      if (!existsSync(path)) continue;
      const kept = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && (JSON.parse(line) as { step: number }).step < step);
      writeFileSync(path, kept.map((l) => `${l}\n`).join(''));
    }
  }
}

function readJsonLines<A>(path: string, codec: t.Type<A, unknown, unknown>): A[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new BondInputError(`${path}: line ${i + 1}: expected JSON, got ${line.slice(0, 60)}`);
      }
      const decoded = decodeWith(codec, json, `${path}: line ${i + 1}`);
      if (E.isLeft(decoded)) throw new BondInputError(decoded.left.join('\n'), decoded.left);
      return decoded.right;
    });
}
