/**
 * Grouping the hash partitions into reduce tasks once every map output is committed. Each
 * group is a run of neighboring partitions, so a reducer reads its share of a map output with
 * one ranged GET. Groups are sized by the map output bytes they hold: at most the reduce
 * SafeSize, and small enough to keep the configured concurrency busy.
 */
import { computeSafeSize } from '../counting/safe-size.js';
import { keys } from '../state/keys.js';
import type {
  JobRecord,
  MapReceipt,
  MapSlice,
  ObjectRef,
  PartitionGroup,
  ReducePlan,
  ReduceTask,
} from '../state/messages.js';

/** Groups smaller than this are not split further for concurrency: 1 MiB. */
const MIN_GROUP_BYTES = 1024 * 1024;

export interface ReducePlanSettings {
  reduceTimeoutSeconds: number;
  reserveSeconds: number;
  safetyFactor: number;
  /** Reduce throughput in map output bytes per second. */
  bytesPerSecond: number;
}

/** Builds the reduce plan from the committed map receipts (any order). */
export function buildReducePlan(
  job: JobRecord,
  receipts: readonly MapReceipt[],
  settings: ReducePlanSettings,
  nowMs: number,
): ReducePlan {
  const maps = [...receipts].sort((a, b) => a.chunk - b.chunk);
  const partitionBytes = new Array<number>(job.partitions).fill(0);
  for (const receipt of maps) {
    receipt.partitionEnds.forEach((end, partition) => {
      partitionBytes[partition] +=
        end - (partition === 0 ? 0 : receipt.partitionEnds[partition - 1]);
    });
  }
  const total = partitionBytes.reduce((sum, bytes) => sum + bytes, 0);
  const maxTaskBytes = computeSafeSize({
    timeoutSeconds: settings.reduceTimeoutSeconds,
    reserveSeconds: settings.reserveSeconds,
    safetyFactor: settings.safetyFactor,
    bytesPerSecond: settings.bytesPerSecond,
  });
  const target = Math.min(
    maxTaskBytes,
    Math.max(MIN_GROUP_BYTES, Math.ceil(total / job.plan.concurrency)),
  );

  return {
    jobId: job.jobId,
    groups: groupPartitions(partitionBytes, target),
    maps,
    mapOutputBytes: total,
    bytesPerSecond: settings.bytesPerSecond,
    maxTaskBytes,
    createdMs: nowMs,
  };
}

/**
 * Splits partitions into contiguous groups of about `target` bytes. A single partition larger
 * than the target gets a group of its own, because a partition cannot be split.
 */
export function groupPartitions(
  partitionBytes: readonly number[],
  target: number,
): PartitionGroup[] {
  const groups: PartitionGroup[] = [];
  let first = 0;
  let bytes = 0;
  for (let partition = 0; partition < partitionBytes.length; partition++) {
    if (partition > first && bytes + partitionBytes[partition] > target) {
      groups.push({ firstPartition: first, endPartition: partition, bytes });
      first = partition;
      bytes = 0;
    }
    bytes += partitionBytes[partition];
  }
  groups.push({ firstPartition: first, endPartition: partitionBytes.length, bytes });
  return groups;
}

/**
 * Returns the task of reduce group `task`: its slice of every map output that has bytes in it,
 * in the order of the plan's map receipts, and the checkpoint to continue from, if any.
 */
export function reduceTask(
  plan: ReducePlan,
  task: number,
  attempt: number,
  bucket: string,
  checkpoint?: ObjectRef,
): ReduceTask {
  const group = plan.groups[task];
  const inputs: MapSlice[] = [];
  for (const receipt of plan.maps) {
    const ends = receipt.partitionEnds;
    const offset = group.firstPartition === 0 ? 0 : ends[group.firstPartition - 1];
    if (ends[group.endPartition - 1] === offset) continue;

    const blockLengths: number[] = [];
    for (let partition = group.firstPartition; partition < group.endPartition; partition++) {
      blockLengths.push(ends[partition] - (partition === 0 ? 0 : ends[partition - 1]));
    }
    inputs.push({
      output: receipt.output,
      offset,
      blockLengths,
      blockCrc32: receipt.partitionCrc32.slice(group.firstPartition, group.endPartition),
    });
  }
  return {
    jobId: plan.jobId,
    task,
    attempt,
    firstPartition: group.firstPartition,
    endPartition: group.endPartition,
    inputs,
    output: { bucket, key: keys.reduceOutput(plan.jobId, task), etag: '', size: 0 },
    receipt: { bucket, key: keys.reduceReceipt(plan.jobId, task), etag: '', size: 0 },
    checkpoint,
  };
}
