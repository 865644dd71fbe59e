/**
 * Checkpoints of reduce tasks that handed over. A checkpoint contains the merged counts of the
 * task's input slices `[0, nextInput)`, so its content depends only on the task and that
 * index: it is stored once under a key that names both, and two instances that stop at the
 * same slice write the same counts.
 */
import type { CountMap } from '../counting/count-map.js';
import { CorruptObjectError } from '../lib/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { keys } from '../state/keys.js';
import type { ObjectRef, ReduceCheckpoint, ReduceTask } from '../state/messages.js';
import { readStored, writeOnce } from '../state/stored.js';
import { decodeCheckpointCounts, encodeCheckpointCounts } from '../state/checkpoint-counts.js';

export interface ResumedMerge {
  checkpoint: ReduceCheckpoint;
  counts: CountMap;
}

/**
 * Reads the checkpoint a reduce task continues from and checks that it belongs to the task,
 * whose plan gives it `inputCount` input slices.
 *
 * @throws CorruptObjectError when it is missing, unreadable or describes another task.
 */
export async function readReduceCheckpoint(
  store: ObjectStore,
  task: ReduceTask,
  inputCount: number,
): Promise<ResumedMerge> {
  const ref = task.checkpoint as ObjectRef;
  const where = `reduce checkpoint ${ref.bucket}/${ref.key}`;
  const checkpoint = await readStored(store, ref.bucket, ref.key, 'ReduceCheckpoint');
  if (checkpoint === undefined) {
    throw new CorruptObjectError(
      `${where} of job ${task.jobId} task ${task.task} does not exist; ` +
        'run the task again without it to merge from its first input',
    );
  }
  if (
    checkpoint.jobId !== task.jobId ||
    checkpoint.task !== task.task ||
    checkpoint.firstPartition !== task.firstPartition ||
    checkpoint.endPartition !== task.endPartition ||
    !(0 < checkpoint.nextInput && checkpoint.nextInput < inputCount) ||
    ref.key !== keys.reduceCheckpoint(task.jobId, task.task, checkpoint.nextInput)
  ) {
    throw new CorruptObjectError(
      `${where} does not belong to job ${task.jobId} task ${task.task} with partitions ` +
        `[${task.firstPartition}, ${task.endPartition}) and ${inputCount} inputs: it is for ` +
        `job ${checkpoint.jobId} task ${checkpoint.task} partitions ` +
        `[${checkpoint.firstPartition}, ${checkpoint.endPartition}), next input ${checkpoint.nextInput}`,
    );
  }

  const counts = decodeCheckpointCounts(checkpoint.counts, checkpoint.words, where);
  return { checkpoint, counts };
}

export interface NewReduceCheckpoint {
  task: ReduceTask;
  nextInput: number;
  counts: CountMap;
  words: number;
  inputBytes: number;
  handovers: number;
  startedMs: number;
  durationSeconds: number;
}

/** Stores a checkpoint unless one exists for the same next input, and returns where it is. */
export async function writeReduceCheckpoint(
  store: ObjectStore,
  bucket: string,
  value: NewReduceCheckpoint,
): Promise<ObjectRef> {
  const { task } = value;
  const key = keys.reduceCheckpoint(task.jobId, task.task, value.nextInput);
  await writeOnce(store, bucket, key, 'ReduceCheckpoint', {
    jobId: task.jobId,
    task: task.task,
    firstPartition: task.firstPartition,
    endPartition: task.endPartition,
    nextInput: value.nextInput,
    words: value.words,
    counts: encodeCheckpointCounts(value.counts),
    inputBytes: value.inputBytes,
    handovers: value.handovers,
    startedMs: value.startedMs,
    durationSeconds: value.durationSeconds,
  });
  return { bucket, key, etag: '', size: 0 };
}
