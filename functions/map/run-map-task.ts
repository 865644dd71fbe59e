/**
 * The map task: count one range of the input, write the partitioned output, commit it with a
 * receipt. An invocation that would not finish before its deadline stores a checkpoint
 * instead and returns a continuation, which the coordinator hands to another invocation.
 */
import { CountMap } from '../counting/count-map.js';
import { addTableTo } from '../counting/normalize.js';
import { Deadline } from '../lib/deadline.js';
import { NoTimeLeftError, TimeoutTooShortError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { INSTANCE_ID } from '../lib/log.js';
import type { ObjectStore } from '../store/object-store.js';
import type { MapReceipt, MapTask, ObjectRef } from '../state/messages.js';
import { readStored, writeOnce } from '../state/stored.js';
import { checkMapTaskAgainstPlan } from '../state/plan-check.js';
import { validateMapTask, type TaskLimits } from '../state/validate.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { countInSteps, type SteppedCount } from './count-in-steps.js';
import { encodeMapOutput } from './map-output.js';
import { StoreSource } from './store-source.js';

/**
 * Milliseconds per distinct word that the work after counting takes: normalizing, encoding
 * and storing the output or a checkpoint. It starts at 8 µs and follows what this process
 * measures. NOTE: 8 µs is an estimate from runs with about a million distinct words on a
 * busy 2-core machine. A slower store needs more until the first measurement.
 */
let finishMsPerWord = 0.008;
/** Words below this are too few for a measurement: fixed request costs dominate. */
const MIN_MEASURED_WORDS = 10_000;
/** The finishing time set aside is 1.5 times the estimate. */
const FINISH_MARGIN = 1.5;

function learnFinishCost(elapsedMs: number, distinctWords: number): void {
  if (distinctWords >= MIN_MEASURED_WORDS) finishMsPerWord = elapsedMs / distinctWords;
}

/** Bytes per ranged GET: large enough that request overhead stays small against counting. */
const MAP_WINDOW_BYTES = 8 * 1024 * 1024;

export interface MapContext {
  store: ObjectStore;
  limits: TaskLimits;
  /** The function's timeout, counted from the request's arrival. */
  timeoutSeconds: number;
  /** Seconds kept free before the timeout to store a checkpoint and respond. */
  reserveSeconds: number;
  /** Test only: the most bytes per second this instance counts. */
  testMaxBytesPerSecond?: number;
}

/**
 * Runs a map task and returns its receipt. A task whose receipt exists already returns the
 * stored receipt without counting again, and a duplicate that loses the race to commit
 * returns the winner's receipt: the output bytes of both are identical.
 */
export async function runMapTask(
  task: MapTask,
  context: MapContext,
  arrivedMs: number,
  log: Logger,
): Promise<MapReceipt> {
  validateMapTask(task, context.limits);
  const { store } = context;
  // Both reads at once: a round trip less before counting starts.
  const [, committed] = await Promise.all([
    checkMapTaskAgainstPlan(store, context.limits.stateBucket, task),
    readStored(store, task.receipt.bucket, task.receipt.key, 'MapReceipt'),
  ]);
  if (committed !== undefined) {
    log.info(
      { committedAttempt: committed.attempt },
      'map task already committed; returning its receipt',
    );
    return committed;
  }

  const deadline = new Deadline(
    arrivedMs + (context.timeoutSeconds - context.reserveSeconds) * 1000,
  );
  const resumed = task.checkpoint === undefined ? undefined : await readCheckpoint(store, task);
  const from = resumed?.checkpoint.nextOffset ?? task.range.start;
  const earlierSeconds = resumed?.checkpoint.durationSeconds ?? 0;
  const startedMs = Date.now();
  const source = new StoreSource(store, task.input);
  const resumedWords = resumed?.counts.size ?? 0;
  const counted = await countInSteps(source, task.range, from, deadline, {
    windowBytes: MAP_WINDOW_BYTES,
    knownBytesPerSecond:
      earlierSeconds > 0 ? (from - task.range.start) / earlierSeconds : undefined,
    maxBytesPerSecond: context.testMaxBytesPerSecond,
    finishMs: (distinct) => (resumedWords + distinct) * finishMsPerWord * FINISH_MARGIN,
  });
  if (counted.next === from) {
    // Storing the counts it resumed from leaves this invocation no time to count, and the
    // next one would resume from the same counts: no retry can help.
    if (resumed !== undefined) {
      throw new TimeoutTooShortError(
        `map chunk ${task.chunk}`,
        resumedWords,
        resumedWords * finishMsPerWord,
        context.timeoutSeconds,
      );
    }
    throw new NoTimeLeftError(
      `map chunk ${task.chunk}`,
      context.timeoutSeconds,
      context.reserveSeconds,
    );
  }
  const finishStartedMs = Date.now();
  const counts = addTableTo(resumed?.counts ?? new CountMap(), counted.table);
  const words = (resumed?.checkpoint.words ?? 0) + counted.table.total;
  const durationSeconds = earlierSeconds + counted.elapsedMs / 1000;
  const handovers = resumed?.checkpoint.handovers ?? 0;

  if (counted.next < task.range.end) {
    const checkpoint = await writeCheckpoint(store, context.limits.stateBucket, {
      task,
      nextOffset: counted.next,
      counts,
      words,
      handovers: handovers + 1,
      durationSeconds,
    });
    learnFinishCost(Date.now() - finishStartedMs, counts.size);
    log.info(
      { from, next: counted.next, end: task.range.end, seconds: counted.elapsedMs / 1000 },
      'map task handed over: the rest would not end before the deadline',
    );
    return continuation(task, counted, from, checkpoint, handovers + 1, startedMs);
  }

  const output = encodeMapOutput(counts, task.partitions);
  // A duplicate that committed meanwhile keeps its output: return its receipt instead.
  const committedMeanwhile = await readStored(
    store,
    task.receipt.bucket,
    task.receipt.key,
    'MapReceipt',
  );
  if (committedMeanwhile !== undefined) return committedMeanwhile;
  await store.put(task.output.bucket, task.output.key, output.bytes);

  const bytes = task.range.end - task.range.start;
  const receipt: MapReceipt = {
    jobId: task.jobId,
    chunk: task.chunk,
    attempt: task.attempt,
    instanceId: INSTANCE_ID,
    bytes,
    bytesRead: source.bytesRead,
    words,
    distinctWords: counts.size,
    startedMs,
    durationSeconds,
    bytesPerSecond: bytes / Math.max(durationSeconds, 1e-6),
    output: { ...task.output, etag: '', size: output.bytes.length },
    partitionEnds: output.partitionEnds,
    partitionCrc32: output.partitionCrc32,
    complete: true,
    nextOffset: task.range.end,
    checkpoint: undefined,
    handovers,
  };

  const { value, created } = await writeOnce(
    store,
    task.receipt.bucket,
    task.receipt.key,
    'MapReceipt',
    receipt,
  );
  learnFinishCost(Date.now() - finishStartedMs, counts.size);
  log.info(
    {
      bytes,
      words,
      distinct: receipt.distinctWords,
      seconds: durationSeconds,
      handovers,
      committed: created,
    },
    created ? 'map task committed' : 'map task duplicated a committed one',
  );
  return value;
}

/**
 * Returns the response of an invocation that stopped early. It commits nothing. It carries
 * the offset where counting stopped, the checkpoint to continue from, and this invocation's rate.
 */
function continuation(
  task: MapTask,
  counted: SteppedCount,
  from: number,
  checkpoint: ObjectRef,
  handovers: number,
  startedMs: number,
): MapReceipt {
  const seconds = counted.elapsedMs / 1000;
  return {
    jobId: task.jobId,
    chunk: task.chunk,
    attempt: task.attempt,
    instanceId: INSTANCE_ID,
    bytes: counted.next - from,
    bytesRead: 0,
    words: counted.table.total,
    distinctWords: 0,
    startedMs,
    durationSeconds: seconds,
    bytesPerSecond: (counted.next - from) / Math.max(seconds, 1e-6),
    output: { bucket: '', key: '', etag: '', size: 0 },
    partitionEnds: [],
    partitionCrc32: [],
    complete: false,
    nextOffset: counted.next,
    checkpoint,
    handovers,
  };
}
