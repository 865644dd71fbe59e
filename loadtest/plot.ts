/**
 * The scaling plot as a self-contained SVG: one panel per scenario, with throughput (left
 * axis) and p95 latency (right axis) at each step's concurrency, and the number of distinct
 * instances that served each step written above its point.
 */
import type { RunSummary, StepSummary } from './summary.js';

const WIDTH = 760;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 70, right: 70, top: 50, bottom: 50 };
const THROUGHPUT_COLOR = '#1f77b4';
const P95_COLOR = '#d62728';

interface Point {
  label: string;
  unit: string;
  throughput: number;
  p95: number;
  instances: number;
  jobInstances: number | undefined;
}

/** Renders the plot of `summary`; scenarios without a measured step are left out. */
export function renderPlot(summary: RunSummary): string {
  const panels = Object.entries(summary.scenarios)
    .map(([name, scenario]) => ({ name, points: points(scenario.steps) }))
    .filter((panel) => panel.points.length > 0);
  const height = Math.max(1, panels.length) * PANEL_HEIGHT;
  const body = panels.map((panel, i) => renderPanel(panel.name, panel.points, i * PANEL_HEIGHT));
  if (panels.length === 0) body.push(text(WIDTH / 2, 40, 'no measured steps', 'middle'));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function points(steps: readonly StepSummary[]): Point[] {
  return steps.flatMap((step) =>
    step.headline === undefined
      ? []
      : [
          {
            label:
              step.executor === 'ramping-vus'
                ? `${step.name} (mean ${round(step.meanVus)})`
                : step.name,
            unit: step.headline.unit,
            throughput: step.headline.throughputPerSecond,
            p95: step.headline.p95Ms ?? 0,
            instances: step.headline.instances,
            jobInstances: step.headline.jobInstancesMax,
          },
        ],
  );
}

function renderPanel(name: string, data: Point[], top: number): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x0 = MARGIN.left;
  const y0 = top + MARGIN.top + plotHeight;
  const maxThroughput = niceMax(Math.max(...data.map((point) => point.throughput)));
  const maxP95 = niceMax(Math.max(...data.map((point) => point.p95)));
  // Points stay clear of the axes, so their labels do not cover the tick values.
  const inset = 50;
  const x = (i: number): number =>
    data.length === 1
      ? x0 + plotWidth / 2
      : x0 + inset + (i * (plotWidth - 2 * inset)) / (data.length - 1);
  const yThroughput = (value: number): number => y0 - (value / maxThroughput) * plotHeight;
  const yP95 = (value: number): number => y0 - (value / maxP95) * plotHeight;
  const unit = data[0].unit;

  const parts = [
    text(WIDTH / 2, top + 20, `${name}: ${unit} and p95 against concurrency`, 'middle', 'bold'),
    `<line x1="${x0}" y1="${y0}" x2="${x0 + plotWidth}" y2="${y0}" stroke="#444"/>`,
    `<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 - plotHeight}" stroke="${THROUGHPUT_COLOR}"/>`,
    `<line x1="${x0 + plotWidth}" y1="${y0}" x2="${x0 + plotWidth}" y2="${y0 - plotHeight}" stroke="${P95_COLOR}"/>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const y = y0 - (tick / 4) * plotHeight;
    parts.push(`<line x1="${x0}" y1="${y}" x2="${x0 + plotWidth}" y2="${y}" stroke="#eee"/>`);
    parts.push(
      text(x0 - 6, y + 4, round((maxThroughput * tick) / 4), 'end', 'normal', THROUGHPUT_COLOR),
    );
    parts.push(
      text(x0 + plotWidth + 6, y + 4, round((maxP95 * tick) / 4), 'start', 'normal', P95_COLOR),
    );
  }
  parts.push(text(18, y0 - plotHeight / 2, unit, 'middle', 'normal', THROUGHPUT_COLOR, -90));
  parts.push(text(WIDTH - 18, y0 - plotHeight / 2, 'p95 ms', 'middle', 'normal', P95_COLOR, 90));

  parts.push(
    polyline(
      data.map((point, i) => [x(i), yThroughput(point.throughput)]),
      THROUGHPUT_COLOR,
    ),
  );
  parts.push(
    polyline(
      data.map((point, i) => [x(i), yP95(point.p95)]),
      P95_COLOR,
      '6 4',
    ),
  );
  data.forEach((point, i) => {
    const px = x(i);
    parts.push(
      `<circle cx="${px}" cy="${yThroughput(point.throughput)}" r="4" fill="${THROUGHPUT_COLOR}"/>`,
    );
    parts.push(`<circle cx="${px}" cy="${yP95(point.p95)}" r="4" fill="${P95_COLOR}"/>`);
    const labelY = Math.min(yThroughput(point.throughput), yP95(point.p95)) - 10;
    const jobs = point.jobInstances === undefined ? '' : ` (jobs: ${point.jobInstances})`;
    parts.push(text(px, labelY, `${point.instances} inst.${jobs}`, 'middle', 'normal', '#333'));
    parts.push(text(px, y0 + 18, point.label, 'middle'));
  });
  parts.push(
    text(x0, top + 38, '— throughput   ', 'start', 'normal', THROUGHPUT_COLOR),
    text(x0 + 110, top + 38, '- - p95 latency   ', 'start', 'normal', P95_COLOR),
    text(
      x0 + 230,
      top + 38,
      'N inst.: instances that served the step (jobs: max per job)',
      'start',
      'normal',
      '#333',
    ),
  );
  return `<g>${parts.join('')}</g>`;
}

function polyline(coordinates: Array<[number, number]>, color: string, dash?: string): string {
  const list = coordinates.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const dashes = dash === undefined ? '' : ` stroke-dasharray="${dash}"`;
  return `<polyline points="${list}" fill="none" stroke="${color}" stroke-width="2"${dashes}/>`;
}

function text(
  px: number,
  py: number,
  content: string,
  anchor: 'start' | 'middle' | 'end',
  weight = 'normal',
  color = '#000',
  rotate?: number,
): string {
  const transform = rotate === undefined ? '' : ` transform="rotate(${rotate} ${px} ${py})"`;
  return `<text x="${px}" y="${py}" text-anchor="${anchor}" font-weight="${weight}" fill="${color}"${transform}>${escapeXml(content)}</text>`;
}

/** Rounds an axis maximum up to 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

function round(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
