/**
 * The reduce task: merge some partitions of every committed map output and commit the sum.
 * An invocation that would not finish before its deadline stores a checkpoint instead and
 * returns a continuation, which the coordinator hands to another invocation.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { CountMap } from '../counting/count-map.js';
import { sortWordCounts } from '../counting/order.js';
import { Deadline } from '../lib/deadline.js';
import { NoTimeLeftError, TimeoutTooShortError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { INSTANCE_ID } from '../lib/log.js';
import type { ObjectStore } from '../store/object-store.js';
import { encodeMessage } from '../state/codec.js';
import {
  WordOrder,
  type ObjectRef,
  type ReduceReceipt,
  type ReduceTask,
} from '../state/messages.js';
import { readStored, writeOnce } from '../state/stored.js';
import { reduceTask } from '../coordinator/reduce-plan.js';
import { checkReduceTaskAgainstPlan } from '../state/plan-check.js';
import { validateReduceTask, type TaskLimits } from '../state/validate.js';
import { encodeWordBlock } from '../state/word-block.js';
import { readReduceCheckpoint, writeReduceCheckpoint } from './checkpoint.js';
import { mergeInBatches, type BatchedMerge } from './merge-in-batches.js';

/**
 * Predicted cost of storing the counts, per distinct word, before a resumed invocation has
 * measured one: 5 µs. NOTE: an estimate. Checkpoint writes took about 3 µs per word on a busy
 * 2-core test machine, and a hand-over reserve of a few seconds absorbs an error in it.
 */
const DEFAULT_STORE_MS_PER_ENTRY = 0.005;
/** Storing the counts (sort, encode, PUT) takes up to this many times as long as reading them back. */
const STORE_TO_READ_COST = 2;
/** Checkpoints with fewer distinct words do not measure the read cost per word: the GET dominates. */
const MIN_MEASURED_ENTRIES = 10_000;

export interface ReduceContext {
  store: ObjectStore;
  limits: TaskLimits;
  /** The function's timeout, counted from the request's arrival. */
  timeoutSeconds: number;
  /** Seconds kept free before the timeout to store a checkpoint or the output, and respond. */
  reserveSeconds: number;
  /** Test only: the most input bytes per second this instance merges. */
  testMaxBytesPerSecond?: number;
  /**
   * Test only: waits this long between writing the output and committing it, the moment
   * at which a killed instance leaves an uncommitted output behind.
   */
  testCommitDelayMs?: number;
}

/**
 * Runs a reduce task, or as much of it as fits before the invocation's deadline, and returns
 * its receipt: the committed one, or a continuation that names the checkpoint to resume from.
 * Like a map task, a committed task returns its stored receipt and a duplicate returns the
 * winner's.
 */
