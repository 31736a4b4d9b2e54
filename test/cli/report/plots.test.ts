import { describe, expect, it } from 'vitest';
import { lineChartSvg, scatterChartSvg, type ChartSpec } from '../../../src/cli/report/plots.js';

/** Tag balance, the slow obvious way: every opening tag is closed in order, and there is one root `<svg>`. */
function isWellFormedSvg(svg: string): boolean {
  if (!svg.startsWith('<svg') || !svg.endsWith('</svg>')) return false;
  const stack: string[] = [];
  let roots = 0;
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    if (tag === undefined || name === undefined) return false;
    if (closing === '/') {
      if (stack.pop() !== name) return false;
    } else if (selfClosing !== '/') {
      if (stack.length === 0) roots++;
      stack.push(name);
    }
  }
  return stack.length === 0 && roots === 1;
}

const count = (s: string, needle: string): number => s.split(needle).length - 1;
const LINE_MARK = 'aria-roledescription="line mark"';
const POINT_MARK = 'aria-roledescription="point"';

const twoRuns: ChartSpec = {
  title: 'Reward during J-BOND',
  xLabel: 'step',
  yLabel: 'reward',
  series: [
    { name: 'jbond', points: [[0, 0.1], [1, 0.5], [2, 0.7]] },
    { name: 'reinforce', points: [[0, 0.1], [1, 0.3], [2, 0.2], [3, 0.4]] },
  ],
};

describe('lineChartSvg', () => {
  it('renders a well-formed SVG with the title, axis labels, legend and one line per series', async () => {
    const svg = await lineChartSvg(twoRuns);
    expect(isWellFormedSvg(svg)).toBe(true);
    for (const text of [twoRuns.title, 'step', 'reward', 'jbond', 'reinforce']) expect(svg).toContain(`>${text}</text>`);
    expect(count(svg, LINE_MARK)).toBe(twoRuns.series.length);
  });
  it('is deterministic: the same input gives the same SVG', async () => {
    expect(await lineChartSvg(twoRuns)).toBe(await lineChartSvg(twoRuns));
  });
  it('drops non-finite points and keeps the finite ones of the same series', async () => {
    const withHoles: ChartSpec = {
      ...twoRuns,
      series: [{ name: 'a', points: [[0, 1], [1, NaN], [Infinity, 2], [2, -Infinity], [3, 2]] }],
    };
    const svg = await lineChartSvg(withHoles);
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(count(svg, LINE_MARK)).toBe(1);
    // The same chart as one made from the finite points only.
    expect(svg).toBe(await lineChartSvg({ ...withHoles, series: [{ name: 'a', points: [[0, 1], [3, 2]] }] }));
  });
  it('renders empty axes with the title when there are no series or no finite points', async () => {
    for (const series of [[], [{ name: 'empty', points: [] }], [{ name: 'nan', points: [[NaN, NaN]] as const }]]) {
      const svg = await lineChartSvg({ ...twoRuns, series });
      expect(isWellFormedSvg(svg)).toBe(true);
      expect(svg).toContain(`>${twoRuns.title}</text>`);
      expect(count(svg, LINE_MARK)).toBe(0);
    }
  });
  it('escapes markup in titles and names', async () => {
    const svg = await lineChartSvg({ ...twoRuns, title: 'KL < 1 & "reward"', series: [{ name: '<b>', points: [[0, 0], [1, 1]] }] });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(svg).not.toContain('<b>');
  });
  it('rejects duplicate series names', async () => {
    await expect(lineChartSvg({ ...twoRuns, series: [{ name: 'a', points: [] }, { name: 'a', points: [] }] })).rejects.toThrow(
      'lineChartSvg: expected distinct series names, got "a" twice',
    );
  });
  it('uses the requested plot size for the plot area (the frame drawn behind the marks)', async () => {
    const frame = (w: number, h: number): string => `h${w}v${h}h-${w}Z`;
    expect(await lineChartSvg(twoRuns)).toContain(frame(480, 300));
    const svg = await lineChartSvg({ ...twoRuns, width: 200, height: 100 });
    expect(svg).toContain(frame(200, 100));
    expect(svg).not.toContain(frame(480, 300));
  });
});

describe('scatterChartSvg', () => {
  it('renders one point mark per finite point, in one colour per series', async () => {
    const svg = await scatterChartSvg({ ...twoRuns, series: [...twoRuns.series, { name: 'holes', points: [[1, NaN], [2, 2]] }] });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(svg).toContain(`>${twoRuns.title}</text>`);
    expect(count(svg, POINT_MARK)).toBe(3 + 4 + 1);
    expect(count(svg, LINE_MARK)).toBe(0);
    const fills = new Set([...svg.matchAll(new RegExp(`${POINT_MARK}[^>]*fill="(#[0-9a-f]+)"`, 'g'))].map((m) => m[1]));
    expect(fills.size).toBe(3);
  });
  it('is deterministic: the same input gives the same SVG', async () => {
    expect(await scatterChartSvg(twoRuns)).toBe(await scatterChartSvg(twoRuns));
  });
});
