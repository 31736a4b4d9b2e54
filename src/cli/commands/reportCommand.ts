import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BondInputError, decodeOrThrow } from '../../core/index.js';
import type { CliIo } from '../cliIo.js';
import { EvalResult } from '../eval/evalResult.js';
import { ExitCode } from '../exitCode.js';
import { flagHelp, parseCommandLine, type CommandLine, type Flags } from '../flags.js';
import { lineChartSvg, scatterChartSvg } from '../report/plots.js';
import { reportCharts } from '../report/reportCharts.js';
import { reportHtml } from '../report/reportHtml.js';
import { RunDirectory, type SampleLine } from '../run/runDirectory.js';

const REPORT = { command: 'bond report', positionals: [{ name: 'run dir' }], flags: {} } satisfies CommandLine<Flags>;

/**
 * The help text of `bond report`.
 *
 * @example
 * process.stdout.write(REPORT_HELP);
 */
export const REPORT_HELP = `Usage: bond report <run dir>

Writes <run dir>/report/: reward.svg (reward vs step), kl.svg (KL vs step), reward-vs-kl.svg (reward vs KL
to the reference, with Best-of-N of the reference from eval.json) and report.html, which shows them with
the eval table, the latest samples and the resolved config.

Options:
${flagHelp(REPORT.flags)}`;

/**
 * The chart files of a report, in the order report.html shows them.
 *
 * @example
 * join(run.report, REPORT_FILES.html); // runs/x/report/report.html
 */
export const REPORT_FILES = { reward: 'reward.svg', kl: 'kl.svg', rewardVsKl: 'reward-vs-kl.svg', html: 'report.html' } as const;

/**
 * `bond report`: renders the run's charts as SVG (headless Vega-Lite) and writes `report.html` next to
 * them, in `<run dir>/report/`.
 *
 * @example
 * process.exitCode = await reportCommand(['runs/jbond-1'], processIo());
 */
export async function reportCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { positionals, help } = parseCommandLine(REPORT, argv);
  if (help) {
    io.stdout.write(REPORT_HELP);
    return ExitCode.ok;
  }
  const run = new RunDirectory(positionals[0] as string);
  if (!run.isRun()) throw new BondInputError(`bond report: expected a run directory holding config.json, got ${run.root}`);
  const metrics = run.readMetrics();
  if (metrics.length === 0) throw new BondInputError(`bond report: expected at least one step in ${run.metrics}, got none`);
  const evaluation = existsSync(run.eval) ? decodeOrThrow(EvalResult, run.readJson(run.eval), run.eval) : undefined;
  const charts = reportCharts(metrics, evaluation);
  mkdirSync(run.report, { recursive: true });
  const svgs: Array<[string, Promise<string>]> = [
    [REPORT_FILES.reward, lineChartSvg(charts.reward)],
    [REPORT_FILES.kl, lineChartSvg(charts.kl)],
    [REPORT_FILES.rewardVsKl, scatterChartSvg(charts.rewardVsKl)],
  ];
  for (const [file, svg] of svgs) writeFileSync(join(run.report, file), await svg);
  const html = reportHtml({
    run: run.root,
    config: run.readJson(run.config),
    charts: [
      { file: REPORT_FILES.reward, caption: charts.reward.title },
      { file: REPORT_FILES.kl, caption: charts.kl.title },
      { file: REPORT_FILES.rewardVsKl, caption: charts.rewardVsKl.title },
    ],
    ...(evaluation === undefined ? {} : { evaluation }),
    samples: latestSamples(run),
  });
  writeFileSync(join(run.report, REPORT_FILES.html), html);
  io.stdout.write(`wrote ${join(run.report, REPORT_FILES.html)} and ${svgs.map(([f]) => f).join(', ')}\n`);
  return ExitCode.ok;
}

/** The samples of the last step that has any. */
function latestSamples(run: RunDirectory): SampleLine[] {
  const lines = run.readSamples();
  const last = Math.max(...lines.map((l) => l.step));
  return lines.filter((l) => l.step === last);
}