export async function runReduceTask(
  task: ReduceTask,
  context: ReduceContext,
  arrivedMs: number,
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
    return asCommitted(committed);
  }

  const deadline = new Deadline(
    arrivedMs + (context.timeoutSeconds - context.reserveSeconds) * 1000,
  );
  const readStartedMs = Date.now();
  const resumed =
    task.checkpoint === undefined
      ? undefined
      : await readReduceCheckpoint(store, task, inputs.length);
  const readMs = Date.now() - readStartedMs;
  const from = resumed?.checkpoint.nextInput ?? 0;
  const earlierBytes = resumed?.checkpoint.inputBytes ?? 0;
  const earlierSeconds = resumed?.checkpoint.durationSeconds ?? 0;
  const handovers = resumed?.checkpoint.handovers ?? 0;
  // The task's first invocation started then; its duration sums the invocations' own times.
  const startedMs = resumed?.checkpoint.startedMs ?? arrivedMs;
  const counts = resumed?.counts ?? new CountMap();
  const merged = await mergeInBatches(store, inputs, from, task.firstPartition, counts, deadline, {
    knownBytesPerSecond: earlierSeconds > 0 ? earlierBytes / earlierSeconds : undefined,
    knownEntriesPerByte: earlierBytes > 0 ? counts.size / earlierBytes : undefined,
    storeMsPerEntry:
      counts.size >= MIN_MEASURED_ENTRIES
        ? (readMs / counts.size) * STORE_TO_READ_COST
        : DEFAULT_STORE_MS_PER_ENTRY,
    maxBytesPerSecond: context.testMaxBytesPerSecond,
  });
  // Every hand-over reads and rewrites all counts so far. When that leaves a resumed
  // invocation no time for one batch, the next would fare the same: the job fails.
  if (merged.next === from && from < inputs.length && resumed !== undefined) {
    throw new TimeoutTooShortError(
      `reduce task ${task.task}`,
      counts.size,
      readMs * STORE_TO_READ_COST,
      context.timeoutSeconds,
    );
  }
  if (merged.next === from && from < inputs.length) {
    throw new NoTimeLeftError(
      `reduce task ${task.task}`,
      context.timeoutSeconds,
      context.reserveSeconds,
    );
  }
  const inputBytes = earlierBytes + merged.inputBytes;

  if (merged.next < inputs.length) {
    let words = 0;
    for (const [, count] of counts) words += count;
    const seconds = (Date.now() - arrivedMs) / 1000;
    const writeStartedMs = Date.now();
    const checkpoint = await writeReduceCheckpoint(store, context.limits.stateBucket, {
      task,
      nextInput: merged.next,
      counts,
      words,
      inputBytes,
      handovers: handovers + 1,
      startedMs,
      durationSeconds: earlierSeconds + seconds,
    });
    log.info(
      {
        from,
        next: merged.next,
        inputs: inputs.length,
        distinct: counts.size,
        mergeMs: merged.elapsedMs,
        readMs,
        writeMs: Date.now() - writeStartedMs,
        ms: Date.now() - arrivedMs,
      },
      'reduce task handed over: the rest would not end before the deadline',
    );
    return continuation(task, merged, checkpoint, handovers + 1, arrivedMs);
  }

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

  // The whole task's time, over every invocation, so the next plan learns its real rate.
  const durationSeconds = earlierSeconds + (Date.now() - arrivedMs) / 1000;
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
    complete: true,
    nextInput: inputs.length,
    checkpoint: undefined,
    handovers,
  };
  const { value, created } = await writeOnce(
    store,
    task.receipt.bucket,
    task.receipt.key,
    'ReduceReceipt',
    receipt,
  );
  log.info(
    {
      inputBytes,
      words,
      distinct: entries.length,
      seconds: durationSeconds,
      handovers,
      committed: created,
    },
    created ? 'reduce task committed' : 'reduce task duplicated a committed one',
  );
  return asCommitted(value);
}

/**
 * Marks a receipt read from the receipt key as complete. Only complete receipts are stored
 * there, but one stored before the field existed decodes it as false.
 */
function asCommitted(receipt: ReduceReceipt): ReduceReceipt {
  return receipt.complete ? receipt : { ...receipt, complete: true, checkpoint: undefined };
}

/**
 * Returns the response of an invocation that stopped early. It commits nothing. It carries
 * the input where merging stopped, the checkpoint to continue from, and this invocation's rate.
 */
function continuation(
  task: ReduceTask,
  merged: BatchedMerge,
  checkpoint: ObjectRef,
  handovers: number,
  arrivedMs: number,
): ReduceReceipt {
  const seconds = (Date.now() - arrivedMs) / 1000;
  return {
    jobId: task.jobId,
    task: task.task,
    attempt: task.attempt,
    instanceId: INSTANCE_ID,
    inputBytes: merged.inputBytes,
    words: 0,
    distinctWords: 0,
    startedMs: arrivedMs,
    durationSeconds: seconds,
    bytesPerSecond: merged.inputBytes / Math.max(seconds, 1e-6),
    output: { bucket: '', key: '', etag: '', size: 0 },
    complete: false,
    nextInput: merged.next,
    checkpoint,
    handovers,
  };
}
