/** The map stage: one task per range, run with bounded concurrency until every range is committed. */
import { forEachConcurrent } from '../lib/concurrency.js';
import { keys } from '../state/keys.js';
import type { JobRecord, MapReceipt, MapTask } from '../state/messages.js';
import type { Deadline } from './deadline.js';
import { callMs } from './call-time.js';
import { runTask } from './run-task.js';
import type { StageContext } from './stage-context.js';

export function mapTask(job: JobRecord, chunk: number, attempt: number, bucket: string): MapTask {
  return {
    jobId: job.jobId,
    chunk,
    attempt,
    input: job.input,
    range: job.ranges[chunk],
    partitions: job.partitions,
    output: { bucket, key: keys.mapOutput(job.jobId, chunk), etag: '', size: 0 },
    receipt: { bucket, key: keys.mapReceipt(job.jobId, chunk), etag: '', size: 0 },
    checkpoint: undefined,
  };
}

/**
 * Runs the map tasks whose receipts are missing. Returns the receipts by chunk; fewer than
 * the ranges means the request's time ran out first.
 */
export async function runMapStage(
  context: StageContext,
  job: JobRecord,
  deadline: Deadline,
): Promise<Map<number, MapReceipt>> {
  const { state, config, log } = context;
  const receipts = await state.mapReceipts(job);
  const pending = job.ranges.map((_, chunk) => chunk).filter((chunk) => !receipts.has(chunk));
  if (pending.length > 0)
    log.info({ pending: pending.length, total: job.ranges.length }, 'map stage: dispatching');

  await forEachConcurrent(pending, job.plan.concurrency, async (chunk) => {
    const receipt = await runTask(
      `map chunk ${chunk}`,
      (attempt) =>
        context.map.call('MapTask', mapTask(job, chunk, attempt, state.bucket), 'MapReceipt'),
      context.retry,
      deadline,
      callMs(config.mapTimeoutSeconds),
      log.child({ chunk }),
    );
    if (receipt === undefined) return;
    if (receipt.jobId !== job.jobId || receipt.chunk !== chunk || !receipt.complete) {
      throw new Error(
        `BUG: map chunk ${chunk} returned a receipt for job ${receipt.jobId} chunk ${receipt.chunk}`,
      );
    }
    receipts.set(chunk, receipt);
  });
  return receipts;
}
