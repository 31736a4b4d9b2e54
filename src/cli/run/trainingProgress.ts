import cliProgress from 'cli-progress';
import type { StepMetrics } from '../../operators/index.js';
import { mean } from '../../operators/stats.js';
import type { CliStream } from '../cliIo.js';

/**
 * Shows a training run's progress: a bar on a terminal, plain lines otherwise.
 *
 * @example
 * const progress: TrainingProgress = trainingProgress(process.stderr, { totalSteps: 200, doneSteps: 0, every: 10 });
 */
export interface TrainingProgress {
  /** Reports a finished step. */
  step(metrics: StepMetrics): void;
  /** A message between progress updates (a checkpoint, an interruption). */
  log(line: string): void;
  /** Ends the display; call once. */
  stop(): void;
}

/**
 * Options of {@link trainingProgress}.
 *
 * @example
 * const resumed: TrainingProgressOptions = { totalSteps: 400, doneSteps: 200, every: 10 };
 */
export interface TrainingProgressOptions {
  /** Steps of the whole run (the bar's end). */
  readonly totalSteps: number;
  /** Steps already done when this session starts (a resumed run). */
  readonly doneSteps: number;
  /** Without a terminal, print one line every this many steps (and the last). */
  readonly every: number;
}

/** The reward and KL shown are averaged over this many recent steps: single steps are noisy. */
const WINDOW = 10;

/**
 * A progress display on `stream`: on a TTY, a `cli-progress` bar with the step, the mean reward and
 * KL(π ‖ π_ref) over the last 10 steps, sampled tokens per second and the ETA; otherwise one plain line
 * every `every` steps (`step 20/200  reward 0.512  KL 0.031  tok/s 950  ETA 3m 10s`), so logs stay
 * readable when piped to a file.
 *
 * @example
 * const progress = trainingProgress(process.stderr, { totalSteps: 200, doneSteps: 0, every: 10 });
 * metrics$.subscribe({ next: (m) => progress.step(m), complete: () => progress.stop() });
 */
export function trainingProgress(stream: CliStream, options: TrainingProgressOptions): TrainingProgress {
  const recent: StepMetrics[] = [];
  const stepMs: number[] = [];
  const payload = (): Record<string, string> => {
    const reward = mean(recent.map((m) => m.reward_mean));
    const kl = mean(recent.flatMap((m) => (m.kl_ref === undefined ? [] : [m.kl_ref])));
    const tps = mean(recent.map((m) => m.tokens_per_s));
    return { reward: fixed(reward, 3), kl: fixed(kl, 3), tps: fixed(tps, 0) };
  };
  const remember = (m: StepMetrics): void => {
    recent.push(m);
    if (recent.length > WINDOW) recent.shift();
    stepMs.push(m.step_ms);
  };
  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'step {value}/{total} [{bar}] reward {reward} | KL {kl} | {tps} tok/s | ETA {eta_formatted}',
        stream: stream as unknown as NodeJS.WritableStream,
        hideCursor: true,
        barsize: 24,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.totalSteps, options.doneSteps, { reward: '-', kl: '-', tps: '-' });
    return {
      step: (m) => {
        remember(m);
        bar.update(m.step + 1, payload());
      },
      log: (line) => {
        // Finish the bar's line first, so the message does not overwrite it.
        stream.write(`\n${line}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  return {
    step: (m) => {
      remember(m);
      const done = m.step + 1;
      if (done % options.every !== 0 && done !== options.totalSteps) return;
      const { reward, kl, tps } = payload();
      const eta = formatDuration((mean(stepMs) * (options.totalSteps - done)) / 1000);
      stream.write(`step ${done}/${options.totalSteps}  reward ${reward}  KL ${kl}  tok/s ${tps}  ETA ${eta}\n`);
    },
    log: (line) => stream.write(`${line}\n`),
    stop: () => undefined,
  };
}

/**
 * Seconds as `1h 2m`, `3m 10s` or `42s`.
 *
 * @example
 * formatDuration(190); // '3m 10s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${s}s`;
}

function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}
