/**
 * Shapes of a load test's options, modelled on k6's: named scenarios, each a sequence of
 * steps run by an executor, and thresholds keyed by metric with an optional tag filter.
 */

/** Runs `vus` virtual users, each looping its scenario's iteration, for the whole step. */
export interface ConstantVusStep {
  executor: 'constant-vus';
  vus: number;
  durationSeconds: number;
}

/** Changes the number of active virtual users linearly from `startVus` to `targetVus`. */
export interface RampingVusStep {
  executor: 'ramping-vus';
  startVus: number;
  targetVus: number;
  durationSeconds: number;
}

/** Sends nothing, so that instances go idle (and on Knative scale to zero). */
export interface IdleStep {
  executor: 'idle';
  durationSeconds: number;
}

/** Starts `vus` users at once, each running `iterations` iterations: a burst. */
export interface PerVuIterationsStep {
  executor: 'per-vu-iterations';
  vus: number;
  iterations: number;
  /** Users start no new iteration after this many seconds. */
  maxDurationSeconds: number;
}

export type StepOptions = ConstantVusStep | RampingVusStep | IdleStep | PerVuIterationsStep;

/** The iteration functions a scenario can run, defined in scenarios.ts. */
export type ExecName = 'mapChunk' | 'wholeJob';

export interface ScenarioOptions {
  exec: ExecName;
  /** Tags added to every sample of the scenario, such as the function it loads. */
  tags: Record<string, string>;
  steps: StepOptions[];
  /**
   * Throughput and p95 that the plot and the per-step headline report: of single requests
   * to one function, or of whole iterations (a job from submission to its result).
   */
  measure: { kind: 'requests'; function: string } | { kind: 'iterations' };
}

/** Sizes of the data the scenarios send. */
export interface WorkloadOptions {
  /** Bytes of the chunk a map task counts; cut back to the last line end of the text. */
  chunkBytes: number;
  /** Copies of the chunk in the stored map input: map tasks one job provides. */
  chunkCopies: number;
  /** Hash partitions of every job (the map output's partition count). */
  partitions: number;
}

/** Request timeouts in seconds, per kind of call; k6 would give up after 60 s. */
export interface TimeoutOptions {
  map: number;
  submit: number;
  /** A coordinator request that advances a job: it may take the coordinator's whole timeout. */
  advance: number;
}

export interface LoadTestOptions {
  /** Name of the option set, written to the summary: `full` or `smoke`. */
  name: string;
  scenarios: Record<string, ScenarioOptions>;
  /** k6 syntax: `metric` or `metric{tag:value}` mapped to expressions like `p(95)<2000`. */
  thresholds: Record<string, string[]>;
  workload: WorkloadOptions;
  timeouts: TimeoutOptions;
}
