/** The reduce task: merge some partitions of every committed map output and commit the sum. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { CountMap } from '../counting/count-map.js';
import { sortWordCounts } from '../counting/order.js';
import { forEachConcurrent } from '../lib/concurrency.js';
import type { Logger } from '../lib/log.js';
import { INSTANCE_ID } from '../lib/log.js';
import { decodePartitionBlock } from '../map/map-output.js';
import type { ObjectStore } from '../store/object-store.js';
import { encodeMessage } from '../state/codec.js';
import {
  WordOrder,
  type MapSlice,
  type ReduceReceipt,
  type ReduceTask,
} from '../state/messages.js';
import { readStored, writeOnce } from '../state/stored.js';
import { reduceTask } from '../coordinator/reduce-plan.js';
import { checkReduceTaskAgainstPlan } from '../state/plan-check.js';
import { validateReduceTask, type TaskLimits } from '../state/validate.js';
import { encodeWordBlock } from '../state/word-block.js';

/** Ranged GETs in flight at once while a reducer reads map outputs. */
const READ_CONCURRENCY = 8;

export interface ReduceContext {
  store: ObjectStore;
  limits: TaskLimits;
  /**
   * Test only: waits this long between writing the output and committing it, the moment
   * at which a killed instance leaves an uncommitted output behind.
   */
  testCommitDelayMs?: number;
}

/**
 * Runs a reduce task and returns its receipt. Like a map task, a committed task returns its
 * stored receipt and a duplicate returns the winner's.
 */
export async function runReduceTask(
  task: ReduceTask,
  context: ReduceContext,
  log: Logger,
): Promise<ReduceReceipt> {
  validateReduceTask(task, context.limits);
  const { store } = context;
  // The slices to read come from the committed reduce plan, not from the request.
  const plan = await checkReduceTaskAgainstPlan(store, context.limits.stateBucket, task);
  const inputs = reduceTask(plan, task.task, task.attempt, context.limits.stateBucket).inputs;

  const committed = await readStored(store, task.receipt.bucket, task.receipt.key, 'ReduceReceipt');
  if (committed !== undefined) {
    log.info(
      { committedAttempt: committed.attempt },
      'reduce task already committed; returning its receipt',
    );
    return committed;
  }

  const startedMs = Date.now();
  const started = performance.now();
  const counts = new CountMap();
  let inputBytes = 0;
  await forEachConcurrent(inputs, READ_CONCURRENCY, async (slice) => {
    inputBytes += await mergeSlice(store, slice, task.firstPartition, counts);
  });

  const entries = sortWordCounts(counts);
  let words = 0;
  for (const [, count] of entries) words += count;
  const block = encodeWordBlock(entries, {
    partition: task.firstPartition,
    order: WordOrder.RESULT,
  });
  const outputBytes = encodeMessage('WordBlock', block);
  await store.put(task.output.bucket, task.output.key, outputBytes);

  if (context.testCommitDelayMs !== undefined) await sleep(context.testCommitDelayMs);

  const durationSeconds = (performance.now() - started) / 1000;
  const receipt: ReduceReceipt = {
    jobId: task.jobId,
    task: task.task,
    attempt: task.attempt,
    instanceId: INSTANCE_ID,
    inputBytes,
    words,
    distinctWords: entries.length,
    startedMs,
    durationSeconds,
    bytesPerSecond: inputBytes / Math.max(durationSeconds, 1e-6),
    output: { ...task.output, etag: '', size: outputBytes.length },
  };
  const { value, created } = await writeOnce(
    store,
    task.receipt.bucket,
    task.receipt.key,
    'ReduceReceipt',
    receipt,
  );
  log.info(
    { inputBytes, words, distinct: entries.length, seconds: durationSeconds, committed: created },
    created ? 'reduce task committed' : 'reduce task duplicated a committed one',
  );
  return value;
}

/** Reads this task's blocks of one map output with one ranged GET and adds them to `counts`. */
async function mergeSlice(
  store: ObjectStore,
  slice: MapSlice,
  firstPartition: number,
  counts: CountMap,
): Promise<number> {
  const length = slice.blockLengths.reduce((sum, blockLength) => sum + blockLength, 0);
  if (length === 0) return 0;

  const { bucket, key } = slice.output;
  const { bytes } = await store.getRange(bucket, key, slice.offset, length);
  let offset = 0;
  slice.blockLengths.forEach((blockLength, i) => {
    const block = bytes.subarray(offset, offset + blockLength);
    offset += blockLength;
    for (const [word, count] of decodePartitionBlock(
      block,
      firstPartition + i,
      slice.blockCrc32[i],
      `${bucket}/${key}`,
    )) {
      counts.set(word, (counts.get(word) ?? 0) + count);
    }
  });
  return length;
}
