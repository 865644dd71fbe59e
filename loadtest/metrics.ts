/**
 * Samples of a run and their summaries, with k6's metric names and value names, so that a
 * reader of k6 summaries finds the same keys (`http_req_duration` with `p(95)` in ms, ...).
 */

export type MetricType = 'counter' | 'rate' | 'trend';

/** The metrics this runner records, with their k6 types. */
export const METRIC_TYPES = {
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  data_sent: 'counter',
  data_received: 'counter',
  checks: 'rate',
  iterations: 'counter',
  iteration_duration: 'trend',
  /** Input bytes that map receipts report as counted. */
  map_input_bytes: 'counter',
  /** Distinct map and reduce instances that served a whole job, as its status reports. */
  job_instances: 'trend',
} as const satisfies Record<string, MetricType>;

export type MetricName = keyof typeof METRIC_TYPES;

export type Tags = Readonly<Record<string, string>>;

export interface Sample {
  metric: MetricName;
  value: number;
  /** Milliseconds since the run started. */
  timeMs: number;
  tags: Tags;
}

export type MetricValues = Record<string, number>;

export interface MetricSummary {
  type: MetricType;
  values: MetricValues;
}

/** Returns whether `tags` has every tag of `filter` with the same value. */
export function matches(tags: Tags, filter: Tags): boolean {
  return Object.entries(filter).every(([name, value]) => tags[name] === value);
}

/** Summarizes the samples of one metric; counters get a rate per second of `elapsedSeconds`. */
export function summarize(
  metric: MetricName,
  samples: readonly Sample[],
  elapsedSeconds: number,
): MetricSummary {
  const type = METRIC_TYPES[metric];
  const values = samples.map((sample) => sample.value);
  if (type === 'counter') {
    const count = values.reduce((sum, value) => sum + value, 0);
    return { type, values: { count, rate: elapsedSeconds > 0 ? count / elapsedSeconds : 0 } };
  }
  if (type === 'rate') {
    const passes = values.filter((value) => value !== 0).length;
    const fails = values.length - passes;
    return {
      type,
      values: { rate: values.length > 0 ? passes / values.length : 0, passes, fails },
    };
  }
  return { type, values: trendValues(values) };
}

function trendValues(values: number[]): MetricValues {
  if (values.length === 0) return { count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    avg: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    min: sorted[0],
    med: percentile(sorted, 50),
    max: sorted[sorted.length - 1],
    'p(90)': percentile(sorted, 90),
    'p(95)': percentile(sorted, 95),
    'p(99)': percentile(sorted, 99),
  };
}

/** Returns the `p`th percentile of sorted values, interpolating linearly between ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
}

/** Collects the samples of one run. */
export class Recorder {
  readonly samples: Sample[] = [];
  private readonly startedMs = performance.now();

  /** Milliseconds since the recorder was created. */
  now(): number {
    return performance.now() - this.startedMs;
  }

  add(metric: MetricName, value: number, tags: Tags): void {
    this.samples.push({ metric, value, timeMs: this.now(), tags });
  }

  select(metric: MetricName, filter: Tags = {}): Sample[] {
    return this.samples.filter(
      (sample) => sample.metric === metric && matches(sample.tags, filter),
    );
  }
}
