/**
 * k6-style thresholds: a key `metric` or `metric{tag:value}` and expressions such as
 * `rate<0.01`, `p(95)<2000` or `count>0`, evaluated over every sample of the run.
 */
import { UsageError } from '../functions/lib/errors.js';
import {
  METRIC_TYPES,
  percentile,
  summarize,
  type MetricName,
  type MetricSummary,
  type Recorder,
  type Sample,
  type Tags,
} from './metrics.js';

export interface ThresholdResult {
  key: string;
  expression: string;
  /** The metric's value that the expression compared, or undefined when it had no samples. */
  value: number | undefined;
  ok: boolean;
}

const KEY = /^(\w+)(?:\{(\w+):([^}]+)\})?$/;
const EXPRESSION =
  /^(avg|min|med|max|count|rate|p\(\d+(?:\.\d+)?\))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)$/;

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** Splits a threshold key into its metric and tag filter. @throws UsageError for a bad key. */
export function parseKey(key: string): { metric: MetricName; filter: Tags } {
  const match = KEY.exec(key);
  if (match === null || !(match[1] in METRIC_TYPES)) {
    throw new UsageError(
      `invalid threshold key ${JSON.stringify(key)}: expected a metric (${Object.keys(METRIC_TYPES).join(', ')}) ` +
        'with an optional {tag:value}',
    );
  }
  const filter = match[2] === undefined ? {} : { [match[2]]: match[3] };
  return { metric: match[1] as MetricName, filter };
}

/**
 * Evaluates every threshold, and returns the results with the summary of each threshold's
 * (sub-)metric, keyed like k6 (`http_req_duration{function:map}`).
 *
 * @throws UsageError for a key or expression that does not parse.
 */
export function evaluateThresholds(
  thresholds: Record<string, string[]>,
  recorder: Recorder,
  elapsedSeconds: number,
): { results: ThresholdResult[]; metrics: Record<string, MetricSummary> } {
  const results: ThresholdResult[] = [];
  const metrics: Record<string, MetricSummary> = {};
  for (const [key, expressions] of Object.entries(thresholds)) {
    const { metric, filter } = parseKey(key);
    const samples = recorder.select(metric, filter);
    const summary = summarize(metric, samples, elapsedSeconds);
    metrics[key] = summary;
    for (const expression of expressions) {
      const match = EXPRESSION.exec(expression.trim());
      if (match === null) {
        throw new UsageError(
          `invalid threshold ${JSON.stringify(expression)} for ${key}: expected AGGREGATE OPERATOR NUMBER, such as p(95)<2000`,
        );
      }
      const [, aggregate, operator, bound] = match;
      const value = aggregateOf(summary, aggregate, samples);
      // A threshold over no samples fails: it would otherwise pass a run that sent nothing.
      const ok = value !== undefined && COMPARE[operator](value, Number(bound));
      results.push({ key, expression, value, ok });
    }
  }
  return { results, metrics };
}

function aggregateOf(
  summary: MetricSummary,
  aggregate: string,
  samples: readonly Sample[],
): number | undefined {
  if (samples.length === 0) return undefined;
  if (aggregate.startsWith('p(')) {
    if (summary.type !== 'trend') return undefined;
    const sorted = samples.map((sample) => sample.value).sort((a, b) => a - b);
    return percentile(sorted, Number(aggregate.slice(2, -1)));
  }
  return summary.values[aggregate];
}
