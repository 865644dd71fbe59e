/**
 * The JSON summary of a run. Its `metrics` have the shape of k6's summary export (type and
 * values per metric, sub-metrics keyed `metric{tag:value}`), and `scenarios` add the same
 * metrics per step with a headline: throughput, p95 and the distinct instances that served it.
 */
import type { StepRun } from './executors.js';
import {
  METRIC_TYPES,
  summarize,
  type MetricName,
  type MetricSummary,
  type Recorder,
  type Tags,
} from './metrics.js';
import type { LoadTestOptions, ScenarioOptions } from './options.js';
import type { ThresholdResult } from './thresholds.js';
import type { Workload } from './workload.js';

export interface StepHeadline {
  /** `requests/s` of one function, or `iterations/s` (whole jobs). */
  unit: string;
  throughputPerSecond: number;
  p95Ms: number | undefined;
  /** Failed requests of the step, of every function. */
  failed: number;
  /** Input bytes per second that map receipts report as counted (map scenarios). */
  inputBytesPerSecond: number;
  dataReceivedPerSecond: number;
  /** Distinct instances of the measured function that served requests in the step. */
  instances: number;
  instanceIds: string[];
  /** Largest number of map and reduce instances that one job reported (workflow). */
  jobInstancesMax?: number;
}

export interface StepSummary extends Omit<StepRun, 'startMs' | 'endMs'> {
  startSeconds: number;
  elapsedSeconds: number;
  headline?: StepHeadline;
  metrics: Partial<Record<MetricName, MetricSummary>>;
}

export interface ScenarioSummary {
  exec: string;
  tags: Record<string, string>;
  steps: StepSummary[];
}

export interface CheckSummary {
  name: string;
  passes: number;
  fails: number;
}

export interface RunSummary {
  options: string;
  target: string;
  startedAt: string;
  durationSeconds: number;
  workload: Workload;
  ok: boolean;
  thresholds: ThresholdResult[];
  checks: CheckSummary[];
  metrics: Record<string, MetricSummary>;
  scenarios: Record<string, ScenarioSummary>;
}

export interface SummaryInput {
  options: LoadTestOptions;
  target: string;
  startedAt: Date;
  recorder: Recorder;
  workload: Workload;
  steps: Record<string, StepRun[]>;
  thresholds: { results: ThresholdResult[]; metrics: Record<string, MetricSummary> };
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { recorder } = input;
  const durationSeconds = recorder.now() / 1000;
  const scenarios: Record<string, ScenarioSummary> = {};
  for (const [name, runs] of Object.entries(input.steps)) {
    const scenario = input.options.scenarios[name];
    scenarios[name] = {
      exec: scenario.exec,
      tags: scenario.tags,
      steps: runs.map((run, index) => stepSummary(recorder, name, scenario, run, index)),
    };
  }
  return {
    options: input.options.name,
    target: input.target,
    startedAt: input.startedAt.toISOString(),
    durationSeconds,
    workload: input.workload,
    ok: input.thresholds.results.every((result) => result.ok),
    thresholds: input.thresholds.results,
    checks: checkSummaries(recorder),
    metrics: { ...metricSummaries(recorder, {}, durationSeconds), ...input.thresholds.metrics },
    scenarios,
  };
}

export function stepSummary(
  recorder: Recorder,
  scenarioName: string,
  scenario: ScenarioOptions,
  run: StepRun,
  index: number,
): StepSummary {
  const { startMs, endMs, ...rest } = run;
  const elapsedSeconds = (endMs - startMs) / 1000;
  const filter = { scenario: scenarioName, step: String(index) };
  return {
    ...rest,
    startSeconds: startMs / 1000,
    elapsedSeconds,
    headline:
      run.executor === 'idle' ? undefined : headline(recorder, scenario, filter, elapsedSeconds),
    metrics: metricSummaries(recorder, filter, elapsedSeconds),
  };
}

function headline(
  recorder: Recorder,
  scenario: ScenarioOptions,
  filter: Tags,
  elapsedSeconds: number,
): StepHeadline {
  const measure = scenario.measure;
  const fn = measure.kind === 'requests' ? measure.function : scenario.tags.function;
  const requests = { ...filter, function: fn };
  const [counter, trend] =
    measure.kind === 'requests'
      ? (['http_reqs', 'http_req_duration'] as const)
      : (['iterations', 'iteration_duration'] as const);
  const counterFilter = measure.kind === 'requests' ? requests : filter;
  const value = (metric: MetricName, tags: Tags, key: string): number =>
    summarize(metric, recorder.select(metric, tags), elapsedSeconds).values[key] ?? 0;

  const instanceIds = [
    ...new Set(recorder.select('http_reqs', requests).map((sample) => sample.tags.instance)),
  ]
    .filter((id): id is string => id !== undefined)
    .sort();
  const jobInstances = recorder.select('job_instances', filter);
  return {
    unit: measure.kind === 'requests' ? 'requests/s' : 'jobs/s',
    throughputPerSecond: value(counter, counterFilter, 'rate'),
    p95Ms: summarize(trend, recorder.select(trend, counterFilter), elapsedSeconds).values['p(95)'],
    // A failed request is a sample of value 1, which the rate counts among its passes.
    failed: value('http_req_failed', filter, 'passes'),
    inputBytesPerSecond: value('map_input_bytes', filter, 'rate'),
    dataReceivedPerSecond: value('data_received', requests, 'rate'),
    instances: instanceIds.length,
    instanceIds,
    ...(jobInstances.length === 0
      ? {}
      : { jobInstancesMax: Math.max(...jobInstances.map((sample) => sample.value)) }),
  };
}

function metricSummaries(
  recorder: Recorder,
  filter: Tags,
  elapsedSeconds: number,
): Partial<Record<MetricName, MetricSummary>> {
  const metrics: Partial<Record<MetricName, MetricSummary>> = {};
  for (const metric of Object.keys(METRIC_TYPES) as MetricName[]) {
    const samples = recorder.select(metric, filter);
    if (samples.length > 0) metrics[metric] = summarize(metric, samples, elapsedSeconds);
  }
  return metrics;
}

function checkSummaries(recorder: Recorder): CheckSummary[] {
  const byName = new Map<string, CheckSummary>();
  for (const sample of recorder.select('checks')) {
    const name = sample.tags.check ?? 'unnamed';
    const entry = byName.get(name) ?? { name, passes: 0, fails: 0 };
    if (sample.value !== 0) entry.passes++;
    else entry.fails++;
    byName.set(name, entry);
  }
  return [...byName.values()];
}
