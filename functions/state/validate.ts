/**
 * Checks of task messages before a function acts on them. A function is an HTTP endpoint
 * that anything in the cluster can call, so every field is checked: names, ranges, and
 * that outputs go exactly to the keys the layout assigns.
 */
import { BucketNotAllowedError, InvalidKeyError, InvalidRequestError } from '../lib/errors.js';
import { validateBucket, validateKey } from '../store/names.js';
import { JOB_ID_PATTERN, keys, reduceCheckpointPosition } from './keys.js';
import type { MapTask, ObjectRef, ReduceTask } from './messages.js';
import { MAX_PARTITIONS } from './partition.js';

export interface TaskLimits {
  stateBucket: string;
  inputBuckets: readonly string[];
}

export function validateJobId(jobId: string, field = 'jobId'): void {
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw new InvalidRequestError(
      `invalid ${field} ${JSON.stringify(jobId.length > 140 ? `${jobId.slice(0, 128)}…` : jobId)}: ` +
        "expected 1 to 128 lowercase letters, digits, '.', '-' or '_', starting with a letter or digit",
    );
  }
}

/** Checks an input reference: present, valid names, an allowed bucket. */
export function validateInputRef(
  ref: ObjectRef | undefined,
  limits: TaskLimits,
  field = 'input',
): ObjectRef {
  if (ref === undefined) throw new InvalidRequestError(`missing field ${field}`);
  checkNames(ref, field);
  if (!limits.inputBuckets.includes(ref.bucket))
    throw new BucketNotAllowedError(ref.bucket, limits.inputBuckets);
  return ref;
}

export function validateMapTask(task: MapTask, limits: TaskLimits): void {
  validateJobId(task.jobId);
  requireAttempt(task.attempt);
  const input = validateInputRef(task.input, limits);
  if (input.etag === '') throw new InvalidRequestError('missing field input.etag');

  const range = task.range;
  if (range === undefined) throw new InvalidRequestError('missing field range');
  if (!(range.start < range.end && range.end <= input.size)) {
    throw new InvalidRequestError(
      `invalid range [${range.start}, ${range.end}): expected start < end <= input.size (${input.size})`,
    );
  }
  requirePartitions(task.partitions);
  requireExactRef(
    task.output,
    limits.stateBucket,
    keys.mapOutput(task.jobId, task.chunk),
    'output',
  );
  requireExactRef(
    task.receipt,
    limits.stateBucket,
    keys.mapReceipt(task.jobId, task.chunk),
    'receipt',
  );
  if (task.checkpoint !== undefined) {
    const prefix = `jobs/${task.jobId}/checkpoint/`;
    checkNames(task.checkpoint, 'checkpoint');
    if (task.checkpoint.bucket !== limits.stateBucket || !task.checkpoint.key.startsWith(prefix)) {
      throw new InvalidRequestError(
        `invalid checkpoint: expected a key under ${limits.stateBucket}/${prefix}`,
      );
    }
  }
}

export function validateReduceTask(task: ReduceTask, limits: TaskLimits): void {
  validateJobId(task.jobId);
  requireAttempt(task.attempt);
  requirePartitions(task.endPartition);
  if (!(task.firstPartition < task.endPartition)) {
    throw new InvalidRequestError(
      `invalid partitions [${task.firstPartition}, ${task.endPartition}): expected first < end`,
    );
  }
  const width = task.endPartition - task.firstPartition;
  const mapPrefix = keys.mapPrefix(task.jobId);
  task.inputs.forEach((slice, i) => {
    const field = `inputs[${i}]`;
    if (slice.output === undefined) throw new InvalidRequestError(`missing field ${field}.output`);
    checkNames(slice.output, `${field}.output`);
    if (slice.output.bucket !== limits.stateBucket || !slice.output.key.startsWith(mapPrefix)) {
      throw new InvalidRequestError(
        `invalid ${field}.output: expected a map output under ${limits.stateBucket}/${mapPrefix}`,
      );
    }
    if (slice.blockLengths.length !== width || slice.blockCrc32.length !== width) {
      throw new InvalidRequestError(
        `invalid ${field}: expected ${width} block lengths and checksums, got ${slice.blockLengths.length} and ${slice.blockCrc32.length}`,
      );
    }
  });
  requireExactRef(
    task.output,
    limits.stateBucket,
    keys.reduceOutput(task.jobId, task.task),
    'output',
  );
  requireExactRef(
    task.receipt,
    limits.stateBucket,
    keys.reduceReceipt(task.jobId, task.task),
    'receipt',
  );
  if (task.checkpoint !== undefined) validateReduceCheckpointRef(task, limits.stateBucket);
}

/** Checks that a reduce task's checkpoint is a key the layout assigns to this job and task. */
function validateReduceCheckpointRef(task: ReduceTask, stateBucket: string): void {
  const ref = task.checkpoint as ObjectRef;
  checkNames(ref, 'checkpoint');
  const position = reduceCheckpointPosition(ref.key);
  const expected = keys.reduceCheckpoint(task.jobId, task.task, position?.nextInput ?? 0);
  if (ref.bucket !== stateBucket || ref.key !== expected) {
    const pattern = keys
      .reduceCheckpoint(task.jobId, task.task, 0)
      .replace(/-0\.pb$/, '-{next}.pb');
    throw new InvalidRequestError(
      `invalid checkpoint ${ref.bucket}/${ref.key}: expected ${stateBucket}/${pattern}`,
    );
  }
}

function requireAttempt(attempt: number): void {
  if (attempt < 1) throw new InvalidRequestError(`invalid attempt ${attempt}: expected 1 or more`);
}

function requirePartitions(partitions: number): void {
  if (partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new InvalidRequestError(
      `invalid partitions ${partitions}: expected 1 to ${MAX_PARTITIONS}`,
    );
  }
}

function requireExactRef(
  ref: ObjectRef | undefined,
  bucket: string,
  key: string,
  field: string,
): void {
  if (ref === undefined) throw new InvalidRequestError(`missing field ${field}`);
  if (ref.bucket !== bucket || ref.key !== key) {
    throw new InvalidRequestError(
      `invalid ${field} ${ref.bucket}/${ref.key}: expected ${bucket}/${key}`,
    );
  }
}

function checkNames(ref: ObjectRef, field: string): void {
  try {
    validateBucket(ref.bucket);
    validateKey(ref.key);
  } catch (error) {
    if (error instanceof InvalidKeyError)
      throw new InvalidKeyError(`invalid ${field}: ${error.message}`);
    throw error;
  }
}
