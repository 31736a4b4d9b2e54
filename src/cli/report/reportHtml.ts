import type { EvalResult } from '../eval/evalResult.js';
import { headline } from '../eval/formatEvalTable.js';
import type { SampleLine } from '../run/runDirectory.js';

/**
 * What {@link reportHtml} shows.
 *
 * @example
 * const content: ReportContent = { run: 'runs/a', config, charts: [{ file: 'kl.svg', caption: 'KL' }], samples: [] };
 */
export interface ReportContent {
  /** The run directory, for the title. */
  readonly run: string;
  /** The resolved `config.json`. */
  readonly config: unknown;
  /** File names of the SVG charts, relative to the HTML file, with captions. */
  readonly charts: ReadonlyArray<{ readonly file: string; readonly caption: string }>;
  readonly evaluation?: EvalResult;
  /** The samples logged last (held-out prompts and the policy's completions). */
  readonly samples: ReadonlyArray<SampleLine>;
}

/**
 * A self-contained `report.html`: the charts (as `<img>` of the SVG files next to it), the eval table
 * with its headline (Best-of-N of the reference for each N, and the policy), the latest held-out
 * samples, and the resolved config. Every value is HTML-escaped.
 *
 * @example
 * writeFileSync('runs/a/report/report.html', reportHtml({ run: 'runs/a', config, charts: [{ file: 'reward.svg', caption: 'reward' }], samples: [] }));
 */
export function reportHtml(content: ReportContent): string {
  const e = content.evaluation;
  const evalSection =
    e === undefined
      ? '<p>No evaluation yet: run <code>bond eval</code> on this run directory, then <code>bond report</code> again.</p>'
      : `<p>${esc(`${e.prompts} held-out prompts; ${e.referenceSamplesPerPrompt} reference and ${e.policySamplesPerPrompt} policy samples per prompt; ${e.maxNewTokens} new tokens.`)}</p>
<table>
<tr><th>sampler</th><th>mean reward</th><th>KL to reference</th></tr>
${e.bestOfN.map((p) => `<tr><td>Best-of-${p.n} (reference)</td><td>${p.rewardMean.toFixed(3)}</td><td>${p.n === 1 ? '0' : `≤ ${(Math.log(p.n) - (p.n - 1) / p.n).toFixed(3)}`}</td></tr>`).join('\n')}
<tr class="policy"><td>policy (1 sample)</td><td>${e.policy.rewardMean.toFixed(3)}</td><td>${e.policy.klRef.toFixed(3)}</td></tr>
</table>
<p class="headline">${esc(headline(e))}</p>`;
  const samples =
    content.samples.length === 0
      ? '<p>No samples logged.</p>'
      : `<table>
<tr><th>step</th><th>prompt</th><th>completion</th><th>reward</th></tr>
${content.samples.map((s) => `<tr><td>${s.step}</td><td>${esc(s.prompt)}</td><td>${esc(s.completion)}</td><td>${s.reward}</td></tr>`).join('\n')}
</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(`bond report: ${content.run}`)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
td, th { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
tr.policy, .headline { font-weight: bold; }
figure { margin: 1.5rem 0; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; }
</style>
</head>
<body>
<h1>${esc(`bond report: ${content.run}`)}</h1>
<h2>Evaluation</h2>
${evalSection}
<h2>Training</h2>
${content.charts.map((c) => `<figure><img src="${esc(c.file)}" alt="${esc(c.caption)}"><figcaption>${esc(c.caption)}</figcaption></figure>`).join('\n')}
<h2>Latest samples</h2>
${samples}
<h2>Config</h2>
<pre>${esc(JSON.stringify(content.config, null, 2))}</pre>
</body>
</html>
`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
