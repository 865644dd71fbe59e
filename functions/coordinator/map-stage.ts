/** The map stage: one task per range, run with bounded concurrency until every range is committed. */
import { TaskFailedError } from '../lib/errors.js';
import { forEachConcurrent } from '../lib/concurrency.js';
import type { Deadline } from '../lib/deadline.js';
import { keys } from '../state/keys.js';
import type { JobRecord, MapReceipt, MapTask, ObjectRef } from '../state/messages.js';
import { callMs } from './call-time.js';
import { runTask } from './run-task.js';
import type { StageContext } from './stage-context.js';

export function mapTask(
  job: JobRecord,
  chunk: number,
  attempt: number,
  bucket: string,
  checkpoint?: ObjectRef,
): MapTask {
  return {
    jobId: job.jobId,
    chunk,
    attempt,
    input: job.input,
    range: job.ranges[chunk],
    partitions: job.partitions,
    output: { bucket, key: keys.mapOutput(job.jobId, chunk), etag: '', size: 0 },
    receipt: { bucket, key: keys.mapReceipt(job.jobId, chunk), etag: '', size: 0 },
    checkpoint,
  };
}

/**
 * Runs the map tasks whose receipts are missing, each from its furthest checkpoint if an
 * earlier invocation handed over. Returns the receipts by chunk; fewer than the ranges
 * means the request's time ran out first.
 */
export async function runMapStage(
  context: StageContext,
  job: JobRecord,
  deadline: Deadline,
): Promise<Map<number, MapReceipt>> {
  const { state, log } = context;
  const receipts = await state.mapReceipts(job);
  const pending = job.ranges.map((_, chunk) => chunk).filter((chunk) => !receipts.has(chunk));
  if (pending.length === 0) return receipts;

  log.info({ pending: pending.length, total: job.ranges.length }, 'map stage: dispatching');
  const checkpoints = await state.latestCheckpoints(job.jobId);
  await forEachConcurrent(pending, job.plan.concurrency, async (chunk) => {
    const receipt = await runChunk(context, job, chunk, checkpoints.get(chunk), deadline);
    if (receipt !== undefined) receipts.set(chunk, receipt);
  });
  return receipts;
}

/**
 * Calls the map function for one chunk until an invocation commits it. An invocation that
 * stops before its deadline returns a continuation; the next one starts from its checkpoint.
 */
async function runChunk(
  context: StageContext,
  job: JobRecord,
  chunk: number,
  checkpoint: ObjectRef | undefined,
  deadline: Deadline,
): Promise<MapReceipt | undefined> {
  const { state, config } = context;
  const log = context.log.child({ chunk });
  const task = `map chunk ${chunk}`;
  const range = job.ranges[chunk];
  let reached = range.start;

  for (;;) {
    const from = checkpoint;
    const receipt = await runTask(
      task,
      (attempt) =>
        context.map.call('MapTask', mapTask(job, chunk, attempt, state.bucket, from), 'MapReceipt'),
      context.retry,
      deadline,
      callMs(config.mapTimeoutSeconds),
      log,
    );
    if (receipt === undefined) return undefined;
    if (receipt.jobId !== job.jobId || receipt.chunk !== chunk) {
      throw new Error(
        `BUG: ${task} returned a receipt for job ${receipt.jobId} chunk ${receipt.chunk}`,
      );
    }
    if (receipt.complete) return receipt;

    if (
      receipt.checkpoint === undefined ||
      !(reached < receipt.nextOffset && receipt.nextOffset < range.end)
    ) {
      throw new TaskFailedError(
        task,
        receipt.attempt,
        `a continuation must move forward inside [${range.start}, ${range.end}) with a checkpoint, ` +
          `but it reached ${receipt.nextOffset} from ${reached}`,
      );
    }
    reached = receipt.nextOffset;
    checkpoint = receipt.checkpoint;
    log.info(
      {
        next: reached,
        end: range.end,
        handovers: receipt.handovers,
        seconds: receipt.durationSeconds,
      },
      'map chunk handed over; continuing from its checkpoint',
    );
  }
}
