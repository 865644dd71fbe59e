/**
 * The iteration functions of the scenarios (k6's `exec`): one map task of the same chunk,
 * or one whole job through the coordinator, each with its checks.
 */
import { decodeMessage, encodeMessage } from '../functions/state/codec.js';
import type { JobStatus } from '../functions/state/messages.js';
import { check } from './checks.js';
import type { IterationFunction } from './executors.js';
import type { HttpClient } from './http.js';
import { MAP_HEADERS, MapTaskSource } from './map-tasks.js';
import type { Recorder, Tags } from './metrics.js';
import type { ExecName, LoadTestOptions, ScenarioOptions } from './options.js';
import type { Target } from './target.js';
import type { Workload } from './workload.js';

export interface RunContext {
  http: HttpClient;
  recorder: Recorder;
  target: Target;
  workload: Workload;
  options: LoadTestOptions;
}

/**
 * Responses in a row that return 202 without progress before the iteration gives up on a
 * job. The coordinator starts no call that cannot end before its own deadline, so with a
 * timeout too short for one map call it never advances.
 */
const MAX_STALLED_RESPONSES = 3;

/**
 * Returns the iteration function of scenario `name`, after the set-up it needs: for map
 * scenarios, the jobs that provide the tasks of its bursts.
 */
export async function createExec(
  name: string,
  scenario: ScenarioOptions,
  context: RunContext,
): Promise<IterationFunction> {
  const tags = { scenario: name, step: 'setup', ...scenario.tags };
  const execs: Record<ExecName, () => Promise<IterationFunction>> = {
    mapChunk: async () => {
      if (context.target.map === undefined) {
        throw new Error(`scenario ${name} sends map tasks: set MAP_URL to the map function's URL`);
      }
      const source = new MapTaskSource(
        name,
        context.http,
        context.recorder,
        context.target,
        context.workload,
        context.options,
      );
      await source.prepare(burstTasks(scenario), tags);
      return (iteration) => mapChunk(context, source, iteration.tags);
    },
    wholeJob: async () => {
      let jobs = 0;
      return (iteration) =>
        wholeJob(context, `${context.workload.runId}-${name}-${jobs++}`, iteration.tags);
    },
  };
  return execs[scenario.exec]();
}

function burstTasks(scenario: ScenarioOptions): number {
  return scenario.steps.reduce(
    (sum, step) => sum + (step.executor === 'per-vu-iterations' ? step.vus * step.iterations : 0),
    0,
  );
}

async function mapChunk(context: RunContext, source: MapTaskSource, tags: Tags): Promise<void> {
  const { http, recorder, target, workload, options } = context;
  const task = await source.next(tags);
  if (task === undefined || target.map === undefined) return;

  const response = await http.send('POST', target.map, '/map', {
    body: encodeMessage('MapTask', task),
    headers: MAP_HEADERS,
    timeoutSeconds: options.timeouts.map,
    tags: { ...tags, name: 'POST /map' },
  });
  if (!check(recorder, 'map status is 200', response.status === 200, tags)) return;

  const receipt = decodeMessage('MapReceipt', response.body);
  check(
    recorder,
    'map receipt covers the whole chunk',
    receipt.complete && receipt.bytes === workload.chunk.bytes,
    tags,
  );
  check(
    recorder,
    'map receipt counts the chunk’s words',
    receipt.words === workload.chunk.words,
    tags,
  );
  recorder.add('map_input_bytes', receipt.bytes, tags);
}

/** Submits a job over the whole text and advances it until it is done or failed. */
async function wholeJob(context: RunContext, jobId: string, tags: Tags): Promise<void> {
  const { http, recorder, target, workload, options } = context;
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const send = (path: string, name: string, body?: string) =>
    http.send('POST', target.coordinator, path, {
      body,
      headers,
      timeoutSeconds: options.timeouts.advance,
      tags: { ...tags, name },
    });

  let response = await send(
    '/jobs',
    'POST /jobs',
    JSON.stringify({
      jobId,
      input: { bucket: target.bucket, key: workload.text.key },
      options: { safeSize: workload.chunk.bytes, partitions: options.workload.partitions },
    }),
  );
  let progress = progressOf(response.body);
  let stalled = 0;
  while (response.status === 202 && stalled < MAX_STALLED_RESPONSES) {
    response = await send(`/jobs/${jobId}/advance`, 'POST /jobs/{id}/advance');
    const next = progressOf(response.body);
    stalled = next === progress ? stalled + 1 : 0;
    progress = next;
  }
  if (!check(recorder, 'job request status is 200', response.status === 200, tags)) return;

  const status = parseStatus(response.body);
  check(recorder, 'job is done', status.phase === 'PHASE_DONE', tags);
  check(
    recorder,
    'job counts every word of the text',
    status.totalWords === workload.text.words,
    tags,
  );
  recorder.add('job_instances', status.instances, tags);
}

type JsonStatus = Omit<JobStatus, 'phase'> & { phase: string };

function parseStatus(body: Buffer): JsonStatus {
  return JSON.parse(body.toString()) as JsonStatus;
}

/** Returns the phase and counts of done work of a status body, to tell a stalled job. */
function progressOf(body: Buffer): string {
  try {
    const status = parseStatus(body);
    return `${status.phase} ${status.rangesDone} ${status.reduceTasksDone}`;
  } catch {
    return '';
  }
}
