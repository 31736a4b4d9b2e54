import type { TopLevelSpec } from 'vega-lite';

/**
 * A chart of named series of (x, y) points, e.g. reward against training step for each run.
 *
 * @example
 * const spec: ChartSpec = { title: 'KL to reference', xLabel: 'step', yLabel: 'KL', series: [{ name: 'jbond', points: [[0, 0], [10, 0.3]] }] };
 */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: ReadonlyArray<{ readonly name: string; readonly points: ReadonlyArray<readonly [number, number]> }>;
  /** Plot area size in pixels (axes, title and legend come on top); default 480 × 300. */
  readonly width?: number;
  readonly height?: number;
}

/**
 * Renders a line chart, one coloured line per series, as a standalone SVG string, in Node without a
 * browser or canvas: the chart is written as a Vega-Lite spec, compiled to Vega, and rendered by a
 * headless `vega.View` (so text widths are estimated, not measured). The same input gives the same SVG.
 *
 * Both axes fit the data without forcing zero in, so small changes in a reward curve stay visible.
 * Points whose x or y is not finite (NaN, ±Infinity, e.g. an undefined `log_quantile` at some step) are
 * dropped rather than failing the whole report; a line joins the remaining points in order of x.
 * Series keep their given order in the legend and colours, even a series left with no points; an empty
 * `series` gives empty axes with the title. Series names must be distinct.
 *
 * @example
 * const svg = await lineChartSvg({
 *   title: 'J-BOND reward', xLabel: 'step', yLabel: 'reward',
 *   series: [{ name: 'jbond', points: [[0, 0.1], [1, 0.4], [2, 0.6]] }],
 * });
 * svg.startsWith('<svg'); // true
 */
export function lineChartSvg(spec: ChartSpec): Promise<string> {
  return chartSvg(spec, 'line', 'lineChartSvg');
}

/**
 * Renders a scatter chart, one colour per series and one point mark per (x, y) point, as an SVG string.
 * Identical to {@link lineChartSvg} except that points are not joined (e.g. reward against KL
 * trade-off points, Figure 4 of the BOND paper); non-finite points are dropped likewise.
 *
 * @example
 * const svg = await scatterChartSvg({
 *   title: 'reward vs KL', xLabel: 'KL(π‖π_ref)', yLabel: 'reward',
 *   series: [{ name: 'Best-of-N', points: [[0.5, 1.2], [1.3, 1.9]] }],
 * });
 */
export function scatterChartSvg(spec: ChartSpec): Promise<string> {
  return chartSvg(spec, 'point', 'scatterChartSvg');
}

async function chartSvg(spec: ChartSpec, mark: 'line' | 'point', where: string): Promise<string> {
  const names = spec.series.map((s) => s.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new RangeError(`${where}: expected distinct series names, got ${JSON.stringify(duplicate)} twice`);
  const values = spec.series.flatMap((s) =>
    s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => ({ series: s.name, x, y })),
  );
  const vlSpec: TopLevelSpec = {
    title: spec.title,
    width: spec.width ?? 480,
    height: spec.height ?? 300,
    data: { values },
    mark: mark === 'line' ? { type: 'line' } : { type: 'point', filled: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: spec.xLabel, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: spec.yLabel, scale: { zero: false } },
      // An explicit domain keeps the caller's series order (Vega-Lite would sort names alphabetically).
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: names } },
    },
  };
  // Loaded on first use: Vega is large, and ESM-only with top-level await, which a CommonJS build can
  // reach only through import(), never require().
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(vlSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
