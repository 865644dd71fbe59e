/** The option sets of `npm run loadtest` (full) and `npm run loadtest:smoke` (short, for CI). */
import type { LoadTestOptions, ScenarioOptions } from './options.js';

const MAP = { kind: 'requests', function: 'map' } as const;

const TIMEOUTS = {
  // Above the map function's default timeout (300 s), so the function ends a slow call first.
  map: 330,
  submit: 60,
  // Above the coordinator's timeout (610 s in the local deployment, which runs map calls of
  // up to 300 s), so the coordinator, not the client, ends a long request.
  advance: 660,
};

const fullScenarios: Record<string, ScenarioOptions> = {
  map_scaling: {
    exec: 'mapChunk',
    tags: { function: 'map' },
    measure: MAP,
    steps: [1, 2, 4, 8, 16].map((vus) => ({
      executor: 'constant-vus' as const,
      vus,
      durationSeconds: 15,
    })),
  },
  workflow_throughput: {
    exec: 'wholeJob',
    tags: { function: 'coordinator' },
    measure: { kind: 'iterations' },
    steps: [
      { executor: 'ramping-vus', startVus: 1, targetVus: 2, durationSeconds: 20 },
      { executor: 'ramping-vus', startVus: 2, targetVus: 4, durationSeconds: 20 },
      { executor: 'constant-vus', vus: 4, durationSeconds: 20 },
    ],
  },
  burst_from_idle: {
    exec: 'mapChunk',
    tags: { function: 'map' },
    measure: MAP,
    steps: [
      { executor: 'idle', durationSeconds: 30 },
      { executor: 'per-vu-iterations', vus: 16, iterations: 2, maxDurationSeconds: 120 },
    ],
  },
};

export const FULL: LoadTestOptions = {
  name: 'full',
  scenarios: fullScenarios,
  thresholds: {
    // No failed request in any scenario, and every check passes.
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    // p95 within a tenth of the map timeout (300 s), p99 within 0.8 of it.
    'http_req_duration{function:map}': ['p(95)<30000', 'p(99)<240000'],
    // A whole job of the 3 MB text stays far below the map timeout (300 s).
    'iteration_duration{scenario:workflow_throughput}': ['p(95)<60000'],
  },
  workload: {
    chunkBytes: 1024 * 1024,
    chunkCopies: 64,
    partitions: 256,
  },
  timeouts: TIMEOUTS,
};

/**
 * A few seconds of each scenario. Its thresholds gate failed requests and checks only:
 * durations are reported, not gated, because CI shares a noisy machine.
 */
export const SMOKE: LoadTestOptions = {
  name: 'smoke',
  scenarios: {
    map_scaling: {
      ...fullScenarios.map_scaling,
      steps: [1, 2].map((vus) => ({
        executor: 'constant-vus' as const,
        vus,
        durationSeconds: 3,
      })),
    },
    workflow_throughput: {
      ...fullScenarios.workflow_throughput,
      steps: [{ executor: 'ramping-vus', startVus: 1, targetVus: 2, durationSeconds: 6 }],
    },
    burst_from_idle: {
      ...fullScenarios.burst_from_idle,
      steps: [
        { executor: 'idle', durationSeconds: 2 },
        { executor: 'per-vu-iterations', vus: 4, iterations: 1, maxDurationSeconds: 30 },
      ],
    },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  },
  workload: {
    chunkBytes: 256 * 1024,
    chunkCopies: 16,
    partitions: 256,
  },
  timeouts: TIMEOUTS,
};
