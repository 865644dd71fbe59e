/**
 * Checkpoints of map tasks that handed over. A checkpoint contains the counts of the words that
 * start in `[range.start, nextOffset)`, so its content depends only on the task and the
 * offset: it is stored once under a key that names both, and two instances that stop at
 * the same offset write the same counts.
 */
import type { CountMap } from '../counting/count-map.js';
import { CorruptObjectError } from '../lib/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { keys } from '../state/keys.js';
import type { Checkpoint, MapTask, ObjectRef } from '../state/messages.js';
import { readStored, writeOnce } from '../state/stored.js';
import { decodeCheckpointCounts, encodeCheckpointCounts } from '../state/checkpoint-counts.js';

export interface ResumedCount {
  checkpoint: Checkpoint;
  counts: CountMap;
}

/**
 * Reads the checkpoint a task continues from and checks that it belongs to the task.
 *
 * @throws CorruptObjectError when it is missing, unreadable or describes another task.
 */
export async function readCheckpoint(store: ObjectStore, task: MapTask): Promise<ResumedCount> {
  const ref = task.checkpoint as ObjectRef;
  const where = `checkpoint ${ref.bucket}/${ref.key}`;
  const checkpoint = await readStored(store, ref.bucket, ref.key, 'Checkpoint');
  if (checkpoint === undefined) {
    throw new CorruptObjectError(
      `${where} of job ${task.jobId} chunk ${task.chunk} does not exist; ` +
        'run the task again without it to count the range from its start',
    );
  }
  const { range } = task;
  if (
    checkpoint.jobId !== task.jobId ||
    checkpoint.chunk !== task.chunk ||
    checkpoint.range?.start !== range.start ||
    checkpoint.range.end !== range.end ||
    !(range.start < checkpoint.nextOffset && checkpoint.nextOffset < range.end) ||
    ref.key !== keys.checkpoint(task.jobId, task.chunk, checkpoint.nextOffset)
  ) {
    throw new CorruptObjectError(
      `${where} does not belong to job ${task.jobId} chunk ${task.chunk} ` +
        `with range [${range.start}, ${range.end})`,
    );
  }

  const counts = decodeCheckpointCounts(checkpoint.counts, checkpoint.words, where);
  return { checkpoint, counts };
}

export interface NewCheckpoint {
  task: MapTask;
  nextOffset: number;
  counts: CountMap;
  words: number;
  handovers: number;
  durationSeconds: number;
}

/** Stores a checkpoint unless one exists for the same offset, and returns where it is. */
export async function writeCheckpoint(
  store: ObjectStore,
  bucket: string,
  value: NewCheckpoint,
): Promise<ObjectRef> {
  const { task } = value;
  const key = keys.checkpoint(task.jobId, task.chunk, value.nextOffset);
  await writeOnce(store, bucket, key, 'Checkpoint', {
    jobId: task.jobId,
    chunk: task.chunk,
    range: task.range,
    nextOffset: value.nextOffset,
    words: value.words,
    counts: encodeCheckpointCounts(value.counts),
    handovers: value.handovers,
    durationSeconds: value.durationSeconds,
  });
  return { bucket, key, etag: '', size: 0 };
}
