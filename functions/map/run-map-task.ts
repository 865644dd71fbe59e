/** The map task: count one range of the input, write the partitioned output, commit it with a receipt. */
import { performance } from 'node:perf_hooks';

import { CountMap } from '../counting/count-map.js';
import { countRange } from '../counting/count-range.js';
import { addTableTo } from '../counting/normalize.js';
import type { Logger } from '../lib/log.js';
import { INSTANCE_ID } from '../lib/log.js';
import type { ObjectStore } from '../store/object-store.js';
import type { MapReceipt, MapTask } from '../state/messages.js';
import { readStored, writeOnce } from '../state/stored.js';
import { checkMapTaskAgainstPlan } from '../state/plan-check.js';
import { validateMapTask, type TaskLimits } from '../state/validate.js';
import { encodeMapOutput } from './map-output.js';
import { StoreSource } from './store-source.js';

/** Bytes per ranged GET: large enough that request overhead stays small against counting. */
const MAP_WINDOW_BYTES = 8 * 1024 * 1024;

export interface MapContext {
  store: ObjectStore;
  limits: TaskLimits;
}

/**
 * Runs a map task and returns its receipt. A task whose receipt exists already returns the
 * stored receipt without counting again, and a duplicate that loses the race to commit
 * returns the winner's receipt: the output bytes of both are identical.
 */
export async function runMapTask(
  task: MapTask,
  context: MapContext,
  log: Logger,
): Promise<MapReceipt> {
  validateMapTask(task, context.limits);
  const { store } = context;
  await checkMapTaskAgainstPlan(store, context.limits.stateBucket, task);

  const committed = await readStored(store, task.receipt.bucket, task.receipt.key, 'MapReceipt');
  if (committed !== undefined) {
    log.info(
      { committedAttempt: committed.attempt },
      'map task already committed; returning its receipt',
    );
    return committed;
  }

  // NOTE: a task that counts slower than its plan is not yet stopped and handed over to a
  // continuation. The platform's timeout ends it, and the coordinator retries it.
  const startedMs = Date.now();
  const started = performance.now();
  const source = new StoreSource(store, task.input);
  const table = await countRange(source, task.range, { windowBytes: MAP_WINDOW_BYTES });
  const counts = addTableTo(new CountMap(), table);
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

  const durationSeconds = (performance.now() - started) / 1000;
  const bytes = task.range.end - task.range.start;
  const receipt: MapReceipt = {
    jobId: task.jobId,
    chunk: task.chunk,
    attempt: task.attempt,
    instanceId: INSTANCE_ID,
    bytes,
    bytesRead: source.bytesRead,
    words: table.total,
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
  };

  const { value, created } = await writeOnce(
    store,
    task.receipt.bucket,
    task.receipt.key,
    'MapReceipt',
    receipt,
  );
  log.info(
    {
      bytes,
      words: receipt.words,
      distinct: receipt.distinctWords,
      seconds: durationSeconds,
      committed: created,
    },
    created ? 'map task committed' : 'map task duplicated a committed one',
  );
  return value;
}
