/** A job's progress, assembled from the objects it has stored. */
import { JobNotFoundError } from '../lib/errors.js';
import { keys } from '../state/keys.js';
import {
  Phase,
  type JobFailure,
  type JobRecord,
  type JobResult,
  type JobStatus,
  type MapReceipt,
  type ReducePlan,
  type ReduceReceipt,
  type StageTiming,
} from '../state/messages.js';
import type { JobState } from './job-state.js';

export interface StoredProgress {
  failure?: JobFailure;
  maps: Map<number, MapReceipt>;
  plan?: ReducePlan;
  reduces: Map<number, ReduceReceipt>;
  result?: JobResult;
}

/**
 * Reads the status of a job: the snapshot written when it finished, or else the progress
 * assembled from its receipts.
 *
 * @throws JobNotFoundError when the job has no record.
 */
export async function readStatus(state: JobState, jobId: string): Promise<JobStatus> {
  const final = await state.finalStatus(jobId);
  if (final !== undefined) return final;

  const job = await state.job(jobId);
  if (job === undefined) throw new JobNotFoundError(jobId);

  const [failure, maps, plan] = await Promise.all([
    state.failure(jobId),
    state.mapReceipts(job),
    state.reducePlan(jobId),
  ]);
  const reduces =
    plan === undefined ? new Map<number, ReduceReceipt>() : await state.reduceReceipts(plan);
  const result =
    plan !== undefined && reduces.size === plan.groups.length
      ? await state.result(jobId)
      : undefined;
  return buildStatus(job, state.bucket, { failure, maps, plan, reduces, result });
}

export function buildStatus(job: JobRecord, bucket: string, progress: StoredProgress): JobStatus {
  const { failure, maps, plan, reduces, result } = progress;
  let phase: Phase = Phase.MAPPING;
  if (failure !== undefined) phase = Phase.FAILED;
  else if (result !== undefined) phase = Phase.DONE;
  else if (plan !== undefined) phase = Phase.REDUCING;

  let bytesDone = 0;
  for (const chunk of maps.keys()) bytesDone += job.ranges[chunk].end - job.ranges[chunk].start;
  const mapReceipts = [...maps.values()];
  const reduceReceipts = [...reduces.values()];
  const all = [...mapReceipts, ...reduceReceipts];

  const stages: StageTiming[] = [];
  if (mapReceipts.length > 0) stages.push(stageTiming('map', mapReceipts));
  if (reduceReceipts.length > 0) stages.push(stageTiming('reduce', reduceReceipts));

  const ref = (key: string) => ({ bucket, key, etag: '', size: 0 });
  return {
    jobId: job.jobId,
    phase,
    input: job.input,
    plan: job.plan,
    rangesTotal: job.ranges.length,
    rangesDone: maps.size,
    bytesTotal: job.input.size,
    bytesDone,
    reduceTasksTotal: plan?.groups.length ?? 0,
    reduceTasksDone: reduces.size,
    retries: all.reduce((sum, receipt) => sum + Math.max(0, receipt.attempt - 1), 0),
    instances: new Set(all.map((receipt) => receipt.instanceId)).size,
    stages,
    totalWords: result?.totalWords ?? 0,
    distinctWords: result?.distinctWords ?? 0,
    failure,
    result: result === undefined ? undefined : ref(keys.result(job.jobId)),
    resultTsv: result === undefined ? undefined : ref(keys.resultTsv(job.jobId)),
    createdMs: job.createdMs,
    handovers: all.reduce((sum, receipt) => sum + receipt.handovers, 0),
  };
}

function stageTiming(
  stage: string,
  receipts: readonly (MapReceipt | ReduceReceipt)[],
): StageTiming {
  const startedMs = Math.min(...receipts.map((receipt) => receipt.startedMs));
  const endedMs = Math.max(
    ...receipts.map((receipt) => receipt.startedMs + receipt.durationSeconds * 1000),
  );
  return {
    stage,
    startedMs,
    seconds: (endedMs - startedMs) / 1000,
    tasks: receipts.length,
    instances: new Set(receipts.map((receipt) => receipt.instanceId)).size,
  };
}
