/** The HTML report of a run: one self-contained page with tables and the inline SVG plot. */
import { escapeXml as escape, renderPlot } from './plot.js';
import type { MetricSummary } from './metrics.js';
import type { RunSummary, StepSummary } from './summary.js';

const STYLE = `
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.ok { color: #1a7f37; font-weight: bold; }
.failed { color: #cf222e; font-weight: bold; }
`;

export function renderHtml(summary: RunSummary): string {
  const verdict = summary.ok
    ? '<span class="ok">all thresholds passed</span>'
    : '<span class="failed">thresholds failed</span>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wordcount load test: ${escape(summary.options)}</title><style>${STYLE}</style></head>
<body>
<h1>wordcount load test (${escape(summary.options)})</h1>
<p>Target ${escape(summary.target)}, started ${escape(summary.startedAt)}, ran ${summary.durationSeconds.toFixed(1)} s: ${verdict}.</p>
<p>Map tasks count a chunk of ${summary.workload.chunk.bytes} bytes (${summary.workload.chunk.words} words);
workflow jobs count a text of ${summary.workload.text.bytes} bytes (${summary.workload.text.words} words).</p>
${renderPlot(summary)}
<h2>Thresholds</h2>
${table(
  ['metric', 'threshold', 'value', 'result'],
  summary.thresholds.map((result) => [
    escape(result.key),
    escape(result.expression),
    result.value === undefined ? 'no samples' : format(result.value),
    result.ok ? '<span class="ok">passed</span>' : '<span class="failed">failed</span>',
  ]),
)}
<h2>Checks</h2>
${table(
  ['check', 'passes', 'fails'],
  summary.checks.map((check) => [escape(check.name), String(check.passes), String(check.fails)]),
)}
${Object.entries(summary.scenarios)
  .map(([name, scenario]) => `<h2>Scenario ${escape(name)}</h2>\n${stepTable(scenario.steps)}`)
  .join('\n')}
<h2>All metrics</h2>
${metricTable(summary.metrics)}
</body>
</html>
`;
}

function stepTable(steps: readonly StepSummary[]): string {
  return table(
    [
      'step',
      'VUs (mean)',
      'seconds',
      'throughput',
      'p95 ms',
      'med ms',
      'max ms',
      'failed',
      'input MB/s',
      'received MB/s',
      'instances',
    ],
    steps.map((step) => {
      const head = step.headline;
      const duration = step.metrics.http_req_duration?.values ?? {};
      return [
        escape(step.name),
        `${step.vus} (${format(step.meanVus)})`,
        format(step.elapsedSeconds),
        head === undefined ? '' : `${format(head.throughputPerSecond)} ${head.unit}`,
        head?.p95Ms === undefined ? '' : format(head.p95Ms),
        duration.med === undefined ? '' : format(duration.med),
        duration.max === undefined ? '' : format(duration.max),
        head === undefined ? '' : String(head.failed),
        head === undefined ? '' : format(head.inputBytesPerSecond / 1e6),
        head === undefined ? '' : format(head.dataReceivedPerSecond / 1e6),
        head === undefined
          ? ''
          : `${head.instances}${head.jobInstancesMax === undefined ? '' : ` (jobs: up to ${head.jobInstancesMax})`}`,
      ];
    }),
  );
}

function metricTable(metrics: Record<string, MetricSummary>): string {
  return table(
    ['metric', 'type', 'values'],
    Object.entries(metrics).map(([name, metric]) => [
      escape(name),
      metric.type,
      Object.entries(metric.values)
        .map(([key, value]) => `${escape(key)}=${format(value)}`)
        .join(' '),
    ]),
  );
}

function table(headers: string[], rows: string[][]): string {
  const head = `<tr>${headers.map((header) => `<th>${escape(header)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`);
  return `<table>\n${head}\n${body.join('\n')}\n</table>`;
}

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}
